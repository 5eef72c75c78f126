import { qualify } from '../../catalog/catalog.ts'
import { importOptions } from '../../engine/sdk/import-api.ts'
import { type ImportJobRecord, progressPercent } from '../../engine/import/import-job.ts'
import { importJobsOf } from '../../engine/import/import-jobs.ts'
import { errors } from '../../errors/errors.ts'
import { optionalString, requireArray, requireString } from './rest-params.ts'
import type { RestRouteTable } from './rest-route.ts'

/** jobs/import/*: create, get_progress, describe, list (Milvus REST v2 bulk import). */
export const jobRoutes: RestRouteTable = {
  'import/create': async (body, ctx) => {
    const files = requireArray(body, 'files').map((g, i) => {
      const group = typeof g === 'string' ? [g] : g
      if (!Array.isArray(group) || group.some((f) => typeof f !== 'string')) throw errors.invalid(`files[${i}] must be a list of file paths`)
      return group as string[]
    })
    const partitionName = optionalString(body, 'partitionName')
    const jobId = await importJobsOf(ctx.client.database).create({
      database: ctx.dbName,
      collectionName: requireString(body, 'collectionName'),
      ...(partitionName === undefined || partitionName === '' ? {} : { partitionName }),
      files,
      options: importOptions(body.options),
    })
    return { data: { jobId } }
  },
  'import/get_progress': async (body, ctx) => ({ data: progressJson(importJobsOf(ctx.client.database).get(jobIdOf(body.jobId))) }),
  'import/describe': async (body, ctx) => ({ data: progressJson(importJobsOf(ctx.client.database).get(jobIdOf(body.jobId))) }),
  'import/list': async (body, ctx) => {
    const collectionName = optionalString(body, 'collectionName') ?? ''
    if (collectionName !== '') ctx.client.database.state.catalog.get(qualify(ctx.dbName, collectionName))
    const jobs = importJobsOf(ctx.client.database).list({ database: ctx.dbName, collectionName })
    return { data: { records: jobs.map((j) => ({ collectionName: j.collectionName, jobId: j.jobId, progress: progressPercent(j), state: j.state })) } }
  },
}

function jobIdOf(v: unknown): string {
  if ((typeof v !== 'string' || v === '') && typeof v !== 'number') throw errors.invalid('jobId is required')
  return String(v)
}

/** A job as Milvus's `get_progress` answers it. */
function progressJson(j: ImportJobRecord) {
  return {
    jobId: j.jobId,
    collectionName: j.collectionName,
    state: j.state,
    progress: progressPercent(j),
    importedRows: j.importedRows,
    totalRows: j.totalRows,
    fileSize: j.details.reduce((n, d) => n + d.fileSize, 0),
    reason: j.reason,
    completeTime: j.completeTimeMs === 0 ? '' : new Date(j.completeTimeMs).toISOString(),
    details: j.details.map((d) => ({
      fileName: d.fileName,
      fileSize: d.fileSize,
      state: d.state,
      progress: d.state === 'Completed' ? 100 : d.totalRows > 0 ? Math.floor((d.importedRows * 100) / d.totalRows) : 0,
      importedRows: d.importedRows,
      totalRows: d.totalRows,
      reason: d.reason,
      completeTime: d.completeTime,
    })),
  }
}
