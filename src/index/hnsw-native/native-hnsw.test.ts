// The native HNSW wrapper against a plain-JS exact oracle on seeded clustered 10k × 64 data:
// recall@10 per metric, filtered searches never return a disallowed row (exact below the threshold,
// high recall above it), empty index, k larger than the index, and bad arguments as assertions.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Bitset } from '../../common/bitset.ts'
import { type FloatMetric, Metric } from '../../vector/metric.ts'
import { seededRandom } from '../../vector/seeded-random.ts'
import { clusteredVectors } from './clustered-vectors.ts'
import { exactTopK, recallOf } from './exact-top-k.ts'
import { type FilterStrategy, pickFilterStrategy } from './filter-strategy.ts'
import { createNativeHnsw, decodeNativeHnsw, type NativeHnsw, type NativeHnswResult, nativeSimdLevel } from './native-hnsw.ts'

const dim = 64
const rowCount = 10_000
const queryCount = 50
const k = 10
const ef = 64
const recallMin = 0.95
const data = clusteredVectors({ seed: 11, dim, rowCount, queryCount, clusterCount: 20, spread: 0.15 })
const params = { dim, M: 16, efConstruction: 200, seed: 42 }

const built = new Map<FloatMetric, NativeHnsw>()
function indexFor(metric: FloatMetric): NativeHnsw {
  let index = built.get(metric)
  if (index === undefined) {
    index = createNativeHnsw({ ...params, metric }, data.vectors, rowCount)
    built.set(metric, index)
  }
  return index
}

function queryAt(q: number): Float32Array {
  return data.queries.subarray(q * dim, (q + 1) * dim)
}

/** A seeded filter allowing about `fraction` of the rows. */
function randomFilter(fraction: number, seed: number): Bitset {
  const random = seededRandom(seed)
  const bits = new Bitset(rowCount)
  for (let r = 0; r < rowCount; r++) if (random() < fraction) bits.set(r)
  return bits
}

function meanRecall(search: (q: number) => NativeHnswResult, metric: FloatMetric, allowed: Bitset | null): number {
  let sum = 0
  for (let q = 0; q < queryCount; q++) {
    const found = search(q)
    if (allowed !== null) for (const r of found.rows) assert.ok(allowed.get(r), `row ${r} is not allowed`)
    sum += recallOf(found.rows, exactTopK(metric, queryAt(q), data.vectors, rowCount, k, allowed).rows)
  }
  return sum / queryCount
}

