import { parseWithBigint, stringifyWithBigint } from '../../common/json-bigint.ts'
import type { AppendFile, FileStore } from '../../storage/file-store.ts'
import type { ImportJobRecord } from './import-job.ts'

/**
 * Where import jobs are kept, in the data directory:
 * - `imports/jobs.json`: every job (atomically replaced on each change of state);
 * - `imports/<jobId>.keys`: the primary keys a running job has handed to the write path, each
 *   batch's keys made durable before the batch is submitted, so a job cut short (crash, stop) can
 *   delete exactly its rows. Records: kind byte (1: int64 keys, 8 bytes each LE; 2: string keys as
 *   a JSON array), u32 LE payload length, payload; a torn last record is ignored (its batch was never submitted).
 */
export const importsDir = 'imports'
const jobsFile = `${importsDir}/jobs.json`
const formatVersion = 1

export async function loadJobs(store: FileStore): Promise<ImportJobRecord[]> {
  if (!(await store.exists(jobsFile))) return []
  const doc = parseWithBigint(new TextDecoder().decode(await store.readFile(jobsFile))) as { version: number; jobs: ImportJobRecord[] }
  if (doc.version !== formatVersion) throw new Error(`${jobsFile}: unknown format version ${doc.version}`)
  return doc.jobs
}

export async function saveJobs(store: FileStore, jobs: readonly ImportJobRecord[]): Promise<void> {
  await store.mkdirp(importsDir)
  await store.writeFileAtomic(jobsFile, new TextEncoder().encode(stringifyWithBigint({ version: formatVersion, jobs })))
}

export function keysFile(jobId: string): string {
  return `${importsDir}/${jobId}.keys`
}

const kindInt64 = 1
const kindString = 2

/** The keys log of a running job. */
export class ImportKeysLog {
  private readonly file: AppendFile
  private constructor(file: AppendFile) {
    this.file = file
  }

  static async create(store: FileStore, jobId: string): Promise<ImportKeysLog> {
    await store.mkdirp(importsDir)
    if (await store.exists(keysFile(jobId))) await store.remove(keysFile(jobId))
    return new ImportKeysLog(await store.openAppend(keysFile(jobId)))
  }

  get size(): number {
    return this.file.size
  }

  /** Appends the keys of a batch about to be submitted and makes them durable. */
  async record(keys: BigInt64Array | readonly string[]): Promise<void> {
    const payload = keys instanceof BigInt64Array ? new Uint8Array(keys.buffer, keys.byteOffset, keys.byteLength) : new TextEncoder().encode(JSON.stringify(keys))
    const header = new Uint8Array(5)
    header[0] = keys instanceof BigInt64Array ? kindInt64 : kindString
    new DataView(header.buffer).setUint32(1, payload.byteLength, true)
    await this.file.append([header, payload.slice()])
    await this.file.sync()
  }

  /** Forgets everything after `size` (a batch the write path refused: none of its keys were written). */
  async cut(size: number): Promise<void> {
    await this.file.truncate(size)
    await this.file.sync()
  }

  close(): Promise<void> {
    return this.file.close()
  }
}

/** Every key a job's log recorded, in batches (int64 keys as bigint). */
export async function readKeysLog(store: FileStore, jobId: string): Promise<(BigInt64Array | string[])[]> {
  if (!(await store.exists(keysFile(jobId)))) return []
  const bytes = await store.readFile(keysFile(jobId))
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: (BigInt64Array | string[])[] = []
  let at = 0
  while (at + 5 <= bytes.byteLength) {
    const kind = bytes[at]!
    const len = view.getUint32(at + 1, true)
    if (at + 5 + len > bytes.byteLength) break
    const payload = bytes.slice(at + 5, at + 5 + len)
    if (kind === kindInt64 && len % 8 === 0) out.push(new BigInt64Array(payload.buffer, 0, len / 8))
    else if (kind === kindString) out.push(JSON.parse(new TextDecoder().decode(payload)) as string[])
    else break
    at += 5 + len
  }
  return out
}

export async function removeKeysLog(store: FileStore, jobId: string): Promise<void> {
  if (await store.exists(keysFile(jobId))) await store.remove(keysFile(jobId))
}
