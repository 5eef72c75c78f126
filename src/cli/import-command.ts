import { resolve } from 'node:path'
import { importJobsOf } from '../engine/import/import-jobs.ts'
import { Quiver } from '../engine/quiver.ts'
import { createProgress } from './progress.ts'

export interface ImportCommandOptions {
  readonly data: string
  readonly partition?: string
  readonly db?: string
  /** CSV separator and null marker (Milvus's `sep` / `nullkey` options). */
  readonly sep?: string
  readonly nullkey?: string
}

/** How often the command looks at the job (ms). */
const pollMs = 200

/**
 * `quiver import <collection> <files…>`: a bulk-import job on a data directory no server holds
 * (the directory lock refuses otherwise, naming the process), run to its end with progress on
 * stderr; relative paths are relative to the working directory. 0 when it completed, 1 when it failed, 2 when the request was refused.
 */
export async function importCommand(collection: string, files: readonly string[], opts: ImportCommandOptions): Promise<number> {
  const q = await Quiver.open({ path: resolve(opts.data), importRootPath: process.cwd(), log: (m) => process.stderr.write(`${m}\n`) })
  try {
    const r = await q.bulkInsert({
      collection_name: collection,
      files: [...files],
      ...(opts.db === undefined ? {} : { db_name: opts.db }),
      ...(opts.partition === undefined ? {} : { partition_name: opts.partition }),
      options: { ...(opts.sep === undefined ? {} : { sep: opts.sep }), ...(opts.nullkey === undefined ? {} : { nullkey: opts.nullkey }) },
    })
    if (r.status.code !== 0) {
      process.stderr.write(`quiver: ${r.status.reason}\n`)
      return 2
    }
    const jobs = importJobsOf(q.database)
    const jobId = r.tasks[0]!
    const progress = createProgress(`import ${collection}`)
    let done = false
    const finished = jobs.whenDone(jobId).then((j) => {
      done = true
      return j
    })
    while (!done) {
      const j = jobs.get(jobId)
      progress.update(j.importedRows, j.totalRows)
      await Promise.race([finished, new Promise((res) => setTimeout(res, pollMs))])
    }
    const job = await finished
    progress.update(job.importedRows, job.totalRows)
    progress.stop()
    if (job.state === 'Completed') {
      process.stdout.write(`imported ${job.importedRows} rows into ${collection} (job ${job.jobId})\n`)
      return 0
    }
    process.stderr.write(`quiver: import failed: ${job.reason}\n`)
    return 1
  } finally {
    await q.close()
  }
}
