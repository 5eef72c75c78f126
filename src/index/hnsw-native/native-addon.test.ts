// The addon's own API below the wrapper: batch search equals one-by-one search (with -1 / NaN padding),
// countAllowed, setEf as the default ef, the index reads its vectors in place (external column, also in
// shared memory), bad calls throw JS errors with a code instead of crashing, and a missing addon is a
// MilvusError 3000 that says how to rebuild it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { clusteredVectors } from './clustered-vectors.ts'
import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import { wasm } from '../../common/wasm-api.ts'
import { loadAddonFrom, loadNativeHnsw, nativeHnswAvailable } from './native-addon.ts'

const dim = 16
const rows = 500
const data = clusteredVectors({ seed: 2, dim, rowCount: rows, queryCount: 6, clusterCount: 5, spread: 0.2 })

function build(space: 'l2' | 'ip' | 'cosine' = 'l2', count = rows, vectors = data.vectors) {
  const index = new (loadNativeHnsw().HnswIndex)(space, dim, count, 8, 40, 1, vectors)
  index.addPoints(0, count)
  return index
}

test('searchKnnBatch equals searchKnn per query, both walks, padded with -1 / NaN past the row count', () => {
  for (const twoHop of [false, true]) {
    const index = build('cosine')
    const bits = new Uint32Array(Math.ceil(rows / 32)).fill(0x55555555)
    for (const allowed of [null, bits]) {
      const batch = index.searchKnnBatch(data.queries, 7, 30, allowed, twoHop)
      for (let q = 0; q < 6; q++) {
        const one = index.searchKnn(data.queries.subarray(q * dim, (q + 1) * dim), 7, 30, allowed, twoHop)
        assert.equal(batch.counts[q], 7)
        assert.deepEqual(batch.labels.subarray(q * 7, q * 7 + 7), one.labels)
        assert.deepEqual(batch.scores.subarray(q * 7, q * 7 + 7), one.scores)
      }
    }
  }
  const tiny = build('ip', 3)
  const padded = tiny.searchKnnBatch(data.queries.subarray(0, 2 * dim), 5, 10, null)
  assert.deepEqual([...padded.counts], [3, 3])
  assert.deepEqual([...padded.labels.subarray(3, 5)], [-1, -1])
  assert.ok(Number.isNaN(padded.scores[4]))
})

test('countAllowed counts only rows below the row count (tail bits and missing words ignored)', () => {
  const { countAllowed } = loadNativeHnsw()
  const words = new Uint32Array(4).fill(0xffffffff)
  for (const n of [0, 1, 31, 32, 33, 63, 64, 65, 99, 100, 128]) assert.equal(countAllowed(words, n), n)
  assert.equal(countAllowed(words, 1000), 128)
  assert.equal(countAllowed(new Uint32Array([0x80000001, 0, 5]), 66), 3)
})

test('setEf is the ef of searches that pass none; getM and counts report the build', () => {
  const index = build()
  index.setEf(50)
  const query = data.queries.subarray(0, dim)
  assert.deepEqual(index.searchKnn(query, 5, undefined as unknown as number, null), index.searchKnn(query, 5, 50, null))
  assert.equal(index.getM(), 8)
  assert.equal(index.getCurrentCount(), rows)
  assert.equal(index.getMaxElements(), rows)
})

