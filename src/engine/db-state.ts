import { assertNever } from '../common/assert.ts'
import type { Timestamp } from '../common/hybrid-ts.ts'
import { type CollectionMeta, Catalog, DEFAULT_PARTITION, type PartitionMeta } from '../catalog/catalog.ts'
import { alterIndexProperties, replaceSchema } from '../catalog/catalog-alter.ts'
import { applyDeleteKeys, applyInsert, applyUpsert, type WriteOutcome } from '../collection/apply-write.ts'
import { CollectionData, type SealPolicy } from '../collection/collection-data.ts'
import { errors } from '../errors/errors.ts'
import { compileFilterCached } from '../expr/filter-cache.ts'
import { selectRows } from '../query/select-rows.ts'
import { schemaWithAlteredField, schemaWithField } from '../schema/schema-change.ts'
import type { PkColumn } from '../segment/pk-index.ts'
import type { VectorAllocator } from '../segment/column-store.ts'
import type { ColumnBatch } from '../column/column.ts'
import { withInlineFunctionOutputs } from './bm25-write.ts'
import type { WalCommand } from './wal-record.ts'

/** What applying a command produced, for the caller that issued it. */
export type ApplyResult =
  | { readonly kind: 'write'; readonly outcome: WriteOutcome }
  | { readonly kind: 'delete'; readonly deleteCount: number; readonly ts: Timestamp }
  | { readonly kind: 'done' }

/**
 * The in-memory state of a database: the catalog and each collection's data. `apply` is the only
 * way to change it; it is deterministic, so replaying the WAL repeats every decision (including
 * rejections) that was made when the command was first applied.
 */
export class DbState {
  readonly catalog = new Catalog()
  readonly data = new Map<number, CollectionData>()
  readonly allocator: VectorAllocator
  readonly sealPolicyFor: (meta: CollectionMeta) => SealPolicy
  /** Segments sealed since the last checkpoint (a hint to checkpoint soon). */
  sealedSinceCheckpoint = 0
  /** Bumped when an index is created (a hint to schedule builds). */
  indexesChanged = 0

  constructor(allocator: VectorAllocator, sealPolicyFor: (meta: CollectionMeta) => SealPolicy) {
    this.allocator = allocator
    this.sealPolicyFor = sealPolicyFor
  }

  collectionById(id: number): CollectionData {
    const d = this.data.get(id)
    if (d === undefined) throw errors.collectionNotFound(String(id))
    return d
  }

  collection(name: string): CollectionData {
    return this.collectionById(this.catalog.get(name).id)
  }

  addCollectionData(meta: CollectionMeta): CollectionData {
    const d = new CollectionData(meta, this.allocator, () => this.catalog.allocateId(), this.sealPolicyFor(meta))
    this.data.set(meta.id, d)
    return d
  }

  apply(cmd: WalCommand): ApplyResult {
    switch (cmd.type) {
      case 'createCollection': {
        const meta = this.catalog.addCollection(cmd.schema, cmd.ts, cmd.database, cmd.properties)
        if (cmd.consistencyLevel !== undefined) meta.consistencyLevel = cmd.consistencyLevel
        this.addCollectionData(meta)
        return done
      }
      case 'createDatabase':
        this.catalog.addDatabase(cmd.name, cmd.ts, cmd.properties)
        return done
      case 'alterCollectionProperties':
        this.catalog.alterCollectionProperties(this.catalog.keyOf(this.collectionById(cmd.collectionId).meta), cmd.set, cmd.deleteKeys)
        return done
      case 'alterDatabaseProperties':
        this.catalog.alterDatabaseProperties(cmd.name, cmd.set, cmd.deleteKeys)
        return done
      case 'dropDatabase':
        this.catalog.dropDatabase(cmd.name)
        return done
      case 'createAlias':
      case 'alterAlias':
        this.catalog.setAlias(cmd.alias, cmd.collection, cmd.type === 'alterAlias')
        return done
      case 'dropAlias':
        this.catalog.dropAlias(cmd.alias)
        return done
      case 'dropCollection': {
        const d = this.collectionById(cmd.collectionId)
        this.catalog.dropCollection(this.catalog.keyOf(d.meta))
        d.release()
        this.data.delete(cmd.collectionId)
        return done
      }
      case 'renameCollection':
        this.catalog.renameCollection(this.catalog.keyOf(this.collectionById(cmd.collectionId).meta), cmd.newName, cmd.newDatabase)
        return done
      case 'createPartition':
        this.catalog.addPartition(this.catalog.keyOf(this.collectionById(cmd.collectionId).meta), cmd.partition, cmd.ts)
        return done
      case 'dropPartition': {
        const d = this.collectionById(cmd.collectionId)
        const p = this.catalog.dropPartition(this.catalog.keyOf(d.meta), cmd.partition)
        d.dropPartitionData(p.id)
        return done
      }
      case 'insert':
      case 'upsert':
        return { kind: 'write', outcome: this.applyWrite(cmd) }
      case 'delete':
        return { kind: 'delete', deleteCount: this.applyDelete(cmd), ts: cmd.ts }
      case 'seal':
        this.sealedSinceCheckpoint += this.collectionById(cmd.collectionId).sealAll().length
        return done
      case 'createIndex': {
        const d = this.collectionById(cmd.collectionId)
        const created = this.catalog.addIndex(this.catalog.keyOf(d.meta), { ...cmd.index, createdTs: cmd.ts })
        if (created !== undefined) this.indexesChanged++
        return done
      }
      case 'dropIndex': {
        const d = this.collectionById(cmd.collectionId)
        const dropped = this.catalog.dropIndex(this.catalog.keyOf(d.meta), cmd.indexName)
        d.dropIndexData(dropped.fieldName)
        return done
      }
      case 'setLoaded':
        this.collectionById(cmd.collectionId).meta.loaded = cmd.loaded
        return done
      case 'addField': {
        const d = this.collectionById(cmd.collectionId)
        replaceSchema(d.meta, schemaWithField(d.schema, cmd.field))
        for (const seg of d.segments.values()) seg.addColumn(cmd.field, this.allocator)
        return done
      }
      case 'alterField': {
        const d = this.collectionById(cmd.collectionId)
        replaceSchema(d.meta, schemaWithAlteredField(d.schema, cmd.fieldName, cmd.set, cmd.deleteKeys))
        return done
      }
      case 'truncateCollection': {
        const d = this.collectionById(cmd.collectionId)
        for (const p of d.meta.partitions) d.dropPartitionData(p.id)
        return done
      }
      case 'alterIndex':
        alterIndexProperties(this.collectionById(cmd.collectionId).meta, cmd.indexName, cmd.set, cmd.deleteKeys)
        return done
      default:
        return assertNever(cmd, 'WAL command')
    }
  }

