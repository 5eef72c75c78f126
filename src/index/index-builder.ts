import type { Worker } from 'node:worker_threads'
import { startWorker } from '../common/start-worker.ts'
import { ErrorCode, errors, MilvusError } from '../errors/errors.ts'
import type { IndexSpec } from './index-spec.ts'
import { isSparseIndexType } from './index-type.ts'
import type { SparsePostings } from './sparse/sparse-postings.ts'

/** What the main thread sends a build worker: the spec and the rows, shared (SharedArrayBuffer) or transferred. */
export interface BuildRequest {
  readonly spec: IndexSpec
  readonly kind: 'float' | 'binary'
  readonly buffer: ArrayBuffer | SharedArrayBuffer
  readonly byteOffset: number
  /** Elements (floats or bytes) of the rows. */
  readonly length: number
  readonly rowCount: number
  /**
   * Sparse indexes: answer with the posting lists themselves (`SparsePostings`, their arrays
   * transferred) instead of the encoded index — no concatenation and checksum there, no decoding and
   * bounds pass here (`buildSparseInWorker`).
   */
  readonly postings?: boolean
  /** Test hook: the worker waits until element 0 becomes non-zero (`Atomics.notify`), at most `holdMs`, before building. */
  readonly hold?: Int32Array
  readonly holdMs?: number
}

/** What a build worker answers: the encoded index, or the error that stopped it. */
export type BuildReply =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: true; readonly postings: SparsePostings }
  | { readonly ok: false; readonly code: number; readonly message: string; readonly stack: string }

export interface BuildOptions {
  /**
   * Aborting terminates the worker and rejects with a MilvusError 1 (not ready) once the worker has
   * stopped (within one build slice: builds return to JavaScript every ~20 ms), so the rows are no
   * longer read when the promise settles.
   */
  readonly signal?: AbortSignal
  /** Test hook: hold the worker before it builds (see `BuildRequest.hold`). */
  readonly hold?: Int32Array
  readonly holdMs?: number
}


/**
 * Builds the index of `spec` over rows 0..rowCount-1 of `vectors` in a worker thread (the idle one
 * of the last build, else a new one) and resolves
 * to its encoded bytes (`decodeIndex` them here). Rows on a SharedArrayBuffer — the vector arena is one —
 * are shared, not copied: the caller must not change or free them until the promise settles. Other
 * rows are copied once and the copy transferred. The main thread never blocks on the build.
 */
export async function buildIndexInWorker(
  spec: IndexSpec,
  vectors: Float32Array | Uint8Array,
  rowCount: number,
  options: BuildOptions = {},
): Promise<Uint8Array> {
  const reply = await runInWorker(requestOf(spec, vectors, rowCount), options)
  if (!('bytes' in reply)) throw new Error('index build worker answered without the encoded index')
  return reply.bytes
}

/** A sparse index's posting lists built in a worker (as `buildIndexInWorker`), handed over as built. */
export async function buildSparseInWorker(spec: IndexSpec, vectors: Uint8Array, rowCount: number, options: BuildOptions = {}): Promise<SparsePostings> {
  const reply = await runInWorker({ ...requestOf(spec, vectors, rowCount), postings: true }, options)
  if (!('postings' in reply)) throw new Error('index build worker answered without the posting lists')
  return reply.postings
}

function runInWorker(base: BuildRequest, options: BuildOptions): Promise<Extract<BuildReply, { ok: true }>> {
  const request: BuildRequest = {
    ...base,
    ...(options.hold === undefined ? {} : { hold: options.hold, holdMs: options.holdMs ?? 30_000 }),
  }
  return new Promise<Extract<BuildReply, { ok: true }>>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(aborted())
      return
    }
    const worker = takeWorker()
    let settled = false
    const finish = (fn: () => void): void => {
      if (settled) return
      settled = true
      options.signal?.removeEventListener('abort', onAbort)
      fn()
    }
    const onAbort = (): void => {
      options.signal?.removeEventListener('abort', onAbort)
      // From here on the worker's outcome is "aborted", whatever it still reports.
      worker.removeAllListeners('message')
      worker.removeAllListeners('exit')
      worker.removeAllListeners('error')
      worker.on('error', () => {})
      void worker.terminate().finally(() => finish(() => reject(aborted())))
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    worker.once('message', (reply: BuildReply) => {
      finish(() => (reply.ok ? resolve(reply) : reject(errorOf(reply))))
      worker.removeAllListeners('error')
      worker.removeAllListeners('exit')
      keepWorker(worker)
    })
    worker.once('error', (e) => finish(() => reject(errors.io(`index build worker failed: ${e.message}`, e))))
    worker.once('exit', (code) => finish(() => reject(errors.io(`index build worker exited with code ${code}`, undefined))))
    const transfer = request.buffer instanceof SharedArrayBuffer ? [] : [request.buffer]
    worker.postMessage(request, transfer)
  })
}

