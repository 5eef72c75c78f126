import { qualify } from '../../catalog/catalog.ts'
import { errors, MilvusError } from '../../errors/errors.ts'
import type { FileStore } from '../../storage/file-store.ts'
import type { Database } from '../database.ts'
import { groupsOf, type ImportRequest, rollbackJob, runJob } from './import-run.ts'
import { type ImportJobRecord, importAttemptsMax } from './import-job.ts'
import { type ImportObjectSource, resolveImportGroups } from './object-source.ts'
import { loadJobs, removeKeysLog, saveJobs } from './import-store.ts'

/** Jobs kept (finished ones beyond this are forgotten, oldest first). */
export const importJobsKeptMax = 1000

export interface ImportJobsOptions {
  /** Relative import paths are resolved against this directory (default the process's working directory). */
  readonly rootPath?: string
  /** Receives operational messages (job rolled back at open…). */
  readonly log?: (message: string) => void
  /** Relative paths are object keys in this store (Milvus's `minio.*` bucket); absolute paths stay local. */
  readonly objectSource?: ImportObjectSource
}

/**
 * Bulk import jobs of one database: created by `create`, run one at a time in the background
 * through the normal write path, kept in `imports/` so they survive a restart. A job cut short (the
 * process stopped or crashed while it imported) is rolled back at the next open — every row it
 * wrote is deleted — and started again from its first file (at most `importAttemptsMax` times).
 */
export class ImportJobs {
  private jobs: ImportJobRecord[] = []
  private queue: Promise<void> = Promise.resolve()
  private stopping = false
  private readonly waiters = new Map<string, (() => void)[]>()
  readonly rootPath: string
  readonly objectSource: ImportObjectSource | undefined

  readonly db: Database
  readonly store: FileStore
  private readonly options: ImportJobsOptions

  constructor(db: Database, store: FileStore, options: ImportJobsOptions = {}) {
    this.db = db
    this.store = store
    this.options = options
    this.rootPath = options.rootPath ?? process.cwd()
    this.objectSource = options.objectSource
  }

  /** Loads the jobs; rolls back and re-queues the ones a previous process left running. */
  async open(): Promise<void> {
    this.jobs = await loadJobs(this.store)
    for (const job of this.jobs) {
      if (job.state === 'Importing') {
        const deleted = await rollbackJob(this.db, job, this.store)
        this.log(`import job ${job.jobId} was cut short by a restart: ${deleted} rows rolled back`)
        if (job.attempts >= importAttemptsMax) fail(job, `cut short by a restart ${job.attempts} times; its rows were rolled back`)
        else resetForRetry(job)
      }
    }
    await this.save()
    for (const job of this.jobs) if (job.state === 'Pending') this.enqueue(job)
  }

  /** Checks the request (collection, partition, files) and queues the job; its id. */
  async create(req: ImportRequest): Promise<string> {
    if (this.stopping) throw errors.invalid('the database is closing: import refused')
    const key = qualify(req.database, req.collectionName)
    const d = this.db.state.collection(key)
    if (req.partitionName !== undefined && req.partitionName !== '') this.db.state.catalog.partition(d.meta, req.partitionName)
    const groups = await resolveImportGroups(req.files, this.rootPath, this.objectSource)
    const job: ImportJobRecord = {
      jobId: String(this.db.allocateIds(1)[0]),
      database: req.database,
      collectionName: req.collectionName,
      collectionId: d.meta.id,
      partitionName: req.partitionName ?? '',
      files: req.files.map((g) => [...g]),
      options: { ...(req.options ?? {}) },
      state: 'Pending',
      reason: '',
      importedRows: 0,
      totalRows: 0,
      createTimeMs: Date.now(),
      completeTimeMs: 0,
      attempts: 0,
      details: groups.map((g, i) => ({ fileName: req.files[i]!.join(','), fileSize: g.sizeBytes, state: 'Pending', importedRows: 0, totalRows: 0, reason: '', completeTime: '' })),
    }
    this.jobs.push(job)
    this.forgetOld()
    await this.save()
    this.enqueue(job)
    return job.jobId
  }

