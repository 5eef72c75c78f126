import { assert, assertNever } from '../../common/assert.ts'
import type { Bitset } from '../../common/bitset.ts'
import { countCreated, countReleased } from '../../common/live-objects.ts'
import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import { type FloatMetric, Metric } from '../../vector/metric.ts'
import { type FilterStrategy, pickFilterStrategy, twoHopEf } from './filter-strategy.ts'
import { loadNativeHnsw, type NativeHnswIndex, type NativeSearchResult, type NativeSpace } from './native-addon.ts'

export { nativeHnswAvailable } from './native-addon.ts'

/** Build parameters (Milvus's names). The index layer validates their ranges; here a bad value is a bug. */
export interface NativeHnswParams {
  readonly metric: FloatMetric
  readonly dim: number
  readonly M: number
  readonly efConstruction: number
  readonly seed: number
}

/** The best rows of one search, best first: Milvus scores (L2 squared distance, IP dot, COSINE similarity). */
export interface NativeHnswResult {
  readonly scores: Float32Array
  readonly rows: Int32Array
}

/** Largest dimension the addon takes (Milvus allows 32,768 for float vectors). */
export const nativeDimMax = 65_536
const mMin = 2
const mMax = 2048

const spaceOf: Readonly<Record<FloatMetric, NativeSpace>> = {
  [Metric.L2]: 'l2',
  [Metric.IP]: 'ip',
  [Metric.COSINE]: 'cosine',
}

/**
 * An HNSW graph over rows 0..rowCount-1 of one segment, held in native memory by the addon
 * (hnswlib with SIMD kernels). It holds no copy of the vectors: each row's entry points at the row in
 * the `vectors` array it was built or decoded over (the segment's column), which the addon keeps a
 * reference to. That memory must not be freed (arena block given back) or transferred before
 * `release()` — release the index first.
 * Filters and deletes arrive as an allowed-rows bitset checked in native code. By how many rows it
 * allows, the search scans them exactly, walks only allowed rows (two hops), or uses hnswlib's own
 * filtered walk (`pickFilterStrategy`); small filters therefore get exact results.
 * `search` is synchronous, one at a time per instance; `searchAsync` runs on a libuv pool thread and
 * any number may be in flight.
 */
export class NativeHnsw {
  readonly metric: FloatMetric
  readonly dim: number
  readonly rowCount: number
  /** The graph's M (read back from the graph, also after decode). */
  readonly M: number
  private readonly index: NativeHnswIndex
  private released = false

  private constructor(metric: FloatMetric, dim: number, index: NativeHnswIndex) {
    countCreated('nativeHnsw')
    this.metric = metric
    this.dim = dim
    this.index = index
    this.rowCount = index.getCurrentCount()
    this.M = index.getM()
  }

  /** Internal: use `createNativeHnsw` / `decodeNativeHnsw`. */
  static adopt(metric: FloatMetric, dim: number, index: NativeHnswIndex): NativeHnsw {
    return new NativeHnsw(metric, dim, index)
  }

  /**
   * The best `k` rows whose `allowedBits` bit is 1 (all rows when null); fewer when fewer are allowed
   * or found. `ef` is the search list size (at least k is used). Unfiltered, it is our walk
   * (native/hnsw/two-hop-search.h, plain HNSW with more prefetching). A filtered search picks its strategy
   * by the allowed count (`pickFilterStrategy`); a graph walk that finds fewer than k rows while more
   * are allowed is redone as an exact scan. `knownCount`: the allowed rows among [0, rowCount) when the
   * caller has counted them (else they are counted here, a native popcount of the bitset).
   */
  search(query: Float32Array, k: number, allowedBits: Bitset | null, ef: number, knownCount?: number): NativeHnswResult {
    this.checkSearch(query, k, allowedBits, ef)
    if (allowedBits === null) return this.run('twoHop', query, k, null, ef)
    const allowedCount = knownCount ?? loadNativeHnsw().countAllowed(allowedBits.words, this.rowCount)
    const strategy = pickFilterStrategy(allowedCount, this.rowCount, k, ef, this.M)
    const found = this.run(strategy, query, k, allowedBits.words, strategy === 'twoHop' ? twoHopEf(ef, k, allowedCount / this.rowCount) : ef)
    if (strategy === 'exact' || found.rows.length >= Math.min(k, allowedCount)) return found
    return this.run('exact', query, k, allowedBits.words, ef)
  }

