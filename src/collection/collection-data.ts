import type { Timestamp } from '../common/hybrid-ts.ts'
import { readGate } from '../common/read-gate.ts'
import type { Column, ColumnBatch } from '../column/column.ts'
import { filledColumn } from '../column/filled-column.ts'
import { errors } from '../errors/errors.ts'
import type { CollectionMeta, PartitionMeta } from '../catalog/catalog.ts'
import { type CollectionSchema, type FieldSchema, primaryField } from '../schema/collection-schema.ts'
import type { VectorAllocator } from '../segment/column-store.ts'
import { createPkIndex, encodeLocation, locationRow, locationSegment, type PkColumn, type PkIndex } from '../segment/pk-index.ts'
import { Segment, type SegmentId } from '../segment/segment.ts'
import { routePartitions } from './partition-router.ts'
import { takeBatchRows } from './take-rows.ts'

/** Seal policy: a growing segment seals once it holds this many rows (or the flush seals it). */
export interface SealPolicy {
  readonly segmentRowsMax: number
}

/** The data of one collection: its segments, the growing segment of each partition, the PK index. */
export class CollectionData {
  readonly meta: CollectionMeta
  readonly segments = new Map<SegmentId, Segment>()
  /** partition id → its growing segment. */
  readonly growing = new Map<number, Segment>()
  /**
   * Segments taken out of `segments` (compacted away, dropped, empty at flush) whose memory waits for
   * the reads that started before (`readGate`): those reads still find them by id (`segmentById`).
   */
  private readonly retired = new Map<SegmentId, Segment>()
  readonly pkIndex: PkIndex
  readonly pkField: FieldSchema
  private readonly allocator: VectorAllocator
  private readonly allocateId: () => number
  sealPolicy: SealPolicy

  constructor(meta: CollectionMeta, allocator: VectorAllocator, allocateId: () => number, sealPolicy: SealPolicy) {
    this.meta = meta
    this.pkField = primaryField(meta.schema)
    this.pkIndex = createPkIndex(this.pkField.dataType === 5 ? 'int64' : 'varchar')
    this.allocator = allocator
    this.allocateId = allocateId
    this.sealPolicy = sealPolicy
  }

  get schema(): CollectionSchema {
    return this.meta.schema
  }

  pkColumn(batch: ColumnBatch): PkColumn {
    const col = batch.columns.get(this.pkField.name)
    if (col === undefined) throw errors.invalid(`must assign pk when upsert, primary field: ${this.pkField.name}`)
    return col.values as PkColumn
  }

  /** Location of the live row of keys[i], or -1. */
  locate(keys: PkColumn, i: number): number {
    return this.pkIndex.get(keys, i)
  }

  /** A segment a read saw, also when it was retired since (its memory is kept until that read ends). */
  segmentById(id: number): Segment | undefined {
    return this.segments.get(id as SegmentId) ?? this.retired.get(id as SegmentId)
  }

  /** Segments retired but still held for reads that started before (metrics, leak tests). */
  get retiredCount(): number {
    return this.retired.size
  }

  /** Takes a segment out of the collection; its memory is released once no earlier read can see it. */
  retire(seg: Segment): void {
    this.segments.delete(seg.id)
    if (this.growing.get(seg.partitionId) === seg) this.growing.delete(seg.partitionId)
    this.retired.set(seg.id, seg)
    readGate.defer(() => {
      this.retired.delete(seg.id)
      seg.release()
    })
  }

  segmentOf(loc: number): Segment {
    const s = this.segments.get(locationSegment(loc) as SegmentId)
    if (s === undefined) throw new Error(`pk index points at missing segment ${locationSegment(loc)}`)
    return s
  }

  /** Appends rows (all schema columns present) to the partitions' growing segments and indexes their keys. */
  appendRows(checked: ColumnBatch, partitions: readonly PartitionMeta[], ts: Timestamp): void {
    const batch = withAddedFields(checked, this.schema)
    const groups = routePartitions(batch, partitions, this.schema)
    for (const [partition, rows] of groups) {
      const part = rows === null ? batch : takeBatchRows(batch, rows, this.schema)
      const seg = this.growingSegment(partition.id)
      const start = seg.appendBatch(part, ts)
      const keys = this.pkColumn(part)
      for (let i = 0; i < part.rowCount; i++) this.pkIndex.set(keys, i, encodeLocation(seg.id, start + i))
      if (seg.rowCount >= this.sealPolicy.segmentRowsMax) this.seal(seg)
    }
  }

