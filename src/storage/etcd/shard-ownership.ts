import type { Lease } from 'etcd3'
import { MilvusError } from '../../errors/errors.ts'
import { ErrorCode } from '../../errors/error-code.ts'
import { etcdCall, type EtcdConnection } from './etcd-connection.ts'

export interface OwnershipOptions {
  /** The lease's time to live (default 5,000 ms; etcd counts whole seconds, so it is rounded up). */
  readonly ttlMs?: number
  /** How long `acquire` waits for the current owner to go (default 0: fail at once). */
  readonly waitMs?: number
  /** Between two tries while waiting (default 100 ms). */
  readonly retryMs?: number
}

/** How often the holder checks its own deadline (ms). */
const DEADLINE_CHECK_MS = 50

/**
 * The exclusive right of one node to write one shard (`<rootPath>/quiver/shard/<shard>/owner`), held
 * under an etcd lease kept alive in the background.
 *
 * The holder stops **before** anyone else can take over: its own deadline is the send time of the
 * last keep-alive etcd answered + TTL − a margin (etcd counts the TTL from when it received that
 * keep-alive, which is later), checked every 50 ms. Past the deadline `held` is false at once and etcd
 * is asked whether the lease still lives: yes (the process stalled, the lease survived) ⇒ held again;
 * expired, revoked, or no answer before etcd may have expired it ⇒ **lost for good**, as on etcd's
 * `lost` or when a guarded write finds the key changed: `assertHeld` throws 2 (service unavailable,
 * retriable), `onLost` listeners run once. A node that wants to write again acquires a new ownership.
 */
export class ShardOwnership {
  readonly shard: string
  readonly nodeId: string
  /** The etcd key of the shard's owner. */
  readonly key: string
  /** The value this holder wrote there: `<nodeId>@<lease id>`; guarded writes compare it. */
  readonly claim: string
  /** The owner key's create revision: grows with every new owner (a fencing token). */
  readonly epoch: number
  readonly ttlMs: number
  readonly #lease: Lease
  readonly #etcd: EtcdConnection
  readonly #leaseId: string
  #validUntilMs: number
  /** Past the local deadline, asking etcd whether the lease still lives: no writes meanwhile. */
  #suspect = false
  #pendingSinceMs: number | undefined
  #lostReason: string | undefined
  readonly #listeners: ((reason: string) => void)[] = []
  readonly #timer: NodeJS.Timeout

  private constructor(fields: { etcd: EtcdConnection; leaseId: string; shard: string; nodeId: string; key: string; claim: string; epoch: number; ttlMs: number; lease: Lease; validUntilMs: number }) {
    this.#etcd = fields.etcd
    this.#leaseId = fields.leaseId
    this.shard = fields.shard
    this.nodeId = fields.nodeId
    this.key = fields.key
    this.claim = fields.claim
    this.epoch = fields.epoch
    this.ttlMs = fields.ttlMs
    this.#lease = fields.lease
    this.#validUntilMs = fields.validUntilMs
    const lease = fields.lease
    lease.on('keepaliveFired', () => {
      this.#pendingSinceMs ??= Date.now()
    })
    lease.on('keepaliveSucceeded', (res) => {
      if (Number(res.TTL) <= 0) return this.markLost('etcd says the lease expired')
      const sentMs = this.#pendingSinceMs ?? Date.now()
      this.#pendingSinceMs = undefined
      this.#validUntilMs = Math.max(this.#validUntilMs, sentMs + this.#safeTtlMs())
      if (Date.now() < this.#validUntilMs) this.#suspect = false
    })
    lease.on('lost', (e) => this.markLost(`lease lost (${e.message})`))
    this.#timer = setInterval(() => {
      if (Date.now() >= this.#validUntilMs) void this.#verify()
    }, DEADLINE_CHECK_MS)
    this.#timer.unref()
  }

