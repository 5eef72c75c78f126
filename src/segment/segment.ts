import { assert } from '../common/assert.ts'
import { Bitset } from '../common/bitset.ts'
import { countCreated, countReleased } from '../common/live-objects.ts'
import type { Timestamp } from '../common/hybrid-ts.ts'
import type { Column, ColumnBatch } from '../column/column.ts'
import { columnKindOf } from '../column/column-kind.ts'
import { filledColumn } from '../column/filled-column.ts'
import type { ScalarIndex } from '../expr/scalar-index/scalar-index.ts'
import type { PathKey } from '../expr/expr-node.ts'
import { type CollectionSchema, type FieldSchema, META_FIELD } from '../schema/collection-schema.ts'
import { ColumnStore, type VectorAllocator } from './column-store.ts'
import { DeleteLog } from './delete-log.ts'
import { InsertRuns } from './insert-runs.ts'
import type { SegmentIndex, SegmentInterimIndex } from './segment-index.ts'

export type SegmentId = number & { readonly __brand: 'SegmentId' }
export type SegmentState = 'growing' | 'sealed'

/** A scalar index built for one sealed segment's field. */
export interface SegmentScalarIndex {
  readonly indexId: number
  readonly index: ScalarIndex
  /** The file holding it, once a checkpoint wrote it. */
  file?: string
  /** A JSON path index: the JSON column (`$meta` for dynamic keys) and the path it covers. */
  readonly jsonPath?: { readonly column: string; readonly path: readonly PathKey[] }
}

export interface PersistedSegment {
  readonly rowCount: number
  readonly state: SegmentState
  readonly deleteCount: number
  readonly dataFile?: string
  readonly deleteFile?: string
}

/**
 * A segment: rows of one partition, as columns. Growing segments take appends; sealed ones are
 * immutable apart from their delete log. Rows are appended in timestamp order, so the rows visible
 * at time Q are a prefix (`insertRuns`), and deletes are (row, ts) pairs in timestamp order.
 */
export class Segment {
  readonly id: SegmentId
  readonly partitionId: number
  state: SegmentState
  readonly fields: ReadonlyMap<string, ColumnStore>
  insertRuns = new InsertRuns()
  readonly deletes: DeleteLog
  /** The visibility at the latest state and the row and delete counts it was computed from (see `visibleBits`). */
  private latestVisible: { rows: number; deleteCount: number; bits: Bitset; count: number } | undefined
  /** Vector indexes by field name (sealed segments only; derived state, rebuilt when missing). */
  readonly vectorIndexes = new Map<string, SegmentIndex>()
  /** Interim vector indexes by field name (growing segments and sealed ones awaiting their index; derived, never persisted). */
  readonly interimIndexes = new Map<string, SegmentInterimIndex>()
  /** Scalar indexes by slot: field name, `json:<index id>` for JSON path indexes (`indexSlotOf`; sealed segments only; derived state, rebuilt when missing). */
  readonly scalarIndexes = new Map<string, SegmentScalarIndex>()
  /** What the last checkpoint wrote of this segment, so the next one rewrites only what changed. */
  persisted: PersistedSegment = { rowCount: -1, state: 'growing', deleteCount: 0 }
  /** True once `release()` ran (its memory is gone; counted in `live-objects`). */
  private released = false

  constructor(id: SegmentId, partitionId: number, schema: CollectionSchema, allocator: VectorAllocator) {
    this.id = id
    this.partitionId = partitionId
    this.state = 'growing'
    const fields = new Map<string, ColumnStore>()
    for (const f of schema.fields) {
      fields.set(f.name, new ColumnStore(columnKindOf(f), f.dim ?? 0, f.nullable, allocator))
    }
    if (schema.enableDynamicField) fields.set(META_FIELD, new ColumnStore('json', 0, false, allocator))
    this.fields = fields
    this.deletes = new DeleteLog()
    countCreated('segment')
  }

  get rowCount(): number {
    return this.insertRuns.rowCount
  }