  /** Target partitions of a write: the named one, `_default`, or all (partition-key mode). */
  targetPartitions(d: CollectionData, name: string | undefined): PartitionMeta[] {
    if (d.schema.numPartitions > 0) {
      if (name !== undefined) throw errors.invalid('not support manually specifying the partition names if partition key mode is used')
      return d.meta.partitions
    }
    return [this.catalog.partition(d.meta, name ?? DEFAULT_PARTITION)]
  }

  private applyWrite(cmd: Extract<WalCommand, { type: 'insert' | 'upsert' }>): WriteOutcome {
    const d = this.collectionById(cmd.collectionId)
    const partitions = this.targetPartitions(d, cmd.partition)
    const before = countSealed(d)
    const batch = withOutputs(d, cmd)
    const outcome =
      cmd.type === 'insert'
        ? applyInsert(d, batch, partitions, cmd.ts)
        : applyUpsert(d, batch, partitions, cmd.ts, cmd.partial === true, cmd.fieldOps)
    this.sealedSinceCheckpoint += countSealed(d) - before
    return outcome
  }

  private applyDelete(cmd: Extract<WalCommand, { type: 'delete' }>): number {
    const d = this.collectionById(cmd.collectionId)
    const partitionId = cmd.partition === undefined ? undefined : this.catalog.partition(d.meta, cmd.partition).id
    if (cmd.batch !== undefined) return applyDeleteKeys(d, d.pkColumn(cmd.batch), cmd.ts, partitionId)
    // The live path finds the plan its request compiled (write-ops deleteData); replay compiles it again.
    const plan = compileFilterCached(cmd.filter ?? '', d.schema, cmd.params)
    const scope = {
      ts: cmd.ts,
      plan,
      ...(partitionId === undefined ? {} : { partitionIds: new Set([partitionId]) }),
    }
    let n = 0
    for (const { segment, allowedBits } of selectRows(d, scope)) {
      const keys = segment.column(d.pkField.name)!.values as PkColumn
      allowedBits.forEach((row) => {
        if (segment.deleteRow(row, cmd.ts)) {
          d.pkIndex.remove(keys, row)
          n++
        }
      })
    }
    return n
  }
}

const done: ApplyResult = { kind: 'done' }

function countSealed(d: CollectionData): number {
  let n = 0
  for (const s of d.segments.values()) if (s.state === 'sealed') n++
  return n
}

/**
 * The record's batch with its BM25 function outputs: as its writer computed them, else computed here
 * from the logged input (replay, replicas; left in `cmd.outputs` for the writer, which then skips its own).
 */
function withOutputs(d: CollectionData, cmd: Extract<WalCommand, { type: 'insert' | 'upsert' }>): ColumnBatch {
  if (d.schema.functions === undefined) return cmd.batch
  const given = cmd.outputs?.batch
  if (given !== undefined) return given
  const batch = withInlineFunctionOutputs(d.schema, cmd.batch)
  if (cmd.outputs !== undefined) cmd.outputs.batch = batch
  return batch
}