  /**
   * `search` with the walk or scan on a libuv pool thread (the addon's `searchKnnAsync`): the event
   * loop serves other requests meanwhile, and concurrent searches use more than one core. The same
   * rows as `search`. hnswlib's filtered walk keeps per-index state (its ef, the query slot) and runs
   * synchronously here, as does everything on a build of the addon without the function.
   */
  async searchAsync(query: Float32Array, k: number, allowedBits: Bitset | null, ef: number, knownCount?: number): Promise<NativeHnswResult> {
    this.checkSearch(query, k, allowedBits, ef)
    if (this.index.searchKnnAsync === undefined) return this.search(query, k, allowedBits, ef, knownCount)
    if (allowedBits === null) return this.runAsync('twoHop', query, k, null, ef)
    const allowedCount = knownCount ?? loadNativeHnsw().countAllowed(allowedBits.words, this.rowCount)
    const strategy = pickFilterStrategy(allowedCount, this.rowCount, k, ef, this.M)
    const walkEf = strategy === 'twoHop' ? twoHopEf(ef, k, allowedCount / this.rowCount) : ef
    const found = strategy === 'hnswlib' ? this.run(strategy, query, k, allowedBits.words, ef) : await this.runAsync(strategy, query, k, allowedBits.words, walkEf)
    if (strategy === 'exact' || found.rows.length >= Math.min(k, allowedCount)) return found
    return this.runAsync('exact', query, k, allowedBits.words, ef)
  }

  /** The search with a given filter strategy, whatever the filter's size (tests and benchmarks). */
  searchWith(strategy: FilterStrategy, query: Float32Array, k: number, allowedBits: Bitset | null, ef: number): NativeHnswResult {
    this.checkSearch(query, k, allowedBits, ef)
    return this.run(strategy, query, k, allowedBits === null ? null : allowedBits.words, ef)
  }

  /** The exact best `k` allowed rows (a scan of the column's vectors), whatever the filter's size. */
  searchExact(query: Float32Array, k: number, allowedBits: Bitset | null): NativeHnswResult {
    return this.searchWith('exact', query, k, allowedBits, 1)
  }

  /** The graph without its vectors (native/hnsw/index-codec.h, format 2); `decodeNativeHnsw` reads it over a column. */
  encode(): Uint8Array {
    return callNative('encode', () => this.index.saveIndex())
  }

  /** Frees the native memory now (otherwise the garbage collector does). Not searchable afterwards. */
  release(): void {
    if (!this.released) countReleased('nativeHnsw')
    this.released = true
    this.index.release()
  }

  private run(strategy: FilterStrategy, query: Float32Array, k: number, words: Uint32Array | null, ef: number): NativeHnswResult {
    switch (strategy) {
      case 'exact':
        return rowsOf(this.index.searchExact(query, k, words))
      case 'twoHop':
        return rowsOf(this.index.searchKnn(query, k, ef, words, true))
      case 'hnswlib':
        return rowsOf(this.index.searchKnn(query, k, ef, words, false))
      default:
        return assertNever(strategy, 'filter strategy')
    }
  }

  private async runAsync(walk: 'twoHop' | 'exact', query: Float32Array, k: number, words: Uint32Array | null, ef: number): Promise<NativeHnswResult> {
    try {
      return rowsOf(await this.index.searchKnnAsync!(query, k, ef, words, walk))
    } catch (e) {
      return callNative('search', () => {
        throw e
      })
    }
  }