  /**
   * Takes the shard if nobody holds it (a create-if-absent transaction under a fresh lease); else
   * waits up to `waitMs` for the holder to go, then fails with 2 naming the holder.
   */
  static async acquire(etcd: EtcdConnection, shard: string, nodeId: string, options: OwnershipOptions = {}): Promise<ShardOwnership> {
    const ttlMs = Math.max(1, Math.ceil((options.ttlMs ?? 5_000) / 1000)) * 1000
    const key = etcd.key(`shard/${shard}/owner`)
    const deadlineMs = Date.now() + (options.waitMs ?? 0)
    for (;;) {
      let failure: unknown
      try {
        const won = await ShardOwnership.tryOnce(etcd, shard, nodeId, key, ttlMs)
        if (won instanceof ShardOwnership) return won
        failure = new MilvusError(ErrorCode.ServiceUnavailable, `shard ${shard} is owned by ${won.holder}`)
      } catch (e) {
        failure = e // etcd unreachable: tried again while waiting
      }
      if (Date.now() >= deadlineMs) throw failure
      await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 100))
    }
  }

  /** One create-if-absent try under a fresh lease (revoked again when the shard is taken). */
  static async tryOnce(etcd: EtcdConnection, shard: string, nodeId: string, key: string, ttlMs: number): Promise<ShardOwnership | { holder: string }> {
    const sentMs = Date.now()
    const lease = etcd.client.lease(ttlMs / 1000)
    lease.on('lost', () => {}) // a failed grant also rejects `grant()`
    try {
      const leaseId = await etcdCall('lease grant', key, () => lease.grant())
      const claim = `${nodeId}@${leaseId}`
      const res = await etcdCall('txn create', key, () =>
        etcd.client.if(key, 'Create', '==', 0).then(etcd.client.put(key).value(claim).lease(leaseId)).else(etcd.client.get(key)).commit(),
      )
      if (res.succeeded === true) {
        return new ShardOwnership({ etcd, leaseId, shard, nodeId, key, claim, epoch: Number(res.header.revision), ttlMs, lease, validUntilMs: sentMs + safeTtl(ttlMs) })
      }
      await lease.revoke().catch(() => undefined)
      const holder = res.responses[0]?.response_range?.kvs?.[0]?.value?.toString() ?? 'another node'
      return { holder: holder.split('@')[0]! }
    } catch (e) {
      await lease.revoke().catch(() => undefined)
      throw e
    }
  }

  /**
   * Every shard that has an owner now, read-only: node id and epoch (the owner key's create revision,
   * the `epoch` the holder got), ordered by shard.
   */
  static async owners(etcd: EtcdConnection): Promise<{ shard: string; nodeId: string; epoch: number }[]> {
    const prefix = etcd.key('shard/')
    const res = await etcdCall('get prefix', prefix, () => etcd.client.getAll().prefix(prefix).exec())
    const out: { shard: string; nodeId: string; epoch: number }[] = []
    for (const kv of res.kvs) {
      const m = /^shard\/([^/]+)\/owner$/.exec(kv.key.toString().slice(etcd.prefix.length))
      if (m !== null) out.push({ shard: m[1]!, nodeId: kv.value.toString().split('@')[0]!, epoch: Number(kv.create_revision) })
    }
    return out.sort((x, y) => x.shard.localeCompare(y.shard, 'en', { numeric: true }))
  }

  /**
   * Publishes where this owner serves (`host:port`: gRPC and REST on one port) under its lease, so
   * the key goes with the ownership; read replicas forward writes there (`endpointOf`).
   */
  async publishEndpoint(address: string): Promise<void> {
    this.assertHeld()
    const key = this.#etcd.key(`shard/${this.shard}/endpoint`)
    await etcdCall('put', key, () => this.#etcd.client.put(key).value(address).lease(this.#leaseId).exec())
  }

  /** Where the owner of `shard` serves, or undefined (no owner, or it has not published yet). */
  static async endpointOf(etcd: EtcdConnection, shard: string): Promise<string | undefined> {
    const key = etcd.key(`shard/${shard}/endpoint`)
    return (await etcdCall('get', key, () => etcd.client.get(key).string())) ?? undefined
  }

  /** The node id holding `shard`, or undefined. */
  static async ownerOf(etcd: EtcdConnection, shard: string): Promise<string | undefined> {
    const key = etcd.key(`shard/${shard}/owner`)
    const value = await etcdCall('get', key, () => etcd.client.get(key).string())
    return value === null ? undefined : value.split('@')[0]
  }

  /**
   * True while the ownership is confirmed: not lost, and within the local deadline (checked
   * synchronously). Past the deadline it is false at once while etcd is asked whether the lease still
   * lives (a stalled process whose lease survived goes on; one whose lease is gone is lost).
   */
  get held(): boolean {
    if (this.#lostReason === undefined && Date.now() >= this.#validUntilMs) void this.#verify()
    return this.#lostReason === undefined && !this.#suspect && Date.now() < this.#validUntilMs
  }

  /** Why it was lost, or undefined while not lost. */
  get lostReason(): string | undefined {
    return this.#lostReason
  }

  /** Throws 2 (service unavailable, retriable) unless the ownership is confirmed (`held`). */
  assertHeld(): void {
    if (this.held) return
    if (this.#lostReason !== undefined) throw new MilvusError(ErrorCode.ServiceUnavailable, `node ${this.nodeId} no longer owns shard ${this.shard}: ${this.#lostReason}`)
    throw new MilvusError(ErrorCode.ServiceUnavailable, `node ${this.nodeId} cannot confirm it still owns shard ${this.shard} (no keep-alive answered in time; asking etcd)`)
  }

  /** Runs `listener` once when the ownership is lost (at once if it already is). */
  onLost(listener: (reason: string) => void): void {
    if (this.#lostReason !== undefined) listener(this.#lostReason)
    else this.#listeners.push(listener)
  }

  /** Declares the ownership lost (idempotent): stops renewing it and tells the listeners. */
  markLost(reason: string): void {
    if (this.#lostReason !== undefined) return
    this.#lostReason = reason
    clearInterval(this.#timer)
    this.#lease.release()
    for (const l of this.#listeners.splice(0)) l(reason)
  }

  /** Gives the shard up: revokes the lease (the key goes with it) and stops. Not a loss: `onLost` listeners do not run. */
  async release(): Promise<void> {
    const wasHeld = this.#lostReason === undefined
    this.#listeners.length = 0
    this.markLost('released')
    if (wasHeld) await etcdCall('lease revoke', this.key, () => this.#lease.revoke())
  }

  #safeTtlMs(): number {
    return safeTtl(this.ttlMs)
  }

  /**
   * Past the local deadline: asks etcd for the lease's remaining TTL, within the time etcd may still
   * keep it. Alive ⇒ a new deadline from that answer (nobody else can own the shard while the lease
   * lives); expired, revoked or no answer in time ⇒ lost.
   */
  async #verify(): Promise<void> {
    if (this.#suspect || this.#lostReason !== undefined) return
    this.#suspect = true
    const sentMs = Date.now()
    const answerMsMax = this.#validUntilMs + (this.ttlMs - this.#safeTtlMs()) - sentMs
    const why = `no keep-alive answered within the lease's ${this.ttlMs} ms`
    if (answerMsMax <= 0) return this.markLost(why)
    let timer: NodeJS.Timeout | undefined
    try {
      const res = await Promise.race([
        this.#etcd.client.leaseClient.leaseTimeToLive({ ID: this.#leaseId }),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), answerMsMax)
        }),
      ])
      if (res === undefined) return this.markLost(`${why}, and etcd did not confirm it in time`)
      // TTL is whole seconds left (at least; -1: expired or revoked). 0 = alive, under a second left.
      const ttlS = Number(res.TTL)
      if (ttlS < 0) return this.markLost(`${why}; etcd says it expired`)
      this.#validUntilMs = Math.max(this.#validUntilMs, sentMs + ttlS * 1000 - Math.ceil(this.ttlMs / 5))
      // Alive: held again once within the deadline (a keep-alive renews it; until then checks ask again).
      this.#suspect = false
    } catch {
      this.markLost(`${why}, and etcd could not be asked`)
    } finally {
      clearTimeout(timer)
    }
  }
}

/** The part of a TTL the holder counts on: a fifth is left for clock rate and scheduling. */
function safeTtl(ttlMs: number): number {
  return ttlMs - Math.ceil(ttlMs / 5)
}
