import { timezoneOf } from '../catalog/properties.ts'
import type { Column, ColumnBatch } from '../column/column.ts'
import { normalizeData, type WriteMode } from '../column/normalize-data.ts'
import { parseInt64 } from '../column/int64-value.ts'
import { rejectDuplicateKeys, type WriteOutcome } from '../collection/apply-write.ts'
import { PropertyKey, propertyBool } from '../catalog/properties.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { errors } from '../errors/errors.ts'
import { compileFilterAsync } from '../expr/compile-filter-async.ts'
import { compileFilterCached, isCacheable, pinFilter } from '../expr/filter-cache.ts'
import type { ArrayFieldOp } from '../collection/partial-merge.ts'
import type { CollectionSchema } from '../schema/collection-schema.ts'
import { DataType, dataTypeName } from '../schema/data-type.ts'
import type { Database } from './database.ts'
import { encodeFunctionInputs, functionOutputsOnPool, withFunctionOutputs, withInlineFunctionOutputs } from './bm25-write.ts'
import type { FunctionOutputs } from './wal-record.ts'
import { FunctionType } from '../schema/function-schema.ts'
import { checkMemory } from './memory-guard.ts'
import { estimateRowBytes } from './row-bytes.ts'
import { writeOrderOf } from './write-order.ts'

export interface WriteOptions {
  /** Target partition (default `_default`; not allowed in partition-key mode). */
  readonly partition?: string
  /** Give up, changing nothing, if the write cannot be submitted within this many ms. */
  readonly timeoutMs?: number
  /** Upsert only: merge the given fields into the stored rows. */
  readonly partial?: boolean
  /**
   * Upsert only: per field, `ARRAY_APPEND` / `ARRAY_REMOVE` (Array fields) or `REPLACE` (the default),
   * Milvus's `field_ops`. Any op but REPLACE makes the upsert partial, as Milvus does.
   */
  readonly fieldOps?: Readonly<Record<string, string>>
  /**
   * Called with the validated batch (autoID keys allocated) just before it is submitted; the write
   * waits for it. Bulk import records the keys it is about to write here, so a job cut short can be
   * rolled back.
   */
  readonly beforeSubmit?: (batch: ColumnBatch) => Promise<void>
}

export interface DeleteTarget {
  readonly ids?: readonly unknown[]
  readonly filter?: string
  readonly params?: Record<string, unknown>
}

export interface DeleteOutcome {
  readonly deleteCount: number
  readonly ts: bigint
}

function deadlineOf(timeoutMs: number | undefined): number | undefined {
  if (timeoutMs === undefined || timeoutMs === 0) return undefined
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw errors.invalid(`timeout must be a positive number of milliseconds, got ${timeoutMs}`)
  return Date.now() + timeoutMs
}

/** insert / upsert: schema-checked columns, one command, one timestamp, all rows or none. */
export async function writeData(db: Database, collection: string, data: unknown, kind: 'insert' | 'upsert', opts: WriteOptions = {}): Promise<WriteOutcome> {
  db.assertOpen()
  const deadline = deadlineOf(opts.timeoutMs)
  const d = db.state.collection(collection)
  const turn = writeOrderOf(db).enter(d.meta.id)
  try {
    return await writeInTurn(db, d, data, kind, opts, deadline, turn.ready, turn.done)
  } finally {
    turn.done()
  }
}

