import { startWorker } from '../../common/start-worker.ts'
import { ErrorCode, errors, MilvusError } from '../../errors/errors.ts'
import type { FloatMetric } from '../../vector/metric.ts'

/** Rows of a part: a view of `length` floats at `byteOffset` of `buffer`. */
export interface InterimPart {
  readonly buffer: ArrayBuffer | SharedArrayBuffer
  readonly byteOffset: number
  readonly length: number
}

/**
 * Where a training writes its result: shared memory the main thread can read without waiting for a
 * message (a search loop that never yields still sees it). `done[0]` turns 1 once centroids and
 * lists are written.
 */
export interface InterimTrainOutput {
  readonly done: Int32Array
  /** listCount × dim floats. */
  readonly centroids: Float32Array
  /** The list of each snapshot row. */
  readonly lists: Int32Array
}

export interface InterimTrainRequest {
  readonly metric: FloatMetric
  readonly dim: number
  readonly listCount: number
  readonly rowCount: number
  readonly parts: readonly InterimPart[]
  readonly output: InterimTrainOutput
}

export type InterimTrainReply = { readonly ok: true } | { readonly ok: false; readonly message: string }

/** Shared output arrays for a training of `rowCount` rows into `listCount` lists. */
export function interimTrainOutput(listCount: number, dim: number, rowCount: number): InterimTrainOutput {
  return {
    done: new Int32Array(new SharedArrayBuffer(4)),
    centroids: new Float32Array(new SharedArrayBuffer(listCount * dim * 4)),
    lists: new Int32Array(new SharedArrayBuffer(Math.max(1, rowCount) * 4)),
  }
}

/**
 * Trains an interim index (`trainInterim`) over rows 0..rowCount-1 held in `parts` in a new worker
 * thread, into `output` (its list count is `output.centroids.length / dim`); resolves once written. Parts on a SharedArrayBuffer (the vector arena) are read in place — the caller must check
 * afterwards that they were not moved or freed meanwhile (else discard the result); others are copied.
 * Aborting terminates the worker and rejects with a MilvusError 1 (not ready).
 */
export function trainInterimInWorker(
  metric: FloatMetric,
  dim: number,
  parts: readonly Float32Array[],
  rowCount: number,
  output: InterimTrainOutput,
  signal?: AbortSignal,
): Promise<void> {
  const listCount = output.centroids.length / dim
  const request: InterimTrainRequest = { metric, dim, listCount, rowCount, parts: parts.map(partOf), output }
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(aborted())
      return
    }
    const worker = startWorker(import.meta.url, 'interim-worker')
    let settled = false
    const finish = (fn: () => void): void => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      fn()
    }
    const onAbort = (): void => {
      worker.removeAllListeners()
      worker.on('error', () => {})
      void worker.terminate().finally(() => finish(() => reject(aborted())))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    worker.once('message', (reply: InterimTrainReply) => {
      finish(() => (reply.ok ? resolve() : reject(errors.io(`interim index training failed: ${reply.message}`, undefined))))
      void worker.terminate()
    })
    worker.once('error', (e) => finish(() => reject(errors.io(`interim index worker failed: ${e.message}`, e))))
    worker.once('exit', (code) => finish(() => reject(errors.io(`interim index worker exited with code ${code}`, undefined))))
    const transfer = request.parts.flatMap((p) => (p.buffer instanceof SharedArrayBuffer ? [] : [p.buffer as ArrayBuffer]))
    worker.postMessage(request, transfer)
  })
}

function partOf(rows: Float32Array): InterimPart {
  if (rows.buffer instanceof SharedArrayBuffer) return { buffer: rows.buffer, byteOffset: rows.byteOffset, length: rows.length }
  const copy = rows.slice()
  return { buffer: copy.buffer, byteOffset: 0, length: copy.length }
}

function aborted(): MilvusError {
  return new MilvusError(ErrorCode.NotReady, 'interim index training aborted')
}
