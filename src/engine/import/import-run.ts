import { qualify } from '../../catalog/catalog.ts'
import type { ColumnBatch } from '../../column/column.ts'
import { errors, MilvusError } from '../../errors/errors.ts'
import { primaryField } from '../../schema/collection-schema.ts'
import type { FileStore } from '../../storage/file-store.ts'
import type { Database } from '../database.ts'
import { estimateRowBytes } from '../row-bytes.ts'
import { deleteData, writeData } from '../write-ops.ts'
import type { ImportFileGroup } from './import-files.ts'
import { type ImportObjectSource, resolveImportGroups, stageObjectGroup } from './object-source.ts'
import type { ImportJobRecord } from './import-job.ts'
import { fail, type ImportJobs } from './import-jobs.ts'
import { openImportReader } from './import-reader.ts'
import { ImportKeysLog, readKeysLog } from './import-store.ts'

export interface ImportRequest {
  readonly database: string
  readonly collectionName: string
  /** Target partition (default: `_default`, or by partition key). */
  readonly partitionName?: string
  /** File groups: each one JSON, Parquet or CSV file, or the `.npy` files of one NumPy batch. */
  readonly files: readonly (readonly string[])[]
  /** Milvus's import options as given (`sep`, `nullkey` for CSV; others are kept and ignored). */
  readonly options?: Readonly<Record<string, string>>
}

/** One write batch of an import holds about this many bytes of row data. */
export const importBatchBytes = 4 * 1024 * 1024
/** …and at most this many rows. */
export const importBatchRowsMax = 16_384
/** Keys deleted per delete command when a job is rolled back. */
const rollbackKeysPerDelete = 16_384
/** Progress is saved at most this often while a job imports. */
const progressSaveMs = 1_000

export function groupsOf(job: ImportJobRecord, rootPath: string, source: ImportObjectSource | undefined): Promise<ImportFileGroup[]> {
  return resolveImportGroups(job.files, rootPath, source)
}

/**
 * Runs a job: each file group read in bounded chunks, each chunk an insert through the normal write
 * path (schema-checked, defaults, autoID, dynamic keys) whose keys are logged before it is submitted.
 * A failure rolls back every row the job wrote; a stop (close) leaves it Importing for the next open.
 */
export async function runJob(jobs: ImportJobs, job: ImportJobRecord, groups: ImportFileGroup[] | unknown): Promise<void> {
  const { db, store } = jobs
  if (!Array.isArray(groups)) {
    fail(job, (groups as Error).message)
    await jobs.save()
    return
  }
  job.state = 'Importing'
  job.attempts++
  await jobs.save()
  const log = await ImportKeysLog.create(store, job.jobId)
  let current = ''
  const cleanups: (() => Promise<void>)[] = []
  const cleanUp = async () => {
    for (const c of cleanups.splice(0)) await c().catch(() => undefined)
  }
  try {
    let savedAt = Date.now()
    for (const [i, group] of (groups as ImportFileGroup[]).entries()) {
      const detail = job.details[i]!
      current = detail.fileName
      const key = collectionKey(db, job)
      const schema = db.state.collection(key).schema
      const batchRows = Math.max(1, Math.min(importBatchRowsMax, Math.floor(importBatchBytes / estimateRowBytes(schema))))
      // A group in the object store is downloaded first (into a temporary directory, removed once read).
      const staged = group.remote === true ? await stageObjectGroup(group, jobs.objectSource!) : undefined
      if (staged !== undefined) {
        cleanups.push(staged.cleanup)
        detail.fileSize = staged.group.sizeBytes
      }
      const reader = await openImportReader(staged?.group ?? group, schema, batchRows, job.options)
      detail.totalRows = reader.totalRows
      detail.state = 'Importing'
      job.totalRows = job.details.reduce((n, d) => n + d.totalRows, 0)
      // The next chunk is read (decoded) while the current one is written and synced.
      const chunks = reader.chunks()
      let next = chunks.next()
      for (;;) {
        const r = await next
        if (r.done === true) break
        const chunk = r.value
        next = chunks.next()
        next.catch(() => undefined)
        if (jobs.isStopping) throw stopped()
        await writeChunk(db, job, key, chunk.data, log, detail.importedRows)
        detail.importedRows += chunk.rowCount
        job.importedRows += chunk.rowCount
        if (Date.now() - savedAt >= progressSaveMs) {
          savedAt = Date.now()
          await jobs.save()
        }
      }
      await chunks.return(undefined)
      await cleanUp()
      detail.state = 'Completed'
      detail.completeTime = new Date().toISOString()
    }
    job.state = 'Completed'
    job.completeTimeMs = Date.now()
    await log.close()
    await jobs.save()
  } catch (e) {
    await cleanUp()
    await log.close().catch(() => undefined)
    if (jobs.isStopping) {
      // Stays Importing: the next open rolls it back and runs it again.
      await jobs.save().catch(() => undefined)
      return
    }
    const deleted = await rollbackJob(db, job, store).catch(() => -1)
    const where = current === '' ? '' : `file ${current}: `
    fail(job, `${where}${(e as Error).message}${deleted >= 0 ? ` (the ${deleted} rows already written were rolled back)` : ''}`)
    job.importedRows = 0
    await jobs.save()
  }
}

