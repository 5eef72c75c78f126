import { availableParallelism } from 'node:os'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { VectorArena } from '../vector/vector-arena.ts'
import { type BuildOptions, buildIndexInWorker, buildSparseInWorker } from './index-builder.ts'
import { isSparseIndexType } from './index-type.ts'
import { SparseInvertedIndex } from './sparse/sparse-inverted-index.ts'
import type { IndexSpec } from './index-spec.ts'
import { NativeHnswIndex } from './hnsw-native/native-hnsw-index.ts'
import { buildIndex, decodeIndex, hnswCore, type VectorIndex } from './vector-index.ts'

/** Default raise of the build threads' nice value: searches on the JavaScript thread win the CPU. */
export const buildNiceDeltaDefault = 10

export interface OffThreadBuildOptions extends BuildOptions {
  /** Native build threads (native HNSW): `QUIVER_INDEX_BUILD_THREADS`, else every core (`os.availableParallelism()`). */
  readonly threads?: number
  /** Raise of their nice value, 0–19 (Linux): `QUIVER_INDEX_BUILD_NICE`, else `buildNiceDeltaDefault`. */
  readonly niceDelta?: number
}

/**
 * Builds the index of `spec` over rows 0..rowCount-1 of `vectors` without blocking the JavaScript
 * thread, and resolves to the index, searching over `vectors` (keep them unchanged and alive).
 * Native HNSW runs on native threads of this process, one per core at a lower priority
 * (`NativeHnswIndex.buildAsync`), and is adopted as built — nothing is encoded or copied. FLAT is
 * built here (it is the column). Every other index is built in a worker (`buildIndexInWorker`) and decoded here. An abort rejects with
 * MilvusError 1 once the build has stopped reading the rows.
 */
export async function buildIndexOffThread(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number, options: OffThreadBuildOptions = {}): Promise<VectorIndex> {
  if ((spec.indexType === 'FLAT' || spec.indexType === 'BIN_FLAT') && options.hold === undefined) {
    // A flat index is the column itself: building it is a check of the rows, no worker round trip.
    if (options.signal?.aborted) throw new MilvusError(ErrorCode.NotReady, 'index build aborted')
    await VectorArena.init()
    return buildIndex(spec, vectors, rowCount)
  }
  if (isSparseIndexType(spec.indexType) && vectors instanceof Uint8Array && options.hold === undefined) {
    // The worker's posting lists as built: nothing encoded there, decoded or bounded again here.
    return SparseInvertedIndex.fromPostings(spec, await buildSparseInWorker(spec, vectors, rowCount, options))
  }
  if (spec.indexType !== 'HNSW' || hnswCore() !== 'native' || !(vectors instanceof Float32Array)) {
    return decodeIndex(await buildIndexInWorker(spec, vectors, rowCount, options), vectors, rowCount)
  }
  if (options.hold !== undefined) await waitForHold(options.hold, options.holdMs ?? 30_000, options.signal)
  if (options.signal?.aborted) throw new MilvusError(ErrorCode.NotReady, 'index build aborted')
  await VectorArena.init()
  const threads = options.threads ?? envCount('QUIVER_INDEX_BUILD_THREADS', 1, 1024) ?? availableParallelism()
  const niceDelta = options.niceDelta ?? envCount('QUIVER_INDEX_BUILD_NICE', 0, 19) ?? buildNiceDeltaDefault
  const signal = options.signal
  return NativeHnswIndex.buildAsync(spec, vectors, rowCount, VectorArena.shared(), { threads, niceDelta, ...(signal === undefined ? {} : { signal }) })
}

/** An integer environment setting in [min, max]; undefined when unset; an error naming it when bad. */
function envCount(name: string, min: number, max: number): number | undefined {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new MilvusError(ErrorCode.ParameterInvalid, `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`)
  }
  return n
}

/** Test hook: resolves once element 0 of `hold` is non-zero, `signal` aborted, or `ms` passed (polled every 5 ms; the timer keeps the process alive as a held worker did). */
async function waitForHold(hold: Int32Array, ms: number, signal: AbortSignal | undefined): Promise<void> {
  const deadline = performance.now() + ms
  while (Atomics.load(hold, 0) === 0 && signal?.aborted !== true && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