  // Messages are built only on failure: this runs on every search.
  private checkSearch(query: Float32Array, k: number, allowedBits: Bitset | null, ef: number): void {
    if (!(query instanceof Float32Array && query.length === this.dim)) assert.fail(`NativeHnsw: query must be a Float32Array of ${this.dim} values`)
    if (!(Number.isInteger(k) && k >= 0)) assert.fail(`NativeHnsw: bad k ${k}`)
    if (!(Number.isInteger(ef) && ef >= 1)) assert.fail(`NativeHnsw: bad ef ${ef}`)
    if (allowedBits === null) return
    if (!(allowedBits.capacity >= this.rowCount)) assert.fail(`NativeHnsw: allowedBits holds ${allowedBits.capacity} bits, the index ${this.rowCount} rows`)
  }
}

/**
 * Builds the graph over rows 0..rowCount-1 of `vectors` (row i at `vectors[i * dim]`), which the index
 * then reads in place (no copy): keep that memory alive and in place until `release()`. CPU-heavy: run it in a worker.
 */
export function createNativeHnsw(params: NativeHnswParams, vectors: Float32Array, rowCount: number): NativeHnsw {
  checkParams(params)
  assert(Number.isInteger(rowCount) && rowCount >= 0, `createNativeHnsw: bad row count ${rowCount}`)
  assert(vectors.length >= rowCount * params.dim, `createNativeHnsw: ${vectors.length} values cannot hold ${rowCount} rows of dim ${params.dim}`)
  const { HnswIndex } = loadNativeHnsw()
  const space = spaceOf[params.metric]
  const column = vectors.subarray(0, rowCount * params.dim)
  const index = callNative('build', () => new HnswIndex(space, params.dim, Math.max(rowCount, 1), params.M, params.efConstruction, params.seed, column))
  addPointsInSlices(index, rowCount)
  return NativeHnsw.adopt(params.metric, params.dim, index)
}

/** How a background build runs: its native threads and how much their nice value is raised (Linux). */
export interface NativeBuildOptions {
  readonly threads: number
  readonly niceDelta: number
  /** Aborting stops the build threads; the promise then rejects with MilvusError 1 (not ready) once they stopped. */
  readonly signal?: AbortSignal
}

/**
 * `createNativeHnsw` on `options.threads` native threads at a lower priority, off the JavaScript
 * thread (native/hnsw/async-build.h): the event loop stays free while it runs. The graph differs
 * from a one-thread build (insert order varies between runs) but has the same quality. The promise
 * settles only after every build thread stopped, so `vectors` is no longer read once it has.
 */
export async function createNativeHnswAsync(params: NativeHnswParams, vectors: Float32Array, rowCount: number, options: NativeBuildOptions): Promise<NativeHnsw> {
  checkParams(params)
  assert(Number.isInteger(rowCount) && rowCount >= 0, `createNativeHnswAsync: bad row count ${rowCount}`)
  assert(vectors.length >= rowCount * params.dim, `createNativeHnswAsync: ${vectors.length} values cannot hold ${rowCount} rows of dim ${params.dim}`)
  assert(Number.isInteger(options.threads) && options.threads >= 1, `createNativeHnswAsync: bad thread count ${options.threads}`)
  assert(Number.isInteger(options.niceDelta) && options.niceDelta >= 0 && options.niceDelta <= 19, `createNativeHnswAsync: bad niceDelta ${options.niceDelta}`)
  if (options.signal?.aborted) throw buildAborted()
  const { HnswIndex } = loadNativeHnsw()
  const column = vectors.subarray(0, rowCount * params.dim)
  const index = callNative('build', () => new HnswIndex(spaceOf[params.metric], params.dim, Math.max(rowCount, 1), params.M, params.efConstruction, params.seed, column))
  const onAbort = (): void => index.cancelBuild()
  options.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    await index.addPointsAsync(0, rowCount, options.threads, options.niceDelta)
  } catch (e) {
    index.release()
    if ((e as { code?: unknown }).code === 'QUIVER_HNSW_CANCELLED') throw buildAborted()
    return callNative('build', () => {
      throw e
    })
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
  }
  return NativeHnsw.adopt(params.metric, params.dim, index)
}

