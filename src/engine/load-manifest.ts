import { type CollectionMeta, DEFAULT_DATABASE } from '../catalog/catalog.ts'
import { createCollectionSchema } from '../schema/collection-schema.ts'
import { structSpecOf } from '../schema/struct-array-schema.ts'
import { decodeDeletes, restoreDeletes } from '../segment/delete-file.ts'
import { decodeSegment } from '../segment/segment-file.ts'
import type { FileStore } from '../storage/file-store.ts'
import type { DbState } from './db-state.ts'
import { loadSegmentIndexes } from './index-files.ts'
import { msSince, type OpenStats } from './lifecycle-stats.ts'
import type { Manifest } from './manifest.ts'

/** What loading a manifest needs: the state to fill, the files, a log. */
export interface ManifestHost {
  readonly state: DbState
  readonly store: FileStore
  readonly log: (message: string) => void
}

/**
 * Rebuilds the catalog and the sealed segments (with their deletes and vector indexes) a checkpoint's
 * manifest describes, timing each part into `stats`. WAL replay comes after, on top of this state.
 */
export async function loadManifest(m: Manifest, host: ManifestHost, stats: OpenStats): Promise<void> {
  const catalog = host.state.catalog
  catalog.nextId = m.nextId
  if (m.nextUnloggedId !== undefined) catalog.nextUnloggedId = m.nextUnloggedId
  for (const d of m.databases ?? []) catalog.databases.set(d.name, { id: d.id, name: d.name, createdTs: BigInt(d.createdTs), properties: d.properties ?? {} })
  for (const [alias, id] of m.aliases ?? []) catalog.aliases.set(alias, id)
  for (const c of m.collections) {
    const schema = createCollectionSchema({
      name: c.schema.name,
      description: c.schema.description,
      fields: c.schema.fields.filter((f) => f.structOf === undefined),
      enableDynamicField: c.schema.enableDynamicField,
      numPartitions: c.schema.numPartitions,
      ...(c.schema.structArrayFields === undefined ? {} : { structArrayFields: c.schema.structArrayFields.map((s) => structSpecOf(s, c.schema.fields)) }),
      ...(c.schema.functions === undefined ? {} : { functions: c.schema.functions }),
    })
    const meta: CollectionMeta = {
      id: c.id,
      name: c.name,
      database: c.database ?? DEFAULT_DATABASE,
      schema,
      createdTs: BigInt(c.createdTs),
      partitions: c.partitions.map((p) => ({ id: p.id, name: p.name, createdTs: BigInt(p.createdTs) })),
      indexes: (c.indexes ?? []).map((i) => ({ ...i, createdTs: BigInt(i.createdTs) })),
      loaded: c.loaded,
      properties: c.properties ?? {},
      ...(c.consistencyLevel === undefined ? {} : { consistencyLevel: c.consistencyLevel }),
    }
    catalog.collections.set(catalog.keyOf(meta), meta)
    const data = host.state.addCollectionData(meta)
    // One file ahead: the next segment file is read while this one decodes (cold caches, object stores).
    const read = (i: number) => {
      const pending = c.segments[i] === undefined ? undefined : host.store.readFile(c.segments[i]!.dataFile)
      pending?.catch(() => {})
      return pending
    }
    let ahead = read(0)
    for (const [i, s] of c.segments.entries()) {
      const segmentStartMs = performance.now()
      const bytes = await ahead!
      ahead = read(i + 1)
      stats.segmentBytes += bytes.byteLength
      const seg = decodeSegment(bytes, schema, host.state.allocator, s.dataFile)
      seg.state = s.state
      if (s.deleteFile !== undefined) restoreDeletes(seg.deletes, decodeDeletes(await host.store.readFile(s.deleteFile), s.deleteFile))
      seg.persisted = {
        rowCount: s.rowCount,
        state: s.state,
        deleteCount: s.deleteCount,
        dataFile: s.dataFile,
        ...(s.deleteFile === undefined ? {} : { deleteFile: s.deleteFile }),
      }
      data.adoptSegment(seg)
      stats.segmentCount++
      stats.segmentsMs += msSince(segmentStartMs)
      const indexStartMs = performance.now()
      stats.indexBytes += await loadSegmentIndexes(host.store, seg, meta, s.indexFiles ?? [], host.log)
      stats.indexesMs += msSince(indexStartMs)
    }
  }
}

