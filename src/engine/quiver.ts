import { Collection } from './collection-handle.ts'
import { Database } from './database.ts'
import type { OpenOptions } from './open-options.ts'
import { MilvusClientApi } from './sdk/milvus-client.ts'

/**
 * An embedded Quiver database. It has the methods of the Node SDK's `MilvusClient` (same
 * requests, same result shapes), plus the object style `collection(name)`.
 */
export class Quiver extends MilvusClientApi {
  /** Opens (or creates) the database in a directory: `Quiver.open('./data')` or `Quiver.open({ path })`. */
  static async open(options: string | OpenOptions): Promise<Quiver> {
    const opts = typeof options === 'string' ? { path: options } : options
    return new Quiver(await Database.open(opts))
  }

  /** The engine underneath (for tools and tests). */
  get database(): Database {
    return this.db
  }

  collection(name: string): Collection {
    this.db.state.catalog.get(name)
    return new Collection(this.db, name)
  }

  /** Waits for in-flight writes, checkpoints, and closes the WAL. */
  close(): Promise<void> {
    return this.db.close()
  }

  closeConnection(): Promise<void> {
    return this.close()
  }
}
