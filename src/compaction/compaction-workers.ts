import type { Worker } from 'node:worker_threads'
import { startWorker } from '../common/start-worker.ts'
import { ErrorCode, errors, MilvusError } from '../errors/errors.ts'
import type { CompactionJobReply, CompactionJobRequest } from './compaction-job.ts'

export type CompactionJobResult = Extract<CompactionJobReply, { kind: 'done' }>

/**
 * An idle worker is terminated after this long. Its heap holds its last job's buffers (input files,
 * the merged segment, the encoded output: ~3× the rows' bytes) until its next job allocates and V8
 * collects them; ending it gives that memory back while compaction is quiet.
 */
export const idleWorkerMs = 10_000

/**
 * The compaction worker threads: one job per worker at a time; an idle worker is kept (unref'd, so
 * it never keeps the process alive) and reused, because starting one costs 0.2–2.5 s (module
 * loading), for `idleWorkerMs`; then it is terminated. A job that throws rejects and leaves its worker usable; a worker that crashes or exits
 * rejects its job and is dropped. `close` terminates them all.
 */
export class CompactionWorkers {
  readonly #idle: Worker[] = []
  readonly #busy = new Set<Worker>()
  /** The timer that ends each idle worker. */
  readonly #idleTimers = new Map<Worker, NodeJS.Timeout>()
  readonly #idleMs: number

  /** `idleMs`: how long an idle worker is kept for the next job (tests shorten it). */
  constructor(idleMs = idleWorkerMs) {
    this.#idleMs = idleMs
  }
  #closed = false

  /**
   * Runs one job and resolves with the merged segment file and row source map. The request's
   * buffers are transferred (the caller does not use them afterwards). `onHeld` runs when a test
   * hook holds the worker.
   */
  run(request: CompactionJobRequest, onHeld?: () => void): Promise<CompactionJobResult> {
    if (this.#closed) return Promise.reject(errors.closed())
    const worker = this.#idle.pop() ?? startWorker(import.meta.url, 'compaction-worker')
    clearTimeout(this.#idleTimers.get(worker))
    this.#idleTimers.delete(worker)
    worker.ref()
    this.#busy.add(worker)
    return new Promise<CompactionJobResult>((resolve, reject) => {
      const done = (keep: boolean, settle: () => void): void => {
        worker.off('message', onMessage)
        worker.off('error', onError)
        worker.off('exit', onExit)
        this.#busy.delete(worker)
        if (keep && !this.#closed) this.#keepIdle(worker)
        else void worker.terminate()
        settle()
      }
      const onMessage = (reply: CompactionJobReply): void => {
        if (reply.kind === 'held') onHeld?.()
        else if (reply.kind === 'done') done(true, () => resolve(reply))
        else done(true, () => reject(errorOf(reply)))
      }
      const onError = (e: Error): void => done(false, () => reject(errors.io(`compaction worker failed: ${e.message}`, e)))
      const onExit = (code: number): void => done(false, () => reject(errors.io(`compaction worker exited with code ${code}`, undefined)))
      worker.on('message', onMessage)
      worker.on('error', onError)
      worker.on('exit', onExit)
      const transfer = request.inputs.flatMap((i) => [i.fileBytes.buffer as ArrayBuffer, i.deleteStamps.buffer as ArrayBuffer])
      worker.postMessage(request, transfer)
    })
  }

  /** Idle workers (tests). */
  get idleCount(): number {
    return this.#idle.length
  }

  #keepIdle(worker: Worker): void {
    worker.unref()
    this.#idle.push(worker)
    const timer = setTimeout(() => {
      this.#idleTimers.delete(worker)
      const at = this.#idle.indexOf(worker)
      if (at < 0) return
      this.#idle.splice(at, 1)
      void worker.terminate()
    }, this.#idleMs)
    timer.unref()
    this.#idleTimers.set(worker, timer)
  }

  /** Terminates every worker; running jobs reject. */
  async close(): Promise<void> {
    this.#closed = true
    for (const timer of this.#idleTimers.values()) clearTimeout(timer)
    this.#idleTimers.clear()
    const all = [...this.#idle.splice(0), ...this.#busy]
    await Promise.all(all.map((w) => w.terminate()))
  }
}

function errorOf(reply: Extract<CompactionJobReply, { kind: 'failed' }>): MilvusError {
  const code = (Object.values(ErrorCode) as number[]).includes(reply.code) ? (reply.code as ErrorCode) : ErrorCode.Unexpected
  const cause = new Error(reply.message)
  cause.stack = reply.stack
  return new MilvusError(code, `compaction failed: ${reply.message}`, {}, { cause })
}
