// Searches on a libuv pool thread (`NativeHnsw.searchAsync`, the addon's `searchKnnAsync`) give the
// rows the synchronous search gives, for every filter strategy, with many in flight at once on one
// index; the inputs may change once the call returned; release() while searches are in flight frees
// the index only after they settle, and later calls fail as after any release.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Bitset } from '../../common/bitset.ts'
import { Metric } from '../../vector/metric.ts'
import { seededRandom } from '../../vector/seeded-random.ts'
import { clusteredVectors } from './clustered-vectors.ts'
import { type FilterStrategy, pickFilterStrategy } from './filter-strategy.ts'
import { loadNativeHnsw } from './native-addon.ts'
import { createNativeHnsw, type NativeHnswResult } from './native-hnsw.ts'

const dim = 32
const rowCount = 5_000
const queryCount = 40
const k = 10
const ef = 64
const data = clusteredVectors({ seed: 5, dim, rowCount, queryCount, clusterCount: 16, spread: 0.2 })
const queryAt = (q: number) => data.queries.slice(q * dim, (q + 1) * dim)

function filterOf(fraction: number, seed: number): Bitset {
  const random = seededRandom(seed)
  const bits = new Bitset(rowCount)
  for (let r = 0; r < rowCount; r++) if (random() < fraction) bits.set(r)
  return bits
}

function same(a: NativeHnswResult, b: NativeHnswResult, what: string): void {
  assert.deepEqual(Array.from(a.rows), Array.from(b.rows), `${what}: rows`)
  assert.deepEqual(Array.from(a.scores), Array.from(b.scores), `${what}: scores`)
}

describe('native HNSW searches off the JavaScript thread', () => {
  const index = createNativeHnsw({ metric: Metric.L2, dim, M: 16, efConstruction: 100, seed: 42 }, data.vectors, rowCount)

  test('the addon has searchKnnAsync', () => {
    assert.equal(typeof loadNativeHnsw().HnswIndex.prototype.searchKnnAsync, 'function')
  })

  // No filter and filters that pick each strategy (hnswlib's walk is never picked today: 0006).
  const filters: [string, Bitset | null, FilterStrategy | null][] = [
    ['no filter', null, null],
    ['1 % allowed', filterOf(0.01, 1), 'exact'],
    ['30 % allowed', filterOf(0.3, 2), 'exact'],
    ['90 % allowed', filterOf(0.9, 3), 'twoHop'],
  ]
  for (const [what, bits, strategy] of filters) {
    test(`${what}${strategy === null ? '' : ` (${strategy})`}: the same rows and scores as the synchronous search, ${queryCount} searches in flight at once`, async () => {
      if (bits !== null) assert.equal(pickFilterStrategy(loadNativeHnsw().countAllowed(bits.words, rowCount), rowCount, k, ef, index.M), strategy)
      const found = await Promise.all(Array.from({ length: queryCount }, (_, q) => index.searchAsync(queryAt(q), k, bits, ef)))
      for (let q = 0; q < queryCount; q++) {
        same(found[q]!, index.search(queryAt(q), k, bits, ef), `${what}, query ${q}`)
        assert.equal(found[q]!.rows.length, k)
        if (bits !== null) for (const r of found[q]!.rows) assert.ok(bits.get(r), `row ${r} is not allowed`)
      }
    })
  }

  test('the query and the filter are copied: changing them after the call does not change the answer', async () => {
    const query = queryAt(0)
    const bits = filterOf(0.9, 4)
    const want = index.search(query, k, bits, ef)
    const pending = index.searchAsync(query, k, bits, ef)
    query.fill(100)
    bits.words.fill(0)
    same(await pending, want, 'after the inputs changed')
  })

  test('a filter allowing fewer rows than k: the exact scan on the pool thread', async () => {
    const bits = filterOf(0.002, 6) // ~10 rows: fewer than k found by any walk, so the exact scan answers
    const want = index.searchExact(queryAt(1), k, bits)
    same(await index.searchAsync(queryAt(1), k, bits, ef), want, 'tiny filter')
  })

  test('release() with searches in flight: they still answer, later calls fail as released', async () => {
    const own = createNativeHnsw({ metric: Metric.IP, dim, M: 8, efConstruction: 40, seed: 1 }, data.vectors, rowCount)
    const want = own.search(queryAt(2), k, null, ef)
    const pending = Array.from({ length: 8 }, () => own.searchAsync(queryAt(2), k, null, ef))
    own.release()
    for (const found of await Promise.all(pending)) same(found, want, 'in flight at release')
    await assert.rejects(own.searchAsync(queryAt(2), k, null, ef), (e: Error & { code?: string }) => e.code === 'QUIVER_HNSW_RELEASED')
    assert.throws(() => own.search(queryAt(2), k, null, ef), (e: Error & { code?: string }) => e.code === 'QUIVER_HNSW_RELEASED')
  })

  test('bad arguments are refused before anything is queued', () => {
    const raw = new (loadNativeHnsw().HnswIndex)('l2', dim, 10, 8, 40, 1, data.vectors.subarray(0, 10 * dim))
    raw.addPoints(0, 10)
    assert.throws(() => raw.searchKnnAsync!(new Float32Array(dim - 1), k, ef, null, 'twoHop'), (e: Error & { code?: string }) => e.code === 'QUIVER_HNSW_ARG')
    assert.throws(() => raw.searchKnnAsync!(queryAt(0), k, ef, null, 'hnswlib' as 'twoHop'), (e: Error & { code?: string }) => e.code === 'QUIVER_HNSW_ARG')
    raw.release()
  })
})