function buildAborted(): MilvusError {
  return new MilvusError(ErrorCode.NotReady, 'index build aborted')
}

/** Target time of one native `addPoints` call while building. */
export const buildSliceMsTarget = 20
const buildSliceRowsMin = 16
const buildSliceRowsMax = 65_536

/**
 * Adds rows 0..rowCount-1 in slices of about `buildSliceMsTarget` each (the slice size adapts to the
 * measured speed), so a build is never one long native call: a worker thread running it can be
 * terminated (and the process can exit) within one slice, where one call for a whole segment would
 * hold the thread — and `process.exit`, which joins worker threads — for the whole build. The graph is
 * the same: rows are appended in order either way.
 */
function addPointsInSlices(index: NativeHnswIndex, rowCount: number): void {
  let slice = buildSliceRowsMin
  for (let row = 0; row < rowCount; ) {
    const n = Math.min(slice, rowCount - row)
    const startedMs = performance.now()
    callNative('build', () => index.addPoints(row, n))
    row += n
    const ms = performance.now() - startedMs
    const scaled = ms <= 0 ? slice * 2 : Math.round((slice * buildSliceMsTarget) / ms)
    slice = Math.max(buildSliceRowsMin, Math.min(buildSliceRowsMax, scaled, slice * 2))
  }
}

/**
 * The index `encode` wrote, for vectors of `metric` and `dim`, over `vectors` (the same rows it was
 * built on, e.g. the segment's column after a reopen; the index points into them, as `createNativeHnsw`).
 * Bytes that do not decode, or a graph with more rows than `vectors` holds, are a MilvusError 2100.
 */
export function decodeNativeHnsw(bytes: Uint8Array, metric: FloatMetric, dim: number, vectors: Float32Array): NativeHnsw {
  assert(Number.isInteger(dim) && dim >= 1 && dim <= nativeDimMax, `decodeNativeHnsw: bad dim ${dim}`)
  assert(vectors instanceof Float32Array, 'decodeNativeHnsw: vectors must be a Float32Array')
  const { HnswIndex } = loadNativeHnsw()
  const index = callNative('decode', () => HnswIndex.loadIndex(bytes, spaceOf[metric], dim, vectors))
  return NativeHnsw.adopt(metric, dim, index)
}

/** The SIMD kernels the addon uses on this CPU. */
export function nativeSimdLevel(): string {
  return loadNativeHnsw().simdLevel
}

function checkParams(p: NativeHnswParams): void {
  assert(p.metric in spaceOf, `NativeHnsw: metric ${String(p.metric)} is not a float metric`)
  assert(Number.isInteger(p.dim) && p.dim >= 1 && p.dim <= nativeDimMax, `NativeHnsw: bad dim ${p.dim}`)
  assert(Number.isInteger(p.M) && p.M >= mMin && p.M <= mMax, `NativeHnsw: M ${p.M} outside [${mMin}, ${mMax}]`)
  assert(Number.isInteger(p.efConstruction) && p.efConstruction >= 1, `NativeHnsw: bad efConstruction ${p.efConstruction}`)
  assert(Number.isInteger(p.seed) && p.seed >= 0 && p.seed <= 0xffffffff, `NativeHnsw: bad seed ${p.seed}`)
}

function rowsOf(r: NativeSearchResult): NativeHnswResult {
  return { scores: r.scores, rows: r.labels }
}

/** Runs an addon call, turning its data failures into MilvusErrors; argument errors (bugs) pass through. */
function callNative<T>(what: string, call: () => T): T {
  try {
    return call()
  } catch (e) {
    const code = (e as { code?: unknown }).code
    if (code === 'QUIVER_HNSW_CORRUPT') throw new MilvusError(ErrorCode.IoFailed, `HNSW index ${what}: ${(e as Error).message}`, {}, { cause: e })
    if (code === 'QUIVER_HNSW_NO_MEMORY') throw new MilvusError(ErrorCode.MemoryQuotaExhausted, `HNSW index ${what}`, {}, { cause: e })
    throw e
  }
}