async function writeInTurn(
  db: Database,
  d: CollectionData,
  data: unknown,
  kind: 'insert' | 'upsert',
  opts: WriteOptions,
  deadline: number | undefined,
  turn: Promise<void>,
  submitted: () => void,
): Promise<WriteOutcome> {
  assertWritable(db, d)
  db.state.targetPartitions(d, opts.partition)
  const fieldOps = kind === 'upsert' ? arrayFieldOps(d.schema, opts.fieldOps) : undefined
  const partial = opts.partial === true || fieldOps !== undefined
  const mode: WriteMode = kind === 'insert' ? 'insert' : partial ? 'partialUpsert' : 'upsert'
  const normalized = normalizeData(data, {
    schema: d.schema,
    mode,
    allocateIds: (n: number) => db.allocateIds(n),
    timezone: timezoneOf(d.meta.properties),
  })
  // BM25 function outputs are not logged (FunctionOutputs): a column for the worker pool is analyzed
  // now, a smaller one on this thread while its record is written and synced (below).
  const outputs: FunctionOutputs | undefined = hasBm25Function(d.schema) ? {} : undefined
  if (outputs !== undefined && functionOutputsOnPool(d.schema, normalized)) outputs.batch = await withFunctionOutputs(d.schema, normalized)
  else if (outputs !== undefined) encodeFunctionInputs(d.schema, normalized)
  const batch = normalized
  db.assertOpen()
  if (batch.rowCount === 0) throw errors.invalid('invalid num_rows: the request carries no rows')
  rejectDuplicateKeys(d.pkColumn(batch))
  checkMemory(db.state, batch.rowCount * estimateRowBytes(d.schema), db.options.memoryBytesMax)
  if (opts.beforeSubmit !== undefined) {
    await opts.beforeSubmit(batch)
    db.assertOpen()
  }
  await turn
  db.assertOpen()
  const written = db.write(
    {
      type: kind,
      collectionId: d.meta.id,
      batch,
      ...(opts.partition === undefined ? {} : { partition: opts.partition }),
      ...(kind === 'upsert' && partial ? { partial: true } : {}),
      ...(fieldOps === undefined ? {} : { fieldOps }),
      ...(outputs === undefined ? {} : { outputs }),
    },
    deadline,
  )
  submitted()
  if (outputs !== undefined && outputs.batch === undefined) {
    // Once the WAL has issued the record's write: the analysis runs while the disk syncs it. (The
    // apply, if the sync won, computed them itself: not twice.)
    await new Promise<void>((resolve) => setImmediate(resolve))
    try {
      outputs.batch ??= withInlineFunctionOutputs(d.schema, batch)
    } catch {
      // Not this request's failure: the record is logged; its apply computes them (and answers for it).
    }
  }
  return written
}

/** delete by ids or by filter; counts the rows actually deleted. */
export async function deleteData(db: Database, collection: string, target: DeleteTarget, opts: WriteOptions = {}): Promise<DeleteOutcome> {
  db.assertOpen()
  const deadline = deadlineOf(opts.timeoutMs)
  const turn = writeOrderOf(db).enter(db.state.collection(collection).meta.id)
  try {
    return await deleteInTurn(db, collection, target, opts, deadline, turn.ready, turn.done)
  } finally {
    turn.done()
  }
}

async function deleteInTurn(
  db: Database,
  collection: string,
  target: DeleteTarget,
  opts: WriteOptions,
  deadline: number | undefined,
  turn: Promise<void>,
  submitted: () => void,
): Promise<DeleteOutcome> {
  const filter = target.ids === undefined && typeof target.filter === 'string' && target.filter.trim() !== '' ? target.filter : undefined
  const owned = filter === undefined ? undefined : privateParams(target.params)
  const params = owned ?? target.params
  if (filter !== undefined) await precompileDelete(db, collection, filter, params, owned !== undefined, opts)
  db.assertOpen()
  const d = db.state.collection(collection)
  assertWritable(db, d)
  if (opts.partition !== undefined) db.state.catalog.partition(d.meta, opts.partition)
  const base = { type: 'delete' as const, collectionId: d.meta.id, ...(opts.partition === undefined ? {} : { partition: opts.partition }) }
  let r
  if (target.ids !== undefined) {
    const batch = keyBatch(d.pkField.name, d.pkField.dataType, target.ids)
    if (batch.rowCount === 0) return { deleteCount: 0, ts: db.latestTs() }
    await turn
    db.assertOpen()
    const pending = db.submit({ ...base, batch }, deadline)
    submitted()
    r = await pending
  } else if (filter !== undefined) {
    await turn
    db.assertOpen()
    // The plan compiled above (unless the schema changed meanwhile): the apply takes the same one.
    compileFilterCached(filter, d.schema, params)
    const pending = db.submit({ ...base, filter, ...(params === undefined ? {} : { params }) }, deadline)
    submitted()
    r = await pending
  } else {
    throw errors.invalid('delete needs ids or a non-empty filter expression')
  }
  if (r.kind !== 'delete') throw new Error(`expected a delete result, got ${r.kind}`)
  return { deleteCount: r.deleteCount, ts: r.ts }
}

