// addPointsAsync: the parallel build off the JavaScript thread. Row r is internal id r afterwards
// (each row's own vector finds itself first, through both walks, and the exact scan agrees), recall
// matches a one-thread build, on one thread it equals the serial build byte for byte, the graph encodes and decodes, appending after rows already present
// works, the JavaScript thread keeps running during the build, the build threads run at a raised nice
// value (Linux), calls during the build throw QUIVER_HNSW_BUSY, and a cancel stops it promptly and
// leaves the index released.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { clusteredVectors } from './clustered-vectors.ts'
import { loadNativeHnsw, type NativeHnswIndex, type NativeSpace } from './native-addon.ts'

const dim = 32
const rows = 4_000
const data = clusteredVectors({ seed: 11, dim, rowCount: rows, queryCount: 50, clusterCount: 20, spread: 0.3 })

function fresh(space: NativeSpace, vectors = data.vectors, count = rows): NativeHnswIndex {
  return new (loadNativeHnsw().HnswIndex)(space, dim, count, 12, 80, 3, vectors)
}

function row(r: number): Float32Array {
  return data.vectors.subarray(r * dim, (r + 1) * dim)
}

function recallAt10(index: NativeHnswIndex): number {
  let hits = 0
  for (let q = 0; q < 50; q++) {
    const query = data.queries.subarray(q * dim, (q + 1) * dim)
    const truth = new Set(index.searchExact(query, 10, null).labels)
    for (const r of index.searchKnn(query, 10, 64, null, true).labels) if (truth.has(r)) hits++
  }
  return hits / 500
}

test('a parallel build numbers rows as a serial one: every row finds itself first, through both walks', async () => {
  for (const space of ['l2', 'cosine'] as const) {
    const index = fresh(space)
    await index.addPointsAsync(0, rows, 4, 0)
    assert.equal(index.getCurrentCount(), rows)
    for (let r = 0; r < rows; r += 7) {
      assert.equal(index.searchKnn(row(r), 1, 32, null, true).labels[0], r, `${space} row ${r}, two-hop walk`)
      assert.equal(index.searchKnn(row(r), 1, 32, null, false).labels[0], r, `${space} row ${r}, hnswlib's walk`)
      assert.equal(index.searchExact(row(r), 1, null).labels[0], r)
    }
    const serial = fresh(space)
    serial.addPoints(0, rows)
    const parallelRecall = recallAt10(index)
    assert.ok(parallelRecall >= 0.97 && parallelRecall >= recallAt10(serial) - 0.02, `${space}: recall ${parallelRecall}`)
    const decoded = loadNativeHnsw().HnswIndex.loadIndex(index.saveIndex(), space, dim, data.vectors)
    for (let q = 0; q < 50; q++) {
      const query = data.queries.subarray(q * dim, (q + 1) * dim)
      assert.deepEqual(decoded.searchKnn(query, 10, 64, null, true), index.searchKnn(query, 10, 64, null, true))
    }
  }
})

test('on one thread the async build (through inline copies of the vectors) gives the bytes of the serial build', async () => {
  for (const space of ['l2', 'ip', 'cosine'] as const) {
    const serial = fresh(space)
    serial.addPoints(0, rows)
    const viaCopies = fresh(space)
    await viaCopies.addPointsAsync(0, rows, 1, 0)
    assert.deepEqual(viaCopies.saveIndex(), serial.saveIndex(), space)
  }
})

test('a parallel build appends after rows already in the graph', async () => {
  const index = fresh('l2')
  index.addPoints(0, 1_000)
  await index.addPointsAsync(1_000, rows - 1_000, 3, 0)
  assert.equal(index.getCurrentCount(), rows)
  for (let r = 0; r < rows; r += 7) assert.equal(index.searchKnn(row(r), 1, 32, null, true).labels[0], r, `row ${r}`)
  assert.ok(recallAt10(index) >= 0.97)
  assert.throws(() => index.addPointsAsync(0, 1, 2, 0), (e: unknown) => (e as { code?: string }).code === 'QUIVER_HNSW_ARG')
})

/** Nice values of this process's threads (Linux: field 19 of /proc/self/task/<tid>/stat). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
  })
}

test('the JavaScript thread runs during the build; calls meanwhile are busy; the build threads are niced', async () => {
  const big = clusteredVectors({ seed: 12, dim, rowCount: 20_000, queryCount: 0, clusterCount: 30, spread: 0.3 }).vectors
  const index = new (loadNativeHnsw().HnswIndex)('l2', dim, 20_000, 16, 200, 3, big)
  const baseNice = threadNiceValues()[0]!
  let ticks = 0
  let niced = false
  const timer = setInterval(() => {
    ticks++
    if (process.platform === 'linux' && threadNiceValues().some((n) => n === Math.min(19, baseNice + 7))) niced = true
  }, 5)
  const started = performance.now()
  const building = index.addPointsAsync(0, 20_000, 2, 7)
  assert.throws(() => index.searchKnn(big.subarray(0, dim), 1, 10, null), (e: unknown) => (e as { code?: string }).code === 'QUIVER_HNSW_BUSY')
  assert.throws(() => index.saveIndex(), (e: unknown) => (e as { code?: string }).code === 'QUIVER_HNSW_BUSY')
  await building
  clearInterval(timer)
  const ms = performance.now() - started
  assert.ok(ticks >= Math.min(20, ms / 50), `${ticks} timer ticks in ${ms.toFixed(0)} ms of build`)
  if (process.platform === 'linux') assert.ok(niced, 'no thread ran at the raised nice value during the build')
  assert.equal(index.searchKnn(big.subarray(0, dim), 1, 10, null, true).labels[0], 0)
})

test('cancelBuild stops the threads promptly, rejects with QUIVER_HNSW_CANCELLED and releases the index', async () => {
  const big = clusteredVectors({ seed: 13, dim: 128, rowCount: 40_000, queryCount: 0, clusterCount: 40, spread: 0.3 }).vectors
  const index = new (loadNativeHnsw().HnswIndex)('l2', 128, 40_000, 16, 200, 3, big)
  const building = index.addPointsAsync(0, 40_000, 2, 0)
  await new Promise((resolve) => setTimeout(resolve, 300))
  const cancelledAt = performance.now()
  index.cancelBuild()
  await assert.rejects(building, (e: unknown) => (e as { code?: string }).code === 'QUIVER_HNSW_CANCELLED')
  const stopMs = performance.now() - cancelledAt
  assert.ok(stopMs < 2_000, `the build took ${stopMs.toFixed(0)} ms to stop`)
  assert.throws(() => index.getCurrentCount(), (e: unknown) => (e as { code?: string }).code === 'QUIVER_HNSW_RELEASED')
  // release() during a build cancels it the same way.
  const other = new (loadNativeHnsw().HnswIndex)('l2', 128, 40_000, 16, 200, 3, big)
  const second = other.addPointsAsync(0, 40_000, 2, 0)
  other.release()
  await assert.rejects(second, (e: unknown) => (e as { code?: string }).code === 'QUIVER_HNSW_CANCELLED')
  assert.throws(() => other.getCurrentCount(), (e: unknown) => (e as { code?: string }).code === 'QUIVER_HNSW_RELEASED')
})
