import { ErrorCode, MilvusError } from '../errors/errors.ts'
import type { FileStore } from '../storage/file-store.ts'
import type { MetaStore } from '../storage/meta-store.ts'
import type { Segment } from '../segment/segment.ts'
import { encodeSegment } from '../segment/segment-file.ts'
import { encodeDeletes } from '../segment/delete-file.ts'
import type { DbState } from './db-state.ts'
import { type Manifest, type ManifestCollection, type ManifestIndexFile, type ManifestSegment, referencedFiles } from './manifest.ts'
import { withFileGate } from './file-gate.ts'

export const SEGMENTS_DIR = 'segments'

/**
 * Segment files already encoded elsewhere (a compaction worker's output), by segment: the next
 * checkpoint writes these bytes instead of encoding the segment again on this thread.
 */
export const preEncodedSegments = new WeakMap<Segment, { readonly rowCount: number; readonly bytes: Uint8Array }>()

interface PendingFile {
  readonly path: string
  /** The bytes, or a drain of chunks that reference live memory (kept unchanged until written). */
  readonly bytes: Uint8Array | (() => Promise<Uint8Array[]>)
}

/**
 * How a checkpoint names its files: `<segment>[-e<epoch>]-<rows>.arrow`, `…-<deletes>.del`,
 * `…-idx<index id>.bin` / `…-sidx<index id>.bin` under `segments/<collection>/`. Within one epoch a
 * name is never reused for other bytes (segment ids are unique, row and delete counts only grow);
 * the epoch (`OpenOptions.fileEpoch`) keeps two owners of one store apart.
 */
export interface FileNaming {
  /** 0: no epoch in the names. */
  readonly fileEpoch: number
  /** false: files the new manifest no longer names stay for the garbage collector. */
  readonly removeUnreferencedFiles: boolean
}

/** What a checkpoint will write: captured synchronously, so it is the state as of one LSN. */
export interface CheckpointPlan {
  readonly manifest: Manifest
  readonly files: readonly PendingFile[]
  /** Marks segments persisted once the manifest is durable. */
  readonly commit: () => void
  /** Remove what the manifest no longer names once it is saved (else the garbage collector does, later). */
  readonly removeUnreferenced: boolean
}

/**
 * Captures the state at `lsn`: every segment whose rows or deletes changed since it was last
 * persisted is encoded now (so later writes, drops or releases cannot touch what is written).
 */
export function planCheckpoint(state: DbState, lsn: number, lastTs: bigint, naming: FileNaming): CheckpointPlan {
  const tag = naming.fileEpoch === 0 ? '' : `-e${naming.fileEpoch}`
  const files: PendingFile[] = []
  const marks: (() => void)[] = []
  const collections: ManifestCollection[] = []
  for (const meta of state.catalog.collections.values()) {
    const data = state.collectionById(meta.id)
    const segments: ManifestSegment[] = []
    const liveIndexIds = new Set(meta.indexes.map((i) => i.id))
    for (const seg of data.segmentsOf()) {
      if (seg.rowCount === 0) continue
      segments.push(planSegment(seg, meta.id, tag, files, marks, liveIndexIds))
    }
    collections.push({
      id: meta.id,
      name: meta.name,
      database: meta.database,
      schema: meta.schema,
      createdTs: meta.createdTs,
      loaded: meta.loaded,
      partitions: meta.partitions.map((p) => ({ id: p.id, name: p.name, createdTs: p.createdTs })),
      indexes: meta.indexes,
      properties: meta.properties,
      ...(meta.consistencyLevel === undefined ? {} : { consistencyLevel: meta.consistencyLevel }),
      segments,
    })
  }
  const manifest: Manifest = {
    formatVersion: 1,
    checkpointLsn: lsn,
    lastTs,
    nextId: state.catalog.nextId,
    nextUnloggedId: state.catalog.nextUnloggedId,
    databases: [...state.catalog.databases.values()].filter((d) => d.id !== 0 || Object.keys(d.properties).length > 0),
    aliases: [...state.catalog.aliases],
    collections,
  }
  return { manifest, files, commit: () => marks.forEach((m) => m()), removeUnreferenced: naming.removeUnreferencedFiles }
}

