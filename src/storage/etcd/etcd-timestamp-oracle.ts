import { composeTs, physicalMs, type Timestamp, TimestampOracle } from '../../common/hybrid-ts.ts'
import { MilvusError } from '../../errors/errors.ts'
import { ErrorCode } from '../../errors/error-code.ts'
import { etcdCall, type EtcdConnection } from './etcd-connection.ts'

export interface EtcdTimestampOracleOptions {
  /** How far ahead of the clock one saved bound lets timestamps go (Milvus's TSO: 3,000 ms). */
  readonly windowMs?: number
  /** Between two renewals of the bound (default windowMs / 3). */
  readonly renewMs?: number
}

/**
 * The cluster's timestamp oracle (Milvus's TSO), hybrid timestamps `physical ms << 18 | logical`.
 * etcd holds a **bound** (`<rootPath>/quiver/tso`, physical ms): every timestamp handed out is below
 * the bound saved last, and a new allocator starts at or above the bound it found, so timestamps grow
 * across restarts and changes of owner. `next()` is synchronous (a writer stamps and appends a command
 * in one step); the bound is pushed `windowMs` past the clock in the background, each time by a
 * compare-and-swap on the key's revision: a second allocator makes the first one's swap fail, and the
 * first one stops (`next()` throws 2). If etcd cannot be reached, `next()` works until the clock reaches
 * the saved bound, then throws 2 (retriable) until a renewal succeeds.
 */
export class EtcdTimestampOracle {
  readonly key: string
  readonly #etcd: EtcdConnection
  readonly #windowMs: number
  readonly #clock: TimestampOracle
  #boundMs: number
  #modRevision: string
  #stoppedReason: string | undefined
  #renewing: Promise<void> | undefined
  readonly #timer: NodeJS.Timeout

  private constructor(etcd: EtcdConnection, key: string, windowMs: number, renewMs: number, floorMs: number, boundMs: number, modRevision: string) {
    this.#etcd = etcd
    this.key = key
    this.#windowMs = windowMs
    this.#clock = new TimestampOracle(composeTs(floorMs, 0))
    this.#boundMs = boundMs
    this.#modRevision = modRevision
    this.#timer = setInterval(() => void this.#renew(), renewMs)
    this.#timer.unref()
  }

  static async open(etcd: EtcdConnection, options: EtcdTimestampOracleOptions = {}): Promise<EtcdTimestampOracle> {
    const windowMs = options.windowMs ?? 3_000
    const key = etcd.key('tso')
    const found = await etcdCall('get', key, () => etcd.client.get(key).exec())
    const kv = found.kvs[0]
    const savedMs = kv === undefined ? 0 : Number(kv.value.toString())
    const boundMs = Math.max(Date.now(), savedMs) + windowMs
    const guard = kv === undefined ? etcd.client.if(key, 'Create', '==', 0) : etcd.client.if(key, 'Mod', '==', kv.mod_revision)
    const res = await etcdCall('txn put', key, () => guard.then(etcd.client.put(key).value(String(boundMs))).commit())
    if (res.succeeded !== true) throw new MilvusError(ErrorCode.ServiceUnavailable, `another timestamp oracle moved '${key}' while this one started`)
    return new EtcdTimestampOracle(etcd, key, windowMs, options.renewMs ?? Math.max(10, Math.floor(windowMs / 3)), savedMs, boundMs, res.header.revision)
  }

  /** A timestamp greater than every one handed out before by any allocator on this key. */
  next(): Timestamp {
    if (this.#stoppedReason !== undefined) throw new MilvusError(ErrorCode.ServiceUnavailable, `timestamp oracle stopped: ${this.#stoppedReason}`)
    const ts = this.#clock.next()
    if (physicalMs(ts) >= this.#boundMs) {
      throw new MilvusError(ErrorCode.ServiceUnavailable, `timestamp oracle: etcd has not confirmed timestamps past ${this.#boundMs} ms ('${this.key}')`)
    }
    return ts
  }

  /** The saved bound (physical ms): no timestamp handed out reaches it. */
  get boundMs(): number {
    return this.#boundMs
  }

  get stopped(): boolean {
    return this.#stoppedReason !== undefined
  }

  /**
   * Stops handing out timestamps at once; resolves once a renewal in flight has landed, so that the
   * next allocator opened after it does not see the key move under its own start.
   */
  async close(): Promise<void> {
    clearInterval(this.#timer)
    this.#stoppedReason ??= 'closed'
    await this.#renewing
  }

  #renew(): Promise<void> {
    if (this.#renewing !== undefined || this.#stoppedReason !== undefined) return Promise.resolve()
    this.#renewing = this.#renewOnce().finally(() => {
      this.#renewing = undefined
    })
    return this.#renewing
  }

  async #renewOnce(): Promise<void> {
    try {
      const boundMs = Math.max(Date.now(), this.#boundMs) + this.#windowMs
      const c = this.#etcd.client
      const res = await c.if(this.key, 'Mod', '==', this.#modRevision).then(c.put(this.key).value(String(boundMs))).commit()
      if (res.succeeded !== true) {
        this.#stoppedReason = `another allocator moved '${this.key}'`
        clearInterval(this.#timer)
        return
      }
      this.#boundMs = boundMs
      this.#modRevision = res.header.revision
    } catch {
      // etcd unreachable: timestamps run until the saved bound, then `next` throws until a renewal succeeds.
    }
  }
}