  /** Deletes the live row of keys[i] at `ts` if it is older than `ts`; true when a row was deleted. */
  deleteKey(keys: PkColumn, i: number, ts: Timestamp, partitionId?: number): boolean {
    const loc = this.pkIndex.get(keys, i)
    if (loc < 0) return false
    const seg = this.segmentOf(loc)
    if (partitionId !== undefined && seg.partitionId !== partitionId) return false
    const row = locationRow(loc)
    if (seg.insertTsOf(row) >= ts) return false
    seg.deleteRow(row, ts)
    this.pkIndex.remove(keys, i)
    return true
  }

  growingSegment(partitionId: number): Segment {
    let seg = this.growing.get(partitionId)
    if (seg === undefined) {
      seg = new Segment(this.allocateId() as SegmentId, partitionId, this.schema, this.allocator)
      this.segments.set(seg.id, seg)
      this.growing.set(partitionId, seg)
    }
    return seg
  }

  seal(seg: Segment): void {
    seg.state = 'sealed'
    for (const store of seg.fields.values()) store.consolidate()
    if (this.growing.get(seg.partitionId) === seg) this.growing.delete(seg.partitionId)
  }

  /** Seals every growing segment (flush). Empty ones are dropped. */
  sealAll(): SegmentId[] {
    const sealed: SegmentId[] = []
    for (const seg of [...this.growing.values()]) {
      if (seg.rowCount === 0) {
        this.retire(seg)
        continue
      }
      this.seal(seg)
      sealed.push(seg.id)
    }
    return sealed
  }

  /** Segments of the given partitions (all when undefined), in id order. */
  segmentsOf(partitionIds?: ReadonlySet<number>): Segment[] {
    const out: Segment[] = []
    for (const s of this.segments.values()) if (partitionIds === undefined || partitionIds.has(s.partitionId)) out.push(s)
    return out.sort((a, b) => a.id - b.id)
  }

  /** Drops a partition's segments and their keys. */
  dropPartitionData(partitionId: number): void {
    for (const seg of this.segmentsOf(new Set([partitionId]))) {
      const keys = seg.column(this.pkField.name)!.values as PkColumn
      for (let r = 0; r < seg.rowCount; r++) {
        if (!seg.isDeleted(r) && this.pkIndex.get(keys, r) === encodeLocation(seg.id, r)) this.pkIndex.remove(keys, r)
      }
      this.retire(seg)
    }
    this.growing.delete(partitionId)
  }

  /** Forgets the built indexes of a field (its index was dropped). */
  dropIndexData(fieldName: string): void {
    for (const s of this.segments.values()) {
      const built = s.vectorIndexes.get(fieldName)
      s.vectorIndexes.delete(fieldName)
      if (built !== undefined) readGate.defer(() => built.index.release())
    }
  }

  /** Adds a segment loaded from a checkpoint and indexes its live keys. */
  adoptSegment(seg: Segment): void {
    this.segments.set(seg.id, seg)
    if (seg.state === 'growing') this.growing.set(seg.partitionId, seg)
    const keys = seg.column(this.pkField.name)!.values as PkColumn
    for (let r = 0; r < seg.rowCount; r++) if (!seg.isDeleted(r)) this.pkIndex.set(keys, r, encodeLocation(seg.id, r))
  }

  /** Releases every segment (the collection was dropped or the database closed), once reads that may see them ended. */
  release(): void {
    for (const s of [...this.segments.values()]) this.retire(s)
    this.growing.clear()
  }

  /** Value of column `name` at a location (for partial-update merges). */
  columnAt(loc: number, name: string): Column | undefined {
    return this.segmentOf(loc).fields.get(name)?.view()
  }
}

/**
 * The batch with a column for every field added to the schema after the batch was checked against
 * it: a write normalized while an AddCollectionField was on its way to the WAL is applied after it.
 * Its rows read the field's default value, else null, as rows written before the field existed
 * (added fields are always nullable). Without this the apply failed — after the write was durable,
 * so WAL replay failed the same way.
 */
function withAddedFields(batch: ColumnBatch, schema: CollectionSchema): ColumnBatch {
  let columns: Map<string, Column> | undefined
  for (const field of schema.fields) {
    if (batch.columns.has(field.name) || !(field.nullable || field.defaultValue !== undefined)) continue
    columns ??= new Map(batch.columns)
    columns.set(field.name, filledColumn(field, batch.rowCount))
  }
  return columns === undefined ? batch : { rowCount: batch.rowCount, columns }
}
