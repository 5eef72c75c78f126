/**
 * An import job as it is kept (`imports/jobs.json`) and reported. States are Milvus 2.4+'s job
 * states (REST `state`); `grpcImportState` gives the `common.ImportState` numbers the v1 RPCs use.
 */
export type ImportJobState = 'Pending' | 'Importing' | 'Completed' | 'Failed'

/** Milvus's `common.ImportState` values for `GetImportState` / `ListImportTasks`. */
export const ImportStateNumber = {
  ImportPending: 0,
  ImportFailed: 1,
  ImportStarted: 2,
  ImportCompleted: 6,
} as const

export function grpcImportState(s: ImportJobState): keyof typeof ImportStateNumber {
  switch (s) {
    case 'Pending':
      return 'ImportPending'
    case 'Importing':
      return 'ImportStarted'
    case 'Completed':
      return 'ImportCompleted'
    case 'Failed':
      return 'ImportFailed'
  }
}

/** One file group of a job and how far it got. */
export interface ImportFileProgress {
  /** The paths as the request gave them, comma-joined (Milvus's `fileName`). */
  fileName: string
  fileSize: number
  state: ImportJobState
  importedRows: number
  totalRows: number
  reason: string
  completeTime: string
}

export interface ImportJobRecord {
  /** Decimal int64, unique across restarts. */
  readonly jobId: string
  readonly database: string
  readonly collectionName: string
  readonly collectionId: number
  /** Empty: the default partition, or by partition key. */
  readonly partitionName: string
  /** File groups as given (relative paths as given). */
  readonly files: readonly (readonly string[])[]
  readonly options: Readonly<Record<string, string>>
  state: ImportJobState
  reason: string
  importedRows: number
  totalRows: number
  /** ms since the epoch. */
  readonly createTimeMs: number
  completeTimeMs: number
  /** Times the job started; a job cut by a restart is rolled back and started again, up to `importAttemptsMax`. */
  attempts: number
  details: ImportFileProgress[]
}

/** A job cut short by a restart this many times is marked Failed instead of started again. */
export const importAttemptsMax = 3

/** Whole percent of rows imported (100 once Completed). */
export function progressPercent(j: ImportJobRecord): number {
  if (j.state === 'Completed') return 100
  if (j.totalRows <= 0) return 0
  return Math.min(99, Math.floor((j.importedRows * 100) / j.totalRows))
}