  /** A job by id (a copy); 1100 if unknown. */
  get(jobId: string): ImportJobRecord {
    const job = this.jobs.find((j) => j.jobId === String(jobId))
    if (job === undefined) throw errors.invalid(`import job ${jobId} not found`)
    return structuredClone(job)
  }

  /** Jobs, newest last; of one collection when given, at most `limit` (the newest) when > 0. */
  list(filter: { database?: string; collectionName?: string; limit?: number } = {}): ImportJobRecord[] {
    let out = this.jobs.filter((j) => (filter.database === undefined || j.database === filter.database) && (filter.collectionName === undefined || filter.collectionName === '' || j.collectionName === filter.collectionName))
    if (filter.limit !== undefined && filter.limit > 0) out = out.slice(-filter.limit)
    return out.map((j) => structuredClone(j))
  }

  /** Resolves when the job is Completed or Failed. */
  async whenDone(jobId: string): Promise<ImportJobRecord> {
    const job = this.get(jobId)
    if (job.state === 'Completed' || job.state === 'Failed') return job
    await new Promise<void>((resolve) => this.waiters.set(job.jobId, [...(this.waiters.get(job.jobId) ?? []), resolve]))
    return this.get(jobId)
  }

  /** Stops taking jobs; the running one stops after its current batch and stays Importing (rolled back and re-run at the next open). */
  async stop(): Promise<void> {
    this.stopping = true
    await this.queue
  }

  get isStopping(): boolean {
    return this.stopping
  }

  /** Persists the jobs (a change of state; progress is saved with it). */
  save(): Promise<void> {
    return saveJobs(this.store, this.jobs)
  }

  private enqueue(job: ImportJobRecord): void {
    this.queue = this.queue.then(() => this.runOne(job))
  }

  private async runOne(job: ImportJobRecord): Promise<void> {
    if (this.stopping) return
    try {
      await runJob(this, job, await groupsOf(job, this.rootPath, this.objectSource).catch((e: unknown) => e))
    } catch (e) {
      if (!this.stopping || e instanceof MilvusError) this.log(`import job ${job.jobId}: ${(e as Error).message}`)
    } finally {
      if (job.state === 'Completed' || job.state === 'Failed') {
        await removeKeysLog(this.store, job.jobId).catch(() => undefined)
        for (const w of this.waiters.get(job.jobId) ?? []) w()
        this.waiters.delete(job.jobId)
      }
    }
  }

  private forgetOld(): void {
    while (this.jobs.length > importJobsKeptMax) {
      const i = this.jobs.findIndex((j) => j.state === 'Completed' || j.state === 'Failed')
      if (i < 0) break
      this.jobs.splice(i, 1)
    }
  }

  log(message: string): void {
    ;(this.options.log ?? console.warn)(message)
  }
}

export function fail(job: ImportJobRecord, reason: string): void {
  job.state = 'Failed'
  job.reason = reason
  job.completeTimeMs = Date.now()
  for (const d of job.details) if (d.state !== 'Completed') d.state = 'Failed'
}

function resetForRetry(job: ImportJobRecord): void {
  job.state = 'Pending'
  job.importedRows = 0
  for (const d of job.details) {
    d.state = 'Pending'
    d.importedRows = 0
  }
}

const registry = new WeakMap<Database, ImportJobs>()

/** The import jobs of a database (set up by `Quiver.open`). */
export function importJobsOf(db: Database): ImportJobs {
  const jobs = registry.get(db)
  if (jobs === undefined) throw errors.invalid('bulk import needs a database opened with Quiver.open')
  return jobs
}

/** Sets up and recovers the import jobs of a freshly opened database. */
export async function openImportJobs(db: Database, store: FileStore, options: ImportJobsOptions = {}): Promise<ImportJobs> {
  const jobs = new ImportJobs(db, store, options)
  await jobs.open()
  registry.set(db, jobs)
  return jobs
}