/**
 * Compiles a delete's filter before it is written, with the checks that come before it (their errors
 * first, as always): a big filter compiles off the event loop (`compileFilterAsync`), and its plan is
 * kept where the live apply (`applyDelete`, synchronous, as WAL replay needs) finds it through
 * `compileFilterCached`: the filter cache, or for template filters pinned to the command's own
 * params object. Replay, without them, compiles the same plan from the same text and values.
 */
async function precompileDelete(
  db: Database,
  collection: string,
  filter: string,
  params: Record<string, unknown> | undefined,
  paramsOwned: boolean,
  opts: WriteOptions,
): Promise<void> {
  const d = db.state.collection(collection)
  assertWritable(db, d)
  if (opts.partition !== undefined) db.state.catalog.partition(d.meta, opts.partition)
  const plan = await compileFilterAsync(filter, d.schema, params)
  if (paramsOwned && params !== undefined && !isCacheable(params)) pinFilter(filter, d.schema, params, plan)
}

/**
 * A copy of a delete's template values that only the command holds (the caller may reuse its
 * object); undefined without params, or with values no thread could take (never valid ones: they
 * are compiled, and refused, as before).
 */
function privateParams(params: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (params === undefined) return undefined
  try {
    return structuredClone(params)
  } catch {
    return undefined
  }
}

/** `database.force.deny.writing`: inserts, upserts and deletes into the database fail (code 9). */
function assertWritable(db: Database, d: CollectionData): void {
  const props = db.state.catalog.databases.get(d.meta.database)?.properties
  if (props !== undefined && propertyBool(props, PropertyKey.databaseForceDenyWriting) === true) throw errors.forceDeny()
}

/** A batch holding only primary keys, parsed and checked against the key type. */
export function keyBatch(pkName: string, pkType: number, ids: readonly unknown[]): ColumnBatch {
  let col: Column
  if (pkType === DataType.Int64) {
    const values = new BigInt64Array(ids.length)
    ids.forEach((v, i) => {
      const k = parseInt64(v)
      if (k === undefined) throw errors.invalid(`primary key at position ${i} is ${String(v)}, expected an Int64`, { field: pkName })
      values[i] = k
    })
    col = { kind: 'int64', values, validBits: null }
  } else {
    const values = ids.map((v, i) => {
      if (typeof v !== 'string') throw errors.invalid(`primary key at position ${i} is ${String(v)}, expected a string`, { field: pkName })
      return v
    })
    col = { kind: 'varchar', values, validBits: null }
  }
  return { rowCount: ids.length, columns: new Map([[pkName, col]]) }
}

/** `field_ops` checked against the schema: Array fields only, known ops; REPLACE entries dropped; undefined when none is left. */
function arrayFieldOps(schema: CollectionSchema, ops: Readonly<Record<string, string>> | undefined): Record<string, ArrayFieldOp> | undefined {
  if (ops === undefined) return undefined
  const out: Record<string, ArrayFieldOp> = {}
  for (const [name, op] of Object.entries(ops)) {
    if (op !== 'REPLACE' && op !== 'ARRAY_APPEND' && op !== 'ARRAY_REMOVE') {
      throw errors.invalid(`field_ops of field ${name}: unknown op ${op}, expected REPLACE, ARRAY_APPEND or ARRAY_REMOVE`, { field: name })
    }
    const f = schema.fields.find((x) => x.name === name)
    if (f === undefined) throw errors.invalid(`field_ops names field ${name}, which is not in the collection's schema`, { field: name })
    if (op === 'REPLACE') continue
    if (f.dataType !== DataType.Array) throw errors.invalid(`field_ops ${op} applies to Array fields only; field ${name} is ${dataTypeName(f.dataType)}`, { field: name })
    out[name] = op
  }
  return Object.keys(out).length === 0 ? undefined : out
}

function hasBm25Function(schema: CollectionSchema): boolean {
  return schema.functions?.some((fn) => fn.type === FunctionType.BM25) === true
}
