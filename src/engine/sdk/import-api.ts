import { errors } from '../../errors/errors.ts'
import { groupFlatFiles } from '../import/import-files.ts'
import { grpcImportState, type ImportJobRecord, progressPercent } from '../import/import-job.ts'
import { importJobsOf } from '../import/import-jobs.ts'
import type { Req } from './client-base.ts'
import { asStatus, okStatus, type ResStatus } from './status.ts'
import { WriteApi } from './write-api.ts'

/** `GetImportStateResponse` as the Node SDK returns it (int64s as decimal strings, the state by name). */
export interface ImportStateResult {
  status: ResStatus
  state: string
  row_count: string
  id_list: string[]
  infos: { key: string; value: string }[]
  id: string
  collection_id: string
  segment_ids: string[]
  create_ts: string
}

function stateResult(j: ImportJobRecord): ImportStateResult {
  return {
    status: okStatus(),
    state: grpcImportState(j.state),
    row_count: String(j.importedRows),
    id_list: [],
    infos: [
      { key: 'collection', value: j.collectionName },
      { key: 'partition', value: j.partitionName },
      { key: 'files', value: j.files.map((g) => g.join(',')).join(';') },
      { key: 'progress_percent', value: String(progressPercent(j)) },
      { key: 'failed_reason', value: j.reason },
    ],
    id: j.jobId,
    collection_id: String(j.collectionId),
    segment_ids: [],
    create_ts: String(Math.floor(j.createTimeMs / 1000)),
  }
}

function emptyState(status: ResStatus): ImportStateResult {
  return { status, state: 'ImportFailed', row_count: '0', id_list: [], infos: [], id: '0', collection_id: '0', segment_ids: [], create_ts: '0' }
}

/** Import `options` as a map: the wire's `[{key, value}]` list or a plain object. */
export function importOptions(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (Array.isArray(raw)) {
    for (const kv of raw as { key?: unknown; value?: unknown }[]) if (typeof kv?.key === 'string') out[kv.key] = String(kv.value ?? '')
  } else if (raw !== null && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw)) out[k] = String(v)
  }
  return out
}

/** Bulk import (Milvus 2.2+ `Import` / `GetImportState` / `ListImportTasks`, the SDK's `bulkInsert` family). */
export class ImportApi extends WriteApi {
  /** Starts an import job over local files; `tasks` holds its id. The files are read in the background. */
  bulkInsert(req: Req): Promise<{ status: ResStatus; tasks: string[] }> {
    return asStatus(async () => {
      const files = req.files
      if (!Array.isArray(files) || files.some((f) => typeof f !== 'string')) throw errors.invalid('files must be a list of file paths')
      if (typeof req.collection_name !== 'string' || req.collection_name === '') throw errors.invalid('collection_name is required')
      const jobId = await importJobsOf(this.db).create({
        database: this.dbOf(req),
        collectionName: req.collection_name,
        ...(typeof req.partition_name === 'string' && req.partition_name !== '' ? { partitionName: req.partition_name } : {}),
        files: groupFlatFiles(files as string[]),
        options: importOptions(req.options),
      })
      return { status: okStatus(), tasks: [jobId] }
    }, (status) => ({ status, tasks: [] }))
  }

  getImportState(req: Req): Promise<ImportStateResult> {
    return asStatus(async () => stateResult(importJobsOf(this.db).get(String(req.task))), emptyState)
  }

  listImportTasks(req: Req): Promise<{ status: ResStatus; tasks: ImportStateResult[] }> {
    return asStatus(async () => {
      const limit = Number(req.limit ?? 0)
      const name = typeof req.collection_name === 'string' ? req.collection_name : ''
      if (name !== '') this.db.state.catalog.get(this.key(req))
      const jobs = importJobsOf(this.db).list({ database: this.dbOf(req), collectionName: name, ...(limit > 0 ? { limit } : {}) })
      return { status: okStatus(), tasks: jobs.map(stateResult) }
    }, (status) => ({ status, tasks: [] }))
  }
}