describe(`native HNSW (${nativeSimdLevel()} kernels)`, () => {
  for (const metric of [Metric.L2, Metric.IP, Metric.COSINE] as const) {
    test(`${metric}: recall@10 at ef=${ef} is at least ${recallMin}, results best first with Milvus scores`, () => {
      const index = indexFor(metric)
      assert.equal(index.rowCount, rowCount)
      assert.ok(meanRecall((q) => index.search(queryAt(q), k, null, ef), metric, null) >= recallMin)
      const found = index.search(queryAt(0), k, null, ef)
      const truth = exactTopK(metric, queryAt(0), data.vectors, rowCount, k, null)
      assert.equal(found.rows[0], truth.rows[0])
      assert.ok(Math.abs(found.scores[0]! - truth.scores[0]!) <= 1e-4 * Math.max(1, Math.abs(truth.scores[0]!)))
      for (let i = 1; i < found.scores.length; i++) {
        const ordered = metric === Metric.L2 ? found.scores[i - 1]! <= found.scores[i]! : found.scores[i - 1]! >= found.scores[i]!
        assert.ok(ordered, `scores out of order at ${i}`)
      }
    })
  }

  test('a 1% filter is served by the exact scan: the exact top-k, same rows and scores', () => {
    const allowed = randomFilter(0.01, 5)
    assert.equal(pickFilterStrategy(allowed.count(), rowCount, k, ef, params.M), 'exact')
    for (const metric of [Metric.L2, Metric.IP, Metric.COSINE] as const) {
      for (let q = 0; q < 10; q++) {
        const found = indexFor(metric).search(queryAt(q), k, allowed, ef)
        const truth = exactTopK(metric, queryAt(q), data.vectors, rowCount, k, allowed)
        assert.deepEqual([...found.rows], [...truth.rows])
        for (let i = 0; i < k; i++) assert.ok(Math.abs(found.scores[i]! - truth.scores[i]!) <= 1e-4 * Math.max(1, Math.abs(truth.scores[i]!)))
      }
    }
  })

  const walks: ReadonlyArray<readonly [FilterStrategy, number]> = [
    ['twoHop', 0.05],
    ['twoHop', 0.1],
    ['twoHop', 0.5],
    ['hnswlib', 0.01],
    ['hnswlib', 0.1],
    ['hnswlib', 0.5],
  ]
  for (const [strategy, fraction] of walks) {
    test(`the ${strategy} walk with a ${fraction * 100}% bitset returns only allowed rows, recall ≥ ${recallMin}`, () => {
      const allowed = randomFilter(fraction, 6)
      for (const metric of [Metric.L2, Metric.COSINE] as const) {
        const walk = (q: number) => indexFor(metric).searchWith(strategy, queryAt(q), k, allowed, ef)
        assert.ok(meanRecall(walk, metric, allowed) >= recallMin)
      }
    })
  }

  test('the two-hop walk with every row allowed is the unfiltered search', () => {
    const index = indexFor(Metric.IP)
    for (let q = 0; q < 10; q++) assert.deepEqual(index.searchWith('twoHop', queryAt(q), k, Bitset.full(rowCount), ef), index.search(queryAt(q), k, null, ef))
  })

  test('search follows pickFilterStrategy in each band (ef 16)', () => {
    const index = indexFor(Metric.L2)
    for (const [fraction, strategy] of [[0.05, 'exact'], [0.2, 'twoHop'], [0.9, 'twoHop']] as const) {
      const allowed = randomFilter(fraction, 8)
      assert.equal(pickFilterStrategy(allowed.count(), rowCount, k, 16, params.M), strategy)
      for (let q = 0; q < 5; q++) assert.deepEqual(index.search(queryAt(q), k, allowed, 16), index.searchWith(strategy, queryAt(q), k, allowed, 16))
    }
  })

  test('a two-hop walk that cannot reach the allowed rows falls back to the exact scan', () => {
    const index = indexFor(Metric.L2)
    const farthest = exactTopK(Metric.L2, queryAt(0), data.vectors, rowCount, rowCount, null).rows.subarray(rowCount - 2_000)
    const allowed = new Bitset(rowCount)
    for (const r of farthest) allowed.set(r)
    assert.equal(pickFilterStrategy(allowed.count(), rowCount, k, 16, params.M), 'twoHop')
    assert.ok(index.searchWith('twoHop', queryAt(0), k, allowed, 16).rows.length < k, 'precondition: the walk comes up short')
    assert.deepEqual(index.search(queryAt(0), k, allowed, 16), index.searchExact(queryAt(0), k, allowed))
  })

  test('a filter allowing fewer rows than k returns exactly those rows; none allowed returns none', () => {
    const index = indexFor(Metric.L2)
    const allowed = new Bitset(rowCount)
    for (const r of [3, 4_000, 9_999]) allowed.set(r)
    assert.deepEqual([...index.search(queryAt(0), k, allowed, ef).rows].sort((a, b) => a - b), [3, 4_000, 9_999])
    assert.equal(index.search(queryAt(0), k, new Bitset(rowCount), ef).rows.length, 0)
  })

  test('k above the row count returns every row; k = 0 returns none', () => {
    const small = createNativeHnsw({ ...params, metric: Metric.IP }, data.vectors, 7)
    const found = small.search(queryAt(0), 100, null, ef)
    assert.deepEqual([...found.rows].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6])
    assert.equal(small.search(queryAt(0), 0, null, ef).rows.length, 0)
  })

  test('an empty index builds, searches to nothing, and round-trips', () => {
    const empty = createNativeHnsw({ ...params, metric: Metric.COSINE }, new Float32Array(0), 0)
    assert.equal(empty.rowCount, 0)
    assert.equal(empty.search(queryAt(0), k, null, ef).rows.length, 0)
    assert.equal(empty.search(queryAt(0), k, new Bitset(0), ef).rows.length, 0)
    assert.equal(empty.searchExact(queryAt(0), k, null).rows.length, 0)
    const decoded = decodeNativeHnsw(empty.encode(), Metric.COSINE, dim, new Float32Array(0))
    assert.equal(decoded.rowCount, 0)
    assert.equal(decoded.search(queryAt(0), k, null, ef).rows.length, 0)
  })

  test('bad arguments are assertion errors', () => {
    const index = indexFor(Metric.L2)
    assert.throws(() => index.search(new Float32Array(dim - 1), k, null, ef), assert.AssertionError)
    assert.throws(() => index.search(queryAt(0), -1, null, ef), assert.AssertionError)
    assert.throws(() => index.search(queryAt(0), 1.5, null, ef), assert.AssertionError)
    assert.throws(() => index.search(queryAt(0), k, null, 0), assert.AssertionError)
    assert.throws(() => index.search(queryAt(0), k, new Bitset(rowCount - 1), ef), assert.AssertionError)
    assert.throws(() => createNativeHnsw({ ...params, metric: Metric.L2, M: 1 }, data.vectors, 10), assert.AssertionError)
    assert.throws(() => createNativeHnsw({ ...params, metric: Metric.L2, dim: 0 }, data.vectors, 10), assert.AssertionError)
    assert.throws(() => createNativeHnsw({ ...params, metric: Metric.HAMMING as FloatMetric }, data.vectors, 10), assert.AssertionError)
    assert.throws(() => createNativeHnsw({ ...params, metric: Metric.L2 }, data.vectors.subarray(0, dim * 3), 4), assert.AssertionError)
  })

  test('release frees the index; a released index throws', () => {
    const index = createNativeHnsw({ ...params, metric: Metric.L2 }, data.vectors, 100)
    index.release()
    assert.throws(() => index.search(queryAt(0), k, null, ef), { code: 'QUIVER_HNSW_RELEASED' })
  })
})
