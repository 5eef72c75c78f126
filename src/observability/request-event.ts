/** One finished request, as a transport (gRPC, REST) reports it. */
export interface RequestEvent {
  /** The Milvus RPC name (`Search`, `Insert`, `CreateCollection`, …); REST routes map to these. */
  readonly method: string
  readonly protocol: 'grpc' | 'rest'
  /** Milvus status code of the answer; 0 = success. */
  readonly code: number
  readonly seconds: number
  /** Rows inserted, upserted or deleted by a successful write. */
  readonly rows?: number
}

export type RequestObserver = (event: RequestEvent) => void

const observers = new WeakMap<object, RequestObserver>()

/**
 * Attaches the observer of every transport serving `client` (the engine object the transports
 * share); returns the detach function. One observer per client: a second call replaces the first.
 */
export function observeRequestsOf(client: object, observer: RequestObserver): () => void {
  observers.set(client, observer)
  return () => {
    if (observers.get(client) === observer) observers.delete(client)
  }
}

/** The observer attached to `client`, if any (transports call it once per answered request). */
export function requestObserverOf(client: object): RequestObserver | undefined {
  return observers.get(client)
}