test('bad calls throw errors with a code: arguments, order, capacity, corrupt bytes, release', () => {
  const { HnswIndex } = loadNativeHnsw()
  const arg = { code: 'QUIVER_HNSW_ARG' }
  assert.throws(() => new HnswIndex('hamming' as 'l2', dim, 10, 8, 40, 1, new Float32Array(0)), arg)
  assert.throws(() => new HnswIndex('l2', 0, 10, 8, 40, 1, new Float32Array(0)), arg)
  assert.throws(() => new HnswIndex('l2', dim, 10, 1, 40, 1, new Float32Array(0)), arg)
  assert.throws(() => new HnswIndex('l2', dim, 10, 8, 40, 1, new Float64Array(dim) as unknown as Float32Array), arg)
  const index = new HnswIndex('l2', dim, 4, 8, 40, 1, new Float32Array(dim * 5 + 1))
  assert.throws(() => index.addPoints(1, 1), arg)
  assert.throws(() => index.addPoints(0, 5), arg)
  const short = new HnswIndex('l2', dim, 4, 8, 40, 1, new Float32Array(dim * 2 - 1))
  assert.throws(() => short.addPoints(0, 2), arg)
  index.addPoints(0, 2)
  assert.throws(() => index.searchKnn(new Float32Array(dim - 1), 1, 10, null), arg)
  assert.throws(() => index.searchKnn(new Float32Array(dim), 1, 10, new Int32Array(1) as unknown as Uint32Array), arg)
  assert.throws(() => index.searchKnn(new Float32Array(dim), 1, 10, null, 1 as unknown as boolean), arg)
  assert.throws(() => HnswIndex.loadIndex(new Uint8Array(7), 'l2', dim, new Float32Array(0)), { code: 'QUIVER_HNSW_CORRUPT' })
  index.release()
  index.release()
  assert.throws(() => index.getCurrentCount(), { code: 'QUIVER_HNSW_RELEASED' })
})

test('the index reads its column in place: the graph follows edits to the rows, also in shared memory', () => {
  for (const shared of [false, true]) {
    const vectors = new Float32Array(shared ? new SharedArrayBuffer(rows * dim * 4) : new ArrayBuffer(rows * dim * 4))
    vectors.set(data.vectors.subarray(0, rows * dim))
    const index = build('l2', rows, vectors)
    const query = data.queries.subarray(0, dim)
    const far = index.searchKnn(query, rows, 200, null).labels[rows - 1]!
    vectors.set(query, far * dim) // the farthest row now equals the query
    assert.equal(index.searchExact(query, 1, null).labels[0], far)
    assert.equal(index.searchExact(query, 1, null).scores[0], 0)
    index.release()
  }
})

test('a detached vectors buffer is refused before any read', () => {
  const vectors = data.vectors.slice(0, rows * dim)
  const index = build('ip', rows, vectors)
  structuredClone(vectors.buffer, { transfer: [vectors.buffer] })
  assert.throws(() => index.searchKnn(data.queries.subarray(0, dim), 5, 20, null), { code: 'QUIVER_HNSW_RELEASED' })
  index.release()
})

test('a missing addon file is a MilvusError 3000 naming the rebuild command', () => {
  assert.equal(nativeHnswAvailable(), true)
  const missing = loadAddonFrom(['/nonexistent/build/Release/quiver_hnsw.node'])
  assert.ok(missing instanceof MilvusError)
  assert.equal(missing.code, ErrorCode.OperationNotSupported)
  assert.match(missing.message, /npm rebuild quiverdb/)
})

test('discardPages gives whole pages back (they read as zeros) and leaves the partial pages at both ends alone', () => {
  const addon = loadNativeHnsw()
  assert.equal(typeof addon.discardPages, 'function')
  const page = 4096
  // WebAssembly memory starts on a page boundary, as the vector arena's does.
  const memory = new Uint8Array(new wasm.Memory({ initial: 1, maximum: 1, shared: true }).buffer, 0, 8 * page)
  memory.fill(7)
  const given = addon.discardPages!(memory.subarray(page / 2, 5 * page + 10))
  assert.equal(given, 4 * page, 'pages 1–4 are inside the range')
  assert.equal(memory[page / 2], 7, 'the first partial page is kept')
  assert.ok(memory.subarray(page, 5 * page).every((b) => b === 0), 'whole pages read as zeros')
  assert.equal(memory[5 * page], 7, 'the last partial page is kept')
  assert.equal(addon.discardPages!(memory.subarray(10, 100)), 0, 'no whole page: nothing given back')
})
