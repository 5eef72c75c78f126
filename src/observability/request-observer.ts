import type { Logger } from 'pino'
import type { QuiverMetrics } from './metrics.ts'
import type { RequestEvent, RequestObserver } from './request-event.ts'
import type { RequestSamples } from './request-samples.ts'

export interface RequestObserverOptions {
  readonly metrics?: QuiverMetrics
  readonly logger?: Logger
  /** Requests slower than this are logged as warnings (Milvus `proxy.slowQuerySpanInSeconds`, 5 s). */
  readonly slowRequestMs?: number
  /** The web console's ring of per-second samples and slow requests. */
  readonly samples?: RequestSamples
}

export const SLOW_REQUEST_MS_DEFAULT = 5000

/**
 * What servers do with each finished request: count it, log it at debug, warn when it was slow.
 * Only the method name, protocol, code, duration and row count are logged — never the request
 * (so never a password) nor its metadata (so never `authorization`).
 */
export function createRequestObserver(opts: RequestObserverOptions): RequestObserver {
  const slowMs = opts.slowRequestMs ?? SLOW_REQUEST_MS_DEFAULT
  const log = opts.logger?.child({ component: 'request' })
  return (e: RequestEvent) => {
    opts.metrics?.observeRequest(e)
    opts.samples?.observe(e)
    if (log === undefined) return
    const ms = Math.round(e.seconds * 1e6) / 1e3
    const fields = { method: e.method, protocol: e.protocol, code: e.code, ms, ...(e.rows === undefined ? {} : { rows: e.rows }) }
    if (ms > slowMs) log.warn({ ...fields, slowMs }, 'slow request')
    else log.debug(fields, 'request')
  }
}
