import { Collection } from './collection-handle.ts'
import { Database } from './database.ts'
import { LocalFileStore } from '../storage/local-file-store.ts'
import { importJobsOf, openImportJobs } from './import/import-jobs.ts'
import type { ImportObjectSource } from './import/object-source.ts'
import type { OpenOptions } from './open-options.ts'
import { MilvusClientApi } from './sdk/milvus-client.ts'

/** `Quiver.open` options: the engine's, plus where relative bulk-import paths point. */
export interface QuiverOpenOptions extends OpenOptions {
  /** Relative paths of bulk-import files are resolved against this directory (default the working directory). */
  readonly importRootPath?: string
  /**
   * The object store bulk import reads from, as Milvus does (its `minio.*` bucket): relative import
   * paths are object keys there, absolute paths stay local files.
   */
  readonly importObjectSource?: ImportObjectSource
}

/**
 * An embedded Quiver database. It has the methods of the Node SDK's `MilvusClient` (same
 * requests, same result shapes), plus the object style `collection(name)`.
 */
export class Quiver extends MilvusClientApi {
  /** Opens (or creates) the database in a directory: `Quiver.open('./data')` or `Quiver.open({ path })`. */
  static async open(options: string | QuiverOpenOptions): Promise<Quiver> {
    const opts: QuiverOpenOptions = typeof options === 'string' ? { path: options } : options
    const db = await Database.open(opts)
    try {
      // Import jobs a previous process left running are rolled back and queued again.
      await openImportJobs(db, opts.fileStore ?? new LocalFileStore(opts.path), {
        ...(opts.importRootPath === undefined ? {} : { rootPath: opts.importRootPath }),
        ...(opts.log === undefined ? {} : { log: opts.log }),
        ...(opts.importObjectSource === undefined ? {} : { objectSource: opts.importObjectSource }),
      })
    } catch (e) {
      await db.close()
      throw e
    }
    return new Quiver(db)
  }

  /** The engine underneath (for tools and tests). */
  get database(): Database {
    return this.db
  }

  collection(name: string): Collection {
    this.db.state.catalog.get(name)
    return new Collection(this.db, name)
  }

  /** Stops import jobs (a running one resumes after the next open), waits for in-flight writes, checkpoints, and closes the WAL. */
  async close(): Promise<void> {
    await importJobsOf(this.db).stop()
    return this.db.close()
  }

  closeConnection(): Promise<void> {
    return this.close()
  }
}
