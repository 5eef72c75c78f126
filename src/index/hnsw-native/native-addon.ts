import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ErrorCode, MilvusError } from '../../errors/errors.ts'

/** The addon's spelling of the float metrics. */
export type NativeSpace = 'l2' | 'ip' | 'cosine'

/** One query's results, best first: Milvus scores and row numbers (labels). */
export interface NativeSearchResult {
  readonly scores: Float32Array
  readonly labels: Int32Array
}

/** nq queries' results: query q's are at [q*k, q*k + counts[q]); unused slots hold label -1, score NaN. */
export interface NativeBatchResult extends NativeSearchResult {
  readonly counts: Int32Array
}

/**
 * `HnswIndex` of `native/hnsw/hnsw-index.cc` (the addon's README documents every method). It reads
 * row r's vector at `vectors[r * dim]` of the array given at construction / load and keeps a
 * reference to it: that memory must stay where it is (not freed, not transferred) while the index lives.
 */
export interface NativeHnswIndex {
  /** Adds rows firstRow..firstRow+count-1 of the index's vectors; firstRow must equal the count. */
  addPoints(firstRow: number, count: number): void
  /**
   * The same on `threads` native threads (nice value raised by `niceDelta` on Linux), off the
   * JavaScript thread; until it settles every other call but `cancelBuild` / `release` throws
   * (code QUIVER_HNSW_BUSY). Rejects with code QUIVER_HNSW_CANCELLED once the threads stopped after
   * `cancelBuild()` / `release()`; a cancelled or failed build leaves the index released.
   */
  addPointsAsync(firstRow: number, count: number, threads: number, niceDelta: number): Promise<void>
  /** Stops a running `addPointsAsync` (within one row's insert per thread); no-op otherwise. */
  cancelBuild(): void
  /** `twoHop`: walk only allowed rows (native/hnsw/two-hop-search.h) instead of hnswlib's filtered search. */
  searchKnn(query: Float32Array, k: number, ef: number, allowedWords: Uint32Array | null, twoHop?: boolean): NativeSearchResult
  searchKnnBatch(queries: Float32Array, k: number, ef: number, allowedWords: Uint32Array | null, twoHop?: boolean): NativeBatchResult
  searchExact(query: Float32Array, k: number, allowedWords: Uint32Array | null): NativeSearchResult
  /**
   * The two-hop walk ('exact': the scan, ef unused) on a libuv pool thread, off the JavaScript thread
   * (native/hnsw/async-search.h); query and words are copied before it returns. Several may run at
   * once, and with synchronous searches; `release()` waits for them. Absent from builds that predate
   * it (an added function does not bump `apiVersion`: `NativeHnsw.searchAsync` checks for it).
   */
  readonly searchKnnAsync?: (query: Float32Array, k: number, ef: number, allowedWords: Uint32Array | null, walk: 'twoHop' | 'exact') => Promise<NativeSearchResult>
  saveIndex(): Uint8Array
  getCurrentCount(): number
  getMaxElements(): number
  getM(): number
  setEf(ef: number): void
  release(): void
}

export interface NativeHnswIndexClass {
  new (space: NativeSpace, dim: number, maxElements: number, M: number, efConstruction: number, seed: number, vectors: Float32Array): NativeHnswIndex
  loadIndex(bytes: Uint8Array, space: NativeSpace, dim: number, vectors: Float32Array): NativeHnswIndex
}

export interface NativeHnswAddon {
  readonly apiVersion: number
  readonly HnswIndex: NativeHnswIndexClass
  /** The SIMD kernels in use: 'avx512' | 'avx2' | 'sse' | 'neon' | 'scalar'. */
  readonly simdLevel: string
  /** Every kernel level this CPU runs, fastest first. */
  readonly simdLevels: readonly string[]
  /** How many of rows [0, rowCount) have their bit set in `words` (missing words count as 0). */
  countAllowed(words: Uint32Array, rowCount: number): number
  /** One raw kernel call (tests): squared L2 or the negated dot product. */
  kernelDistance(level: string, kind: 'l2' | 'negativeDot', a: Float32Array, b: Float32Array): number
  /**
   * Gives the whole pages inside `bytes` back to the OS (madvise MADV_DONTNEED; they read as zeros
   * afterwards) and returns the bytes given back (0 off Linux). Absent from builds that predate it
   * (an added function does not bump `apiVersion`: `nativePageDiscarder` checks for it).
   */
  readonly discardPages?: (bytes: Uint8Array) => number
}

/** The addon's JS API version this wrapper speaks (`kApiVersion` in native/hnsw/addon.cc). */
const apiVersion = 3
const addonPath = join('build', 'Release', 'quiver_hnsw.node')
/** The package root is 3 folders above this file under src/ (tsx) and 4 above it under dist/src/. */
const packageRootDepths = [3, 4]
const rebuildHint =
  'the native HNSW addon is missing or stale; rebuild it with `npm rebuild quiverdb` (in a clone: `npm install`), which needs a C++17 compiler, make and Python 3'

let loaded: NativeHnswAddon | MilvusError | undefined

/** The addon, loaded once; a MilvusError (OperationNotSupported) naming the fix when it cannot load. */
export function loadNativeHnsw(): NativeHnswAddon {
  loaded ??= tryLoad()
  if (loaded instanceof MilvusError) throw loaded
  return loaded
}

/** True when the addon loads (the index layer may pick another HNSW core otherwise). */
export function nativeHnswAvailable(): boolean {
  loaded ??= tryLoad()
  return !(loaded instanceof MilvusError)
}

/**
 * The addon's `discardPages` (the vector arena gives freed pages back to the OS with it), or null when
 * the addon does not load or predates it (`npm rebuild quiverdb` adds it): the arena then keeps its pages.
 */
export function nativePageDiscarder(): ((bytes: Uint8Array) => number) | null {
  loaded ??= tryLoad()
  if (loaded instanceof MilvusError) return null
  return loaded.discardPages ?? null
}

function tryLoad(): NativeHnswAddon | MilvusError {
  const here = dirname(fileURLToPath(import.meta.url))
  return loadAddonFrom(packageRootDepths.map((depth) => join(here, ...Array<string>(depth).fill('..'), addonPath)))
}

/** The addon at the first existing path of `candidates`, or the MilvusError saying how to rebuild it. Exported for tests. */
export function loadAddonFrom(candidates: readonly string[]): NativeHnswAddon | MilvusError {
  const file = candidates.find((p) => existsSync(p))
  if (file === undefined) return notAvailable(`not found at ${candidates.join(' or ')}`)
  try {
    const addon = createRequire(import.meta.url)(file) as NativeHnswAddon
    if (addon.apiVersion !== apiVersion) return notAvailable(`${file} has API version ${addon.apiVersion}, expected ${apiVersion}`)
    return addon
  } catch (cause) {
    return notAvailable(`${file} failed to load`, cause)
  }
}

function notAvailable(what: string, cause?: unknown): MilvusError {
  return new MilvusError(ErrorCode.OperationNotSupported, `${rebuildHint} (${what})`, {}, { cause })
}