function stopped(): MilvusError {
  return errors.closed()
}

function collectionKey(db: Database, job: ImportJobRecord): string {
  const key = qualify(job.database, job.collectionName)
  const d = db.state.collection(key)
  if (d.meta.id !== job.collectionId) throw errors.invalid(`collection ${job.collectionName} was dropped and created again while the import job waited`)
  return key
}

async function writeChunk(db: Database, job: ImportJobRecord, key: string, data: unknown, log: ImportKeysLog, row0: number): Promise<void> {
  const before = log.size
  try {
    await writeData(db, key, data, 'insert', {
      ...(job.partitionName === '' ? {} : { partition: job.partitionName }),
      beforeSubmit: (batch) => log.record(keysOf(db, key, batch)),
    })
  } catch (e) {
    // Refused: none of the batch was written, so its keys must not be rolled back (they may be another writer's).
    if (e instanceof MilvusError && log.size > before) await log.cut(before)
    throw atRows(e, row0)
  }
}

/** Row numbers in the write path's errors are of the chunk; the reason says where in the file the chunk starts. */
function atRows(e: unknown, row0: number): unknown {
  if (!(e instanceof MilvusError) || row0 === 0) return e
  return new MilvusError(e.code, `${e.message} (in the chunk starting at row ${row0} of the file)`, {}, { cause: e })
}

function keysOf(db: Database, key: string, batch: ColumnBatch): BigInt64Array | string[] {
  const pk = primaryField(db.state.collection(key).schema)
  const col = batch.columns.get(pk.name)
  if (col?.kind === 'int64') return col.values
  if (col?.kind === 'varchar') return col.values
  throw new Error(`import batch without its primary key column ${pk.name}`)
}

/** Deletes every row the job's keys log lists; the number of rows deleted (0 if the collection is gone). */
export async function rollbackJob(db: Database, job: ImportJobRecord, store: FileStore): Promise<number> {
  const key = qualify(job.database, job.collectionName)
  if (!hasCollection(db, key, job.collectionId)) return 0
  let deleted = 0
  for (const keys of await readKeysLog(store, job.jobId)) {
    for (let at = 0; at < keys.length; at += rollbackKeysPerDelete) {
      const ids = Array.from(keys.slice(at, at + rollbackKeysPerDelete) as ArrayLike<bigint | string>)
      deleted += (await deleteData(db, key, { ids })).deleteCount
    }
  }
  return deleted
}

function hasCollection(db: Database, key: string, id: number): boolean {
  try {
    return db.state.collection(key).meta.id === id
  } catch {
    return false
  }
}
