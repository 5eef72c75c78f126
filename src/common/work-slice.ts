import { errors } from '../errors/errors.ts'
import { awaitTurn } from './loop-turns.ts'

/**
 * Cooperative time slicing of one request's work on the event loop. Long work (a search over many
 * query vectors or segments, a query that gathers many rows) calls `due()` at its block boundaries
 * and, when it is true, `await pause()`: the loop then serves I/O, timers and other requests' slices
 * before this one resumes, so no request holds the thread longer than about `sliceMs` plus one block.
 * `pause()` also ends the work when the client's deadline passed or the client went away (5).
 */
export class WorkSlice {
  /** Time one request may hold the event loop before it lets others run, in milliseconds. */
  static readonly SLICE_MS_DEFAULT = 8

  private sliceStartMs = performance.now()
  /** How many times this work let others run (tests and metrics). */
  pauses = 0

  readonly sliceMs: number
  /** Epoch ms after which the work is abandoned; undefined = no deadline. */
  readonly deadlineMs: number | undefined
  readonly signal: AbortSignal | undefined

  constructor(sliceMs: number = WorkSlice.SLICE_MS_DEFAULT, deadlineMs?: number, signal?: AbortSignal) {
    this.sliceMs = sliceMs
    this.deadlineMs = deadlineMs
    this.signal = signal
  }

  /** A slice for a request with an optional timeout (ms from now) and cancellation signal. */
  static of(control: ReadControl | undefined): WorkSlice {
    const t = control?.timeoutMs
    return new WorkSlice(WorkSlice.SLICE_MS_DEFAULT, t === undefined || t <= 0 || !Number.isFinite(t) ? undefined : Date.now() + t, control?.signal)
  }

  /** True when this work has held the loop for its slice and should `await pause()`. */
  due(): boolean {
    return performance.now() - this.sliceStartMs >= this.sliceMs
  }

  /**
   * Lets the event loop run everything that is ready (timers, I/O, one other paused request's slice
   * per loop iteration: `awaitTurn`), then checks the deadline and the signal.
   */
  async pause(): Promise<void> {
    await awaitTurn()
    this.pauses++
    this.sliceStartMs = performance.now()
    this.check()
  }

  /** Throws 5 (timeout) when the deadline passed or the request was cancelled. */
  check(): void {
    if (this.signal?.aborted === true) throw errors.timeout('the request was cancelled by the client; it was stopped before it finished')
    if (this.deadlineMs !== undefined && Date.now() > this.deadlineMs) throw errors.timeout('the request passed its deadline; it was stopped before it finished')
  }
}

/** What a caller can say about how long a read may run and when to stop it. */
export interface ReadControl {
  /** Milliseconds the read may take; past them it stops with 5 at its next block. */
  readonly timeoutMs?: number | undefined
  /** Aborted when the caller no longer wants the answer (a gRPC call cancelled, a REST client gone). */
  readonly signal?: AbortSignal | undefined
}
