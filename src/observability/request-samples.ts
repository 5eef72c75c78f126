import type { RequestEvent } from './request-event.ts'

/** Requests of one wall-clock second. */
export interface RequestSample {
  /** Start of the second, Unix ms. */
  readonly atMs: number
  readonly count: number
  /** Answers with a non-zero Milvus code. */
  readonly errorCount: number
  /** Sum and maximum of the latencies (ms): the mean is `latencyMsSum / count`. */
  readonly latencyMsSum: number
  readonly latencyMsMax: number
}

/** One request slower than the threshold. */
export interface SlowRequest {
  /** When it finished, Unix ms. */
  readonly atMs: number
  readonly method: string
  readonly protocol: RequestEvent['protocol']
  readonly code: number
  readonly latencyMs: number
}

export interface RequestSamplesOptions {
  /** Seconds of history kept (default 600: ten minutes). */
  readonly secondsMax?: number
  /** Slow requests kept, newest first (default 100). */
  readonly slowCountMax?: number
  /** Requests at least this slow are kept as slow requests (Milvus `proxy.slowQuerySpanInSeconds`: 5 s). */
  readonly slowRequestMs: number
  /** Clock (tests). */
  readonly nowMs?: () => number
}

export const SAMPLE_SECONDS_MAX_DEFAULT = 600
export const SLOW_COUNT_MAX_DEFAULT = 100

/**
 * A bounded in-memory ring of per-second request samples and of the latest slow requests, fed by
 * the request observer: what the web console plots. Memory is fixed at construction (five numbers
 * per second kept plus `slowCountMax` records); nothing runs in the background.
 */
export class RequestSamples {
  readonly secondsMax: number
  readonly slowRequestMs: number
  private readonly slowCountMax: number
  private readonly nowMs: () => number
  /** Per slot: the second (Unix s) it holds, or -1 when empty. */
  private readonly second: Float64Array
  private readonly count: Float64Array
  private readonly errorCount: Float64Array
  private readonly latencyMsSum: Float64Array
  private readonly latencyMsMax: Float64Array
  /** Slow requests, oldest first, at most `slowCountMax`. */
  private readonly slowRing: SlowRequest[] = []

  constructor(opts: RequestSamplesOptions) {
    this.secondsMax = opts.secondsMax ?? SAMPLE_SECONDS_MAX_DEFAULT
    this.slowCountMax = opts.slowCountMax ?? SLOW_COUNT_MAX_DEFAULT
    if (!(Number.isInteger(this.secondsMax) && this.secondsMax > 0)) throw new RangeError(`secondsMax must be a positive integer, got ${this.secondsMax}`)
    this.slowRequestMs = opts.slowRequestMs
    this.nowMs = opts.nowMs ?? Date.now
    this.second = new Float64Array(this.secondsMax).fill(-1)
    this.count = new Float64Array(this.secondsMax)
    this.errorCount = new Float64Array(this.secondsMax)
    this.latencyMsSum = new Float64Array(this.secondsMax)
    this.latencyMsMax = new Float64Array(this.secondsMax)
  }

  /** Counts one finished request in the current second; keeps it when slow. */
  observe(event: RequestEvent): void {
    const nowMs = this.nowMs()
    const second = Math.floor(nowMs / 1000)
    const slot = second % this.secondsMax
    if (this.second[slot] !== second) {
      this.second[slot] = second
      this.count[slot] = 0
      this.errorCount[slot] = 0
      this.latencyMsSum[slot] = 0
      this.latencyMsMax[slot] = 0
    }
    const latencyMs = event.seconds * 1000
    this.count[slot]! += 1
    if (event.code !== 0) this.errorCount[slot]! += 1
    this.latencyMsSum[slot]! += latencyMs
    if (latencyMs > this.latencyMsMax[slot]!) this.latencyMsMax[slot] = latencyMs
    if (latencyMs >= this.slowRequestMs) {
      this.slowRing.push({ atMs: nowMs, method: event.method, protocol: event.protocol, code: event.code, latencyMs })
      if (this.slowRing.length > this.slowCountMax) this.slowRing.shift()
    }
  }

  /** The seconds of the last `secondsMax` that saw requests, oldest first. */
  samples(): RequestSample[] {
    const nowSecond = Math.floor(this.nowMs() / 1000)
    const out: RequestSample[] = []
    for (let second = nowSecond - this.secondsMax + 1; second <= nowSecond; second++) {
      const slot = ((second % this.secondsMax) + this.secondsMax) % this.secondsMax
      if (this.second[slot] !== second) continue
      out.push({ atMs: second * 1000, count: this.count[slot]!, errorCount: this.errorCount[slot]!, latencyMsSum: this.latencyMsSum[slot]!, latencyMsMax: this.latencyMsMax[slot]! })
    }
    return out
  }

  /** The latest slow requests, newest first. */
  slowRequests(): SlowRequest[] {
    return this.slowRing.toReversed()
  }
}
