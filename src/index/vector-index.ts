import { assert } from '../common/assert.ts'
import type { Bitset } from '../common/bitset.ts'
import { VectorArena } from '../vector/vector-arena.ts'
import { FlatIndex } from './flat-index.ts'
import { HnswIndex } from './hnsw/hnsw-index.ts'
import { nativeHnswAvailable } from './hnsw-native/native-addon.ts'
import { nativeCore, NativeHnswIndex } from './hnsw-native/native-hnsw-index.ts'
import { corrupt, decodeIndexPayload, type IndexPayload } from './index-codec.ts'
import type { IndexSpec, SearchParams } from './index-spec.ts'
import { type IndexType, isBinaryIndexType, isSparseIndexType } from './index-type.ts'
import { BinIvfFlatIndex } from './ivf/bin-ivf-flat-index.ts'
import { IvfFlatIndex } from './ivf/ivf-flat-index.ts'
import { IvfPqIndex } from './ivf/ivf-pq-index.ts'
import { IvfSq8Index } from './ivf/ivf-sq8-index.ts'
import { SparseInvertedIndex } from './sparse/sparse-inverted-index.ts'

export type { IndexSpec, RawIndexSpec, SearchParams, VectorFieldKind } from './index-spec.ts'
export { validateIndexSpec, validateSearchParams } from './index-spec.ts'
export { IndexType } from './index-type.ts'

/** The best rows of one search, best first: Milvus scores (exact, as FLAT gives them) and segment row offsets. */
export interface IndexSearchResult {
  readonly scores: Float32Array
  readonly rows: Int32Array
}

/**
 * A vector index over one sealed segment's vector column. It keeps only its own structures (graph,
 * lists, codes) and reads raw vectors from the column it was built or decoded with, which must stay
 * unchanged and alive as long as the index is used. Synchronous and single-threaded: one search at a
 * time per index (searches reuse scratch memory).
 */
export interface VectorIndex {
  readonly spec: IndexSpec
  readonly rowCount: number
  /**
   * The best `k` rows by the metric (similarity larger-is-better for IP/COSINE, distance
   * smaller-is-better otherwise) among rows whose `allowedBits` bit is 1 (null = all rows). Fewer when
   * fewer rows are allowed. A query of the wrong dimension is a programmer error (assertion).
   * `allowedCount`, when the caller knows it, is the number of set bits of `allowedBits` among rows
   * [0, rowCount): indexes that need it skip counting (a popcount of the whole bitset per search).
   */
  search(query: Float32Array | Uint8Array, k: number, allowedBits: Bitset | null, params: SearchParams, allowedCount?: number): IndexSearchResult
  /**
   * The same search with its heavy part off the JavaScript thread (the native HNSW walk on a libuv
   * pool thread), for callers that can await it: the event loop serves other work meanwhile. Absent
   * where the index has no such path. `query` and `allowedBits` may change once it returns.
   */
  searchAsync?(query: Float32Array | Uint8Array, k: number, allowedBits: Bitset | null, params: SearchParams, allowedCount?: number): Promise<IndexSearchResult>
  /** The bytes to persist (format version and checksum inside); `decodeIndex` is the inverse. */
  encode(): Uint8Array[]
  /** Frees the vector-arena memory the index holds; it must not be searched afterwards. Idempotent. */
  release(): void
}

/** How each index type is built from vectors and decoded from bytes. */
interface IndexFactory {
  build(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number, arena: VectorArena): VectorIndex
  decode(payload: IndexPayload, vectors: Float32Array | Uint8Array, arena: VectorArena): VectorIndex
}

/** Which HNSW core new builds use: `native` (the addon, when it loads) or `js` (our typed-array graph). */
export type HnswCore = 'native' | 'js'

/**
 * The HNSW core of new builds: the native addon unless `QUIVER_HNSW_CORE=js` (worker threads inherit
 * the environment) or the addon does not load. Files say which core wrote them, so either decodes.
 */
export function hnswCore(): HnswCore {
  return process.env.QUIVER_HNSW_CORE !== 'js' && nativeHnswAvailable() ? 'native' : 'js'
}

const hnswFactory: IndexFactory = {
  build: (spec, vectors, rowCount, arena) => (hnswCore() === 'native' ? NativeHnswIndex : HnswIndex).build(spec, vectors, rowCount, arena),
  decode: (payload, vectors, arena) => (payload.meta.core === nativeCore ? NativeHnswIndex : HnswIndex).decode(payload, vectors, arena),
}

const factories: Readonly<Record<IndexType, IndexFactory | undefined>> = {
  FLAT: FlatIndex,
  BIN_FLAT: FlatIndex,
  HNSW: hnswFactory,
  IVF_FLAT: IvfFlatIndex,
  IVF_SQ8: IvfSq8Index,
  IVF_PQ: IvfPqIndex,
  BIN_IVF_FLAT: BinIvfFlatIndex,
  SPARSE_INVERTED_INDEX: SparseInvertedIndex,
  SPARSE_WAND: SparseInvertedIndex,
}

/**
 * Builds the index of `spec` over rows 0..rowCount-1 of `vectors` (row i at `vectors[i * dim]`, or at
 * byte `i * dim / 8` for binary). Synchronous and CPU-heavy: the engine runs it in a worker
 * (`buildIndexInWorker`). `await VectorArena.init()` must have completed in this thread.
 */
export function buildIndex(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number): VectorIndex {
  const factory = factories[spec.indexType]
  assert(factory !== undefined, `buildIndex: unknown index type ${String(spec.indexType)}`)
  checkVectors(spec, vectors, rowCount)
  return factory.build(spec, vectors, rowCount, VectorArena.shared())
}

/**
 * The index encoded in `bytes`, searching over `vectors` (the same column it was built from).
 * Corrupt bytes are a MilvusError 2100; a column of another shape is a programmer error.
 */
export function decodeIndex(bytes: Uint8Array, vectors: Float32Array | Uint8Array, rowCount: number): VectorIndex {
  const payload = decodeIndexPayload(bytes)
  const factory = factories[payload.spec.indexType]
  if (factory === undefined) throw corrupt(`unknown index type ${String(payload.spec.indexType)}`)
  assert(payload.rowCount === rowCount, `decodeIndex: the index has ${payload.rowCount} rows, the column ${rowCount}`)
  checkVectors(payload.spec, vectors, rowCount)
  return factory.decode(payload, vectors, VectorArena.shared())
}

function checkVectors(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number): void {
  assert(Number.isInteger(rowCount) && rowCount >= 0, `bad row count ${rowCount}`)
  if (isSparseIndexType(spec.indexType)) {
    assert(vectors instanceof Uint8Array, `${spec.indexType} needs sparse rows (encodeSparseCsr bytes)`)
  } else if (isBinaryIndexType(spec.indexType)) {
    assert(vectors instanceof Uint8Array, `${spec.indexType} needs binary vectors (Uint8Array)`)
    assert(spec.dim % 8 === 0 && vectors.length >= (rowCount * spec.dim) / 8, `${spec.indexType}: vectors too short`)
  } else {
    assert(vectors instanceof Float32Array, `${spec.indexType} needs float vectors (Float32Array)`)
    assert(vectors.length >= rowCount * spec.dim, `${spec.indexType}: vectors too short`)
  }
}
