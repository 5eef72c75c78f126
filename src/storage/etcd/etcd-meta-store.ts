import { errors } from '../../errors/errors.ts'
import { decodeManifest, encodeManifest, type MetaStore } from '../meta-store.ts'
import { etcdCall, type EtcdConnection } from './etcd-connection.ts'
import type { ShardOwnership } from './shard-ownership.ts'

/**
 * The largest encoded manifest kept in one etcd value (1 MiB): etcd refuses requests over
 * `--max-request-bytes` (1.5 MiB by default). Larger catalogs need the manifest split per collection
 * (docs/cluster.md, "not yet").
 */
export const ETCD_MANIFEST_BYTES_MAX = 1024 * 1024

/**
 * `MetaStore` on one etcd key (`<rootPath>/quiver/meta/manifest`), in the same CRC-checked envelope as
 * `manifest.json` (so a damaged value is an error on load, never a silent reset). etcd's put is atomic
 * and durable (Raft-committed, fsynced on a quorum) when it returns.
 *
 * With an `owner`, `save` is a transaction that writes only while the owner's key still holds this
 * node's claim: a writer that lost its lease cannot overwrite what the new owner wrote, even if its
 * own process has not noticed yet.
 */
export class EtcdMetaStore implements MetaStore {
  readonly #etcd: EtcdConnection
  readonly #key: string
  readonly #owner: ShardOwnership | undefined

  constructor(etcd: EtcdConnection, options: { readonly name?: string; readonly owner?: ShardOwnership } = {}) {
    this.#etcd = etcd
    this.#key = etcd.key(options.name ?? 'meta/manifest')
    this.#owner = options.owner
  }

  get key(): string {
    return this.#key
  }

  async load(): Promise<unknown> {
    const bytes = await etcdCall('get', this.#key, () => this.#etcd.client.get(this.#key).buffer())
    if (bytes === null) return undefined
    return decodeManifest(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), `etcd:${this.#key}`)
  }

  async save(meta: unknown): Promise<void> {
    const value = Buffer.concat(encodeManifest(meta))
    if (value.byteLength > ETCD_MANIFEST_BYTES_MAX) {
      throw errors.io(`etcd put '${this.#key}' failed (EFBIG): the manifest is ${value.byteLength} bytes, etcd holds at most ${ETCD_MANIFEST_BYTES_MAX} in one value`, undefined)
    }
    const owner = this.#owner
    if (owner === undefined) {
      await etcdCall('put', this.#key, () => this.#etcd.client.put(this.#key).value(value).exec())
      return
    }
    owner.assertHeld()
    const res = await etcdCall('txn put', this.#key, () =>
      this.#etcd.client.if(owner.key, 'Value', '==', owner.claim).then(this.#etcd.client.put(this.#key).value(value)).commit(),
    )
    if (res.succeeded !== true) {
      owner.markLost('its ownership key no longer holds its claim')
      owner.assertHeld()
    }
  }
}
