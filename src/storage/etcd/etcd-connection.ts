import { Etcd3 } from 'etcd3'
import { assert } from '../../common/assert.ts'
import { errors, MilvusError } from '../../errors/errors.ts'

/** How to reach etcd; Milvus's `etcd.*` keys map onto it. */
export interface EtcdOptions {
  /** `etcd.endpoints`: `host:port` (or `http://host:port`) of one or more members. */
  readonly endpoints: readonly string[]
  /** `etcd.rootPath` (Milvus default `by-dev`): Quiver's keys live under `<rootPath>/quiver/`. */
  readonly rootPath: string
  /** Deadline of each unary etcd call (default 5,000 ms): a dead or hung etcd is an error, not a hang. */
  readonly requestTimeoutMs?: number
}

/** One client to an etcd cluster with Quiver's key prefix; `close()` ends its connections. */
export class EtcdConnection {
  readonly client: Etcd3
  /** `<rootPath>/quiver/`: the prefix of every key Quiver writes. */
  readonly prefix: string
  readonly endpoints: readonly string[]

  constructor(options: EtcdOptions) {
    assert.ok(options.endpoints.length > 0, 'etcd needs at least one endpoint')
    const timeoutMs = options.requestTimeoutMs ?? 5_000
    this.endpoints = options.endpoints
    this.client = new Etcd3({
      hosts: options.endpoints.map((e) => (/^https?:\/\//.test(e) ? e : `http://${e}`)),
      // Streams (watch, lease keep-alive) live on; every unary call has a deadline.
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeoutMs }),
    })
    const root = options.rootPath.replace(/^\/+|\/+$/g, '')
    this.prefix = root === '' ? 'quiver/' : `${root}/quiver/`
  }

  /** The full key of a Quiver key (`meta/manifest` → `by-dev/quiver/meta/manifest`). */
  key(name: string): string {
    return `${this.prefix}${name}`
  }

  close(): void {
    this.client.close()
  }
}

/** The gRPC/etcd error's class name or code (`GRPCUnavailableError`, `GRPCDeadlineExceededError`, …). */
export function etcdErrorCode(e: unknown): string {
  const err = e as { name?: unknown; constructor?: { name?: unknown }; code?: unknown } | null
  const ctor = err?.constructor?.name
  if (typeof ctor === 'string' && ctor !== 'Error' && ctor !== 'Object') return ctor
  if (typeof err?.code === 'string') return err.code
  return typeof err?.name === 'string' ? err.name : 'unknown'
}

/** An io error (2100) naming the etcd operation, the key and the cause: `etcd get 'by-dev/quiver/tso' failed (GRPCUnavailableError)`. */
export function etcdError(op: string, key: string, cause: unknown): MilvusError {
  return errors.io(`etcd ${op} '${key}' failed (${etcdErrorCode(cause)})`, cause)
}

/** Runs one etcd call, turning its failure into `etcdError`; assertions and `MilvusError`s pass through. */
export async function etcdCall<T>(op: string, key: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof assert.AssertionError || e instanceof MilvusError) throw e
    throw etcdError(op, key, e)
  }
}