  /** Appends a whole batch stamped `ts` (all columns of the schema must be present). */
  appendBatch(batch: ColumnBatch, ts: Timestamp): number {
    const start = this.rowCount
    for (const [name, store] of this.fields) {
      const col = batch.columns.get(name)
      if (col === undefined) throw new Error(`batch lacks column ${name}`)
      store.append(col)
    }
    this.insertRuns.push(start, batch.rowCount, ts)
    this.deletes.grow(this.rowCount)
    return start
  }

  /** Appends the given rows of per-field columns (used by partial updates and replays). */
  appendColumns(columns: ReadonlyMap<string, Column>, rowCount: number, ts: Timestamp): number {
    return this.appendBatch({ rowCount, columns }, ts)
  }

  /** Sets the insert runs and state of a segment loaded from a file (its columns already appended). */
  restore(runs: InsertRuns, state: SegmentState): void {
    this.insertRuns = runs
    this.state = state
    this.deletes.grow(runs.rowCount)
  }

  /** Marks `row` deleted at `ts`; false when it already was. */
  deleteRow(row: number, ts: Timestamp): boolean {
    return this.deletes.add(row, ts)
  }

  isDeleted(row: number): boolean {
    return this.deletes.deletedBits.get(row)
  }

  insertTsOf(row: number): Timestamp {
    return this.insertRuns.tsOf(row)
  }

  /**
   * Rows visible at `ts`: inserted at or before it and not deleted at or before it. Read-only: reads
   * at the latest state (nearly all of them) share one bitset, rebuilt only after the segment's rows
   * or deletes changed; clone it before changing it.
   */
  visibleBits(ts: Timestamp): Bitset {
    return this.visibleRows(ts).bits
  }

  /** `visibleBits(ts)` and how many bits it has set (counted once per change at the latest state). */
  visibleRows(ts: Timestamp): { readonly bits: Bitset; readonly count: number } {
    const n = this.insertRuns.rowsAt(ts)
    const latest = n === this.rowCount && ts >= this.deletes.lastTs()
    const cached = this.latestVisible
    if (latest && cached !== undefined && cached.rows === n && cached.deleteCount === this.deletes.count) return cached
    const bits = new Bitset(this.rowCount)
    bits.setRange(0, n)
    bits.andNot(this.deletes.deletedBitsAt(ts))
    const visible = { rows: n, deleteCount: this.deletes.count, bits, count: bits.count() }
    if (latest) this.latestVisible = visible
    return visible
  }

  /**
   * True when `visible` (from `visibleRows`) is the shared latest-state answer: it stays the answer
   * until the segment's rows or deletes change, so results derived from it may be cached on it.
   */
  isLatestVisible(visible: object): boolean {
    return visible === this.latestVisible
  }

  /** Live rows right now (latest state). */
  liveCount(): number {
    return this.rowCount - this.deletes.count
  }

  /**
   * Gives the segment the column of a field added to its collection's schema: every row it already
   * holds reads the field's default value, else null (`filledColumn`).
   */
  addColumn(field: FieldSchema, allocator: VectorAllocator): void {
    assert(!this.fields.has(field.name), `segment ${this.id} already has column ${field.name}`)
    const store = new ColumnStore(columnKindOf(field), field.dim ?? 0, field.nullable, allocator)
    if (this.rowCount > 0) store.append(filledColumn(field, this.rowCount))
    if (this.state === 'sealed') store.consolidate()
    ;(this.fields as Map<string, ColumnStore>).set(field.name, store)
  }

  column(name: string): Column | undefined {
    return this.fields.get(name)?.view()
  }

  /**
   * Frees the vector indexes' and columns' memory (native graphs, arena blocks); the segment is gone.
   * Indexes first: a native HNSW graph points into its column's arena block.
   */
  release(): void {
    if (!this.released) countReleased('segment')
    this.released = true
    for (const si of this.vectorIndexes.values()) si.index.release()
    this.vectorIndexes.clear()
    for (const ii of this.interimIndexes.values()) {
      ii.index?.release()
      ii.next?.release()
    }
    this.interimIndexes.clear()
    for (const s of this.fields.values()) s.release()
  }
}
