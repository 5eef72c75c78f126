import type { Timestamp } from '../common/hybrid-ts.ts'
import { errors } from '../errors/errors.ts'
import type { CollectionSchema } from '../schema/collection-schema.ts'
import { limits } from '../schema/limits.ts'
import type { IndexMeta } from './index-meta.ts'

export const DEFAULT_PARTITION = '_default'

export interface PartitionMeta {
  readonly id: number
  readonly name: string
  readonly createdTs: Timestamp
}

export interface CollectionMeta {
  readonly id: number
  name: string
  readonly schema: CollectionSchema
  readonly createdTs: Timestamp
  readonly partitions: PartitionMeta[]
  /** At most one per field. */
  readonly indexes: IndexMeta[]
  loaded: boolean
}

/**
 * Names and ids of the collections and partitions of one database. Mutations are deterministic
 * (ids come from counters kept here), so replaying the WAL rebuilds the same catalog.
 */
export class Catalog {
  readonly collections = new Map<string, CollectionMeta>()
  nextId = 1

  get(name: string): CollectionMeta {
    const c = this.collections.get(name)
    if (c === undefined) throw errors.collectionNotFound(name)
    return c
  }

  has(name: string): boolean {
    return this.collections.has(name)
  }

  allocateId(): number {
    return this.nextId++
  }

  addCollection(schema: CollectionSchema, ts: Timestamp): CollectionMeta {
    if (this.collections.has(schema.name)) throw errors.collectionExists(schema.name)
    const meta: CollectionMeta = { id: this.allocateId(), name: schema.name, schema, createdTs: ts, partitions: [], indexes: [], loaded: true }
    if (schema.numPartitions > 0) {
      for (let i = 0; i < schema.numPartitions; i++) meta.partitions.push(this.newPartition(`${DEFAULT_PARTITION}_${i}`, ts))
    } else {
      meta.partitions.push(this.newPartition(DEFAULT_PARTITION, ts))
    }
    this.collections.set(schema.name, meta)
    return meta
  }

  dropCollection(name: string): CollectionMeta {
    const meta = this.get(name)
    this.collections.delete(name)
    return meta
  }

  renameCollection(from: string, to: string): void {
    const meta = this.get(from)
    if (this.collections.has(to)) throw errors.invalid(`duplicated new collection name ${to} with other collection name or alias`)
    this.collections.delete(from)
    meta.name = to
    ;(meta as { schema: CollectionSchema }).schema = Object.freeze({ ...meta.schema, name: to })
    this.collections.set(to, meta)
  }

  addPartition(collection: string, name: string, ts: Timestamp): PartitionMeta {
    const meta = this.get(collection)
    if (meta.schema.numPartitions > 0) throw errors.invalid('disable create partition if partition key mode is used')
    if (meta.partitions.some((p) => p.name === name)) throw errors.invalid(`partition already exists[partition=${name}]`)
    if (meta.partitions.length >= limits.partitionCountMax) {
      throw errors.invalid(`partition number (${meta.partitions.length}) exceeds max configuration (${limits.partitionCountMax})`)
    }
    const p = this.newPartition(name, ts)
    meta.partitions.push(p)
    return p
  }

  dropPartition(collection: string, name: string): PartitionMeta {
    const meta = this.get(collection)
    if (name === DEFAULT_PARTITION) throw errors.invalid('default partition cannot be deleted')
    if (meta.schema.numPartitions > 0) throw errors.invalid('disable drop partition if partition key mode is used')
    const i = meta.partitions.findIndex((p) => p.name === name)
    if (i < 0) throw errors.partitionNotFound(name)
    return meta.partitions.splice(i, 1)[0]!
  }

  partition(meta: CollectionMeta, name: string): PartitionMeta {
    const p = meta.partitions.find((x) => x.name === name)
    if (p === undefined) throw errors.partitionNotFound(name)
    return p
  }

  /** Adds an index; an identical one on the field is a no-op, a different one an error. */
  addIndex(collection: string, index: Omit<IndexMeta, 'id'>): IndexMeta | undefined {
    const meta = this.get(collection)
    const same = meta.indexes.find((i) => i.fieldName === index.fieldName)
    if (same !== undefined) {
      if (sameIndex(same, index)) return undefined
      throw errors.invalid('CreateIndex failed: at most one distinct index is allowed per field', { field: index.fieldName })
    }
    if (meta.indexes.some((i) => i.name === index.name)) {
      throw errors.invalid(`CreateIndex failed: index already exists with a different field`, { index: index.name })
    }
    const created = { ...index, id: this.allocateId() }
    meta.indexes.push(created)
    return created
  }

  dropIndex(collection: string, indexName: string): IndexMeta {
    const meta = this.get(collection)
    const i = meta.indexes.findIndex((x) => x.name === indexName)
    if (i < 0) throw errors.indexNotFound(indexName)
    return meta.indexes.splice(i, 1)[0]!
  }

  private newPartition(name: string, ts: Timestamp): PartitionMeta {
    return { id: this.allocateId(), name, createdTs: ts }
  }
}

function sameIndex(a: Omit<IndexMeta, 'id'>, b: Omit<IndexMeta, 'id'>): boolean {
  return a.name === b.name && a.indexType === b.indexType && a.metricType === b.metricType && JSON.stringify(a.params) === JSON.stringify(b.params)
}