function planSegment(seg: Segment, collectionId: number, tag: string, files: PendingFile[], marks: (() => void)[], liveIndexIds: ReadonlySet<number>): ManifestSegment {
  const p = seg.persisted
  const rowCount = seg.rowCount
  const deleteCount = seg.deletes.count
  const dir = `${SEGMENTS_DIR}/${collectionId}`
  let dataFile = p.dataFile
  if (dataFile === undefined || p.rowCount !== rowCount) {
    dataFile = `${dir}/${seg.id}${tag}-${rowCount}.arrow`
    const encoded = preEncodedSegments.get(seg)
    const bytes = encoded !== undefined && encoded.rowCount === rowCount && seg.state === 'sealed' ? encoded.bytes : encodeSegment(seg, rowCount, seg.insertRuns.prefix(rowCount), seg.state)
    files.push({ path: dataFile, bytes })
  }
  let deleteFile = p.deleteFile
  if (deleteCount > 0 && (deleteFile === undefined || p.deleteCount !== deleteCount)) {
    deleteFile = `${dir}/${seg.id}${tag}-${deleteCount}.del`
    files.push({ path: deleteFile, bytes: encodeDeletes(seg.deletes, deleteCount) })
  }
  const state = seg.state
  const df = dataFile
  const del = deleteFile
  marks.push(() => {
    seg.persisted = { rowCount, state, deleteCount, dataFile: df, ...(del === undefined ? {} : { deleteFile: del }) }
    preEncodedSegments.delete(seg)
  })
  const indexFiles = planIndexFiles(seg, `${dir}/${seg.id}${tag}`, files, marks, liveIndexIds)
  return {
    id: seg.id,
    partitionId: seg.partitionId,
    state,
    rowCount,
    dataFile,
    deleteCount,
    ...(deleteFile === undefined ? {} : { deleteFile }),
    ...(indexFiles.length === 0 ? {} : { indexFiles }),
  }
}

/**
 * Index files of a segment: built indexes not yet written are encoded now. Scalar indexes whose
 * definition was dropped are left out (vector ones are forgotten when the drop is applied).
 */
function planIndexFiles(seg: Segment, stem: string, files: PendingFile[], marks: (() => void)[], liveIndexIds: ReadonlySet<number>) {
  const out: ManifestIndexFile[] = []
  const plan = (fieldName: string, si: { indexId: number; file?: string | undefined; index: { encode(): Uint8Array[] } }, kind: 'vector' | 'scalar') => {
    let file = si.file
    if (file === undefined) {
      const path = `${stem}-${kind === 'scalar' ? 'sidx' : 'idx'}${si.indexId}.bin`
      files.push({ path, bytes: concat(si.index.encode()) })
      marks.push(() => {
        si.file = path
      })
      file = path
    }
    out.push({ indexId: si.indexId, fieldName, file, ...(kind === 'scalar' ? { kind } : {}) })
  }
  for (const [fieldName, si] of seg.vectorIndexes) plan(fieldName, si, 'vector')
  for (const [fieldName, si] of seg.scalarIndexes) if (liveIndexIds.has(si.indexId)) plan(fieldName, si, 'scalar')
  return out
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!
  let n = 0
  for (const c of chunks) n += c.length
  const out = new Uint8Array(n)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

const cancelledErrors = new WeakSet<object>()

/** The error of a checkpoint cancelled by `signal` (close's deadline): nothing it wrote is referenced. */
function checkpointCancelled(): MilvusError {
  const e = new MilvusError(ErrorCode.NotReady, 'checkpoint cancelled: the database is closing; the WAL holds every acknowledged write and the next open replays it')
  cancelledErrors.add(e)
  return e
}

export function isCheckpointCancelled(e: unknown): boolean {
  return typeof e === 'object' && e !== null && cancelledErrors.has(e)
}

/**
 * Writes the plan: new files (each fsynced), then the manifest atomically. Files no manifest
 * references any more are removed afterwards; a crash before that leaves only garbage, never a hole.
 * Once `signal` is aborted the checkpoint stops before its next file or its manifest (rejecting with
 * a cancelled error): the files it wrote are garbage the next checkpoint removes, the old manifest
 * stays, and the WAL it would have let go is kept. After the manifest it runs to the end.
 */
export function writeCheckpoint(store: FileStore, meta: MetaStore, plan: CheckpointPlan, signal?: AbortSignal): Promise<void> {
  // Under the store's file gate: a garbage collection pass never deletes between these writes and the manifest naming them.
  return withFileGate(store, async () => {
    for (const f of plan.files) {
      if (signal?.aborted === true) throw checkpointCancelled()
      await store.mkdirp(f.path.slice(0, f.path.lastIndexOf('/')))
      await store.writeFile(f.path, typeof f.bytes === 'function' ? await f.bytes() : f.bytes)
    }
    const dirs = new Set(plan.files.map((f) => f.path.slice(0, f.path.lastIndexOf('/'))))
    for (const d of dirs) await store.syncDir(d)
    if (signal?.aborted === true) throw checkpointCancelled()
    await meta.save(plan.manifest)
    plan.commit()
    if (plan.removeUnreferenced) await removeUnreferenced(store, plan.manifest)
  })
}

async function removeUnreferenced(store: FileStore, manifest: Manifest): Promise<void> {
  const live = referencedFiles(manifest)
  const liveDirs = new Set(manifest.collections.map((c) => String(c.id)))
  for (const dir of await store.list(SEGMENTS_DIR)) {
    if (!liveDirs.has(dir)) {
      await store.removeDir(`${SEGMENTS_DIR}/${dir}`)
      continue
    }
    for (const name of await store.list(`${SEGMENTS_DIR}/${dir}`)) {
      const path = `${SEGMENTS_DIR}/${dir}/${name}`
      if (!live.has(path)) await store.remove(path)
    }
  }
}
