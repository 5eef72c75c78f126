import type { ConsistencyLevel } from '../catalog/consistency-level.ts'
import type { IndexMeta } from '../catalog/index-meta.ts'
import type { Properties } from '../catalog/properties.ts'
import type { Timestamp } from '../common/hybrid-ts.ts'
import { parseWithBigint, stringifyWithBigint } from '../common/json-bigint.ts'
import type { ColumnBatch } from '../column/column.ts'
import { decodeBatch, encodeBatch } from '../column/batch-codec.ts'
import type { ArrayFieldOp } from '../collection/partial-merge.ts'
import type { CollectionSchema, FieldSchema } from '../schema/collection-schema.ts'

/**
 * One WAL record: a command whose effect is a deterministic function of the state it is applied to.
 * Replaying the records after the last checkpoint therefore rebuilds exactly the acknowledged state.
 */
export type WalCommand =
  | { readonly type: 'createCollection'; readonly ts: Timestamp; readonly schema: CollectionSchema; readonly database?: string; readonly properties?: Properties; readonly consistencyLevel?: ConsistencyLevel }
  | { readonly type: 'createDatabase' | 'dropDatabase'; readonly ts: Timestamp; readonly name: string; readonly properties?: Properties }
  /** Sets `set` or removes `deleteKeys` (one of the two is empty). */
  | { readonly type: 'alterCollectionProperties'; readonly ts: Timestamp; readonly collectionId: number; readonly set: Properties; readonly deleteKeys: readonly string[] }
  | { readonly type: 'alterDatabaseProperties'; readonly ts: Timestamp; readonly name: string; readonly set: Properties; readonly deleteKeys: readonly string[] }
  /** Alias and collection as catalog keys (`qualify`). */
  | { readonly type: 'createAlias' | 'alterAlias'; readonly ts: Timestamp; readonly alias: string; readonly collection: string }
  | { readonly type: 'dropAlias'; readonly ts: Timestamp; readonly alias: string }
  | { readonly type: 'dropCollection'; readonly ts: Timestamp; readonly collectionId: number }
  | { readonly type: 'renameCollection'; readonly ts: Timestamp; readonly collectionId: number; readonly newName: string; readonly newDatabase?: string }
  | { readonly type: 'createPartition'; readonly ts: Timestamp; readonly collectionId: number; readonly partition: string }
  | { readonly type: 'dropPartition'; readonly ts: Timestamp; readonly collectionId: number; readonly partition: string }
  | {
      readonly type: 'insert' | 'upsert'
      readonly ts: Timestamp
      readonly collectionId: number
      /** Target partition; undefined = `_default` (or routed by partition key). */
      readonly partition?: string
      readonly partial?: boolean
      /** Partial upsert only: array fields appended to / removed from instead of replaced (Milvus's `field_ops`). */
      readonly fieldOps?: Readonly<Record<string, ArrayFieldOp>>
      readonly batch: ColumnBatch
      /** Not logged: the batch with its BM25 function outputs, as the writer computed them (`FunctionOutputs`). */
      readonly outputs?: FunctionOutputs
    }
  | {
      readonly type: 'delete'
      readonly ts: Timestamp
      readonly collectionId: number
      readonly partition?: string
      /** Keys to delete (a batch with the primary-key column only) … */
      readonly batch?: ColumnBatch
      /** … or a filter evaluated at the delete's own timestamp. */
      readonly filter?: string
      readonly params?: Record<string, unknown>
    }
  | { readonly type: 'seal'; readonly ts: Timestamp; readonly collectionId: number }
  | { readonly type: 'createIndex'; readonly ts: Timestamp; readonly collectionId: number; readonly index: Omit<IndexMeta, 'id' | 'createdTs'> }
  | { readonly type: 'dropIndex'; readonly ts: Timestamp; readonly collectionId: number; readonly indexName: string }
  | { readonly type: 'setLoaded'; readonly ts: Timestamp; readonly collectionId: number; readonly loaded: boolean }
  /** A nullable field appended to the schema (already checked); rows already written read its default, else null. */
  | { readonly type: 'addField'; readonly ts: Timestamp; readonly collectionId: number; readonly field: FieldSchema }
  /** Sets `set` or removes `deleteKeys` of a field's properties (`max_length`, `max_capacity`, `mmap.enabled`). */
  | { readonly type: 'alterField'; readonly ts: Timestamp; readonly collectionId: number; readonly fieldName: string; readonly set: Readonly<Record<string, string>>; readonly deleteKeys: readonly string[] }
  /** Every row of every partition removed; schema, partitions, indexes and load state kept. */
  | { readonly type: 'truncateCollection'; readonly ts: Timestamp; readonly collectionId: number }
  /** Sets `set` or removes `deleteKeys` of an index's properties (`mmap.enabled`). */
  | { readonly type: 'alterIndex'; readonly ts: Timestamp; readonly collectionId: number; readonly indexName: string; readonly set: Readonly<Record<string, string>>; readonly deleteKeys: readonly string[] }

/**
 * The BM25 function outputs of an insert or upsert, which its WAL record does not hold (they are a
 * function of the logged input): the writer fills `batch` (its batch with them) before or while the
 * record is written; the apply uses it, or computes them itself when it is not in (and leaves them
 * here), as replay does for every record.
 */
export interface FunctionOutputs {
  batch?: ColumnBatch
}

export const WAL_RECORD_VERSION = 1

/** Payload: u8 version, u32 header length, header JSON (bigint-safe), then the batch if any. */
export function encodeCommand(cmd: WalCommand): Uint8Array[] {
  const { batch, outputs: _unlogged, ...rest } = cmd as WalCommand & { batch?: ColumnBatch; outputs?: FunctionOutputs }
  const header = new TextEncoder().encode(stringifyWithBigint(rest))
  const head = new Uint8Array(5)
  head[0] = WAL_RECORD_VERSION
  new DataView(head.buffer).setUint32(1, header.length, true)
  return batch === undefined ? [head, header] : [head, header, ...encodeBatch(batch)]
}

export function decodeCommand(payload: Uint8Array): WalCommand {
  if (payload[0] !== WAL_RECORD_VERSION) throw new Error(`unknown WAL record version ${payload[0]}`)
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
  const len = dv.getUint32(1, true)
  const header = parseWithBigint(new TextDecoder().decode(payload.subarray(5, 5 + len))) as Record<string, unknown>
  const rest = payload.subarray(5 + len)
  if (rest.length > 0) header.batch = decodeBatch(rest)
  return header as unknown as WalCommand
}

/** A command as submitted: the timestamp is assigned when it is appended. */
export type CommandBody = WalCommand extends infer C ? (C extends WalCommand ? Omit<C, 'ts'> : never) : never