/**
 * How long a build worker is kept after its build for the next one: builds come in runs (every
 * index of a sealed segment, every segment of a flush) and starting a worker costs 0.1–0.5 s of module
 * loading; after this long without work it is terminated, returning what its last build grew.
 */
export const IDLE_BUILD_WORKER_MS = 2_000

let idle: { readonly worker: Worker; readonly timer: NodeJS.Timeout } | undefined

/** Build workers started in this process (tests check that consecutive builds share one). */
export const buildWorkerStats = { started: 0 }

/** A message that has a build worker load the modules of a family ahead of its first build (no answer). */
export interface WarmRequest {
  readonly warm: 'sparse'
}

/**
 * Starts a build worker now and parks it as the idle one, loading its sparse index modules, so the
 * build its caller is about to ask for (`engine/sparse-prebuilds.ts`, once it has made the rows)
 * finds the thread up. No-op when a worker is idle already.
 */
export function warmBuildWorker(): void {
  if (idle !== undefined) return
  buildWorkerStats.started++
  const worker = startWorker(import.meta.url, 'index-worker')
  worker.postMessage({ warm: 'sparse' } satisfies WarmRequest)
  keepWorker(worker)
}

/** The idle build worker if there is one, else a new one. */
function takeWorker(): Worker {
  if (idle === undefined) {
    buildWorkerStats.started++
    return startWorker(import.meta.url, 'index-worker')
  }
  const { worker, timer } = idle
  idle = undefined
  clearTimeout(timer)
  worker.removeAllListeners('exit')
  worker.ref()
  return worker
}

/** Keeps a worker whose build has answered for the next build (one at most), unref'd, until `IDLE_BUILD_WORKER_MS` pass. */
function keepWorker(worker: Worker): void {
  if (idle !== undefined) {
    void worker.terminate()
    return
  }
  const timer = setTimeout(() => {
    if (idle?.worker !== worker) return
    idle = undefined
    void worker.terminate()
  }, IDLE_BUILD_WORKER_MS)
  timer.unref()
  worker.once('exit', () => {
    if (idle?.worker === worker) {
      clearTimeout(idle.timer)
      idle = undefined
    }
  })
  // After the listener: adding one refs the worker's port again.
  worker.unref()
  idle = { worker, timer }
}

function requestOf(spec: IndexSpec, vectors: Float32Array | Uint8Array, rowCount: number): BuildRequest {
  const kind = vectors instanceof Float32Array ? 'float' : 'binary'
  // Sparse rows are one CSR byte array (`encodeSparseCsr`) whose length is its own, not rows × dim.
  const length = isSparseIndexType(spec.indexType) ? vectors.length : kind === 'float' ? rowCount * spec.dim : (rowCount * spec.dim) / 8
  if (vectors.buffer instanceof SharedArrayBuffer) {
    return { spec, kind, buffer: vectors.buffer, byteOffset: vectors.byteOffset, length, rowCount }
  }
  const copy = vectors.slice(0, length)
  return { spec, kind, buffer: copy.buffer, byteOffset: 0, length, rowCount }
}

function aborted(): MilvusError {
  return new MilvusError(ErrorCode.NotReady, 'index build aborted')
}

function errorOf(reply: Extract<BuildReply, { ok: false }>): MilvusError {
  const code = (Object.values(ErrorCode) as number[]).includes(reply.code) ? (reply.code as ErrorCode) : ErrorCode.Unexpected
  const cause = new Error(reply.message)
  cause.stack = reply.stack
  return new MilvusError(code, `index build failed: ${reply.message}`, {}, { cause })
}
