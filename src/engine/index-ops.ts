import { maxSimBase, parseMaxSimMetric } from '../vector/max-sim.ts'
import { isBinaryMetric, parseMetric } from '../vector/metric.ts'
import { type IndexMeta, indexSlotOf } from '../catalog/index-meta.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { ErrorCode, errors, MilvusError } from '../errors/errors.ts'
import { scalarIndexSpecOf } from '../expr/scalar-index/scalar-index-rules.ts'
import { type IndexSpec, validateIndexSpec } from '../index/vector-index.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType, isVectorType } from '../schema/data-type.ts'
import { validateName } from '../schema/name-rules.ts'
import type { Database } from './database.ts'
import { isJsonIndexRequest, resolveJsonIndex } from './json-index-target.ts'

export interface CreateIndexRequest {
  readonly fieldName: string
  readonly indexName?: string
  /** Default AUTOINDEX. */
  readonly indexType?: string
  readonly metricType?: string
  readonly params?: Readonly<Record<string, unknown>>
  /** The params came as separate key/value pairs, not as one `params` JSON (describe echoes that shape). */
  readonly paramsFlat?: boolean
}

/** What `describeIndex` reports for one index: its definition and its build progress. */
export interface IndexDescription {
  readonly meta: IndexMeta
  /** Rows of sealed segments that have the index built. */
  readonly indexedRows: number
  /** Rows of all sealed segments. */
  readonly totalRows: number
  readonly pendingIndexRows: number
  readonly state: 'Finished' | 'InProgress'
}

/** AUTOINDEX means HNSW for float vectors and BIN_FLAT for binary ones (INVERTED for scalar fields: `scalarIndexSpecOf`). */
export function resolveIndexType(indexType: string, field: FieldSchema): string {
  const t = indexType.toUpperCase()
  if (t !== 'AUTOINDEX') return t
  if (field.dataType === DataType.SparseFloatVector) return 'SPARSE_INVERTED_INDEX'
  return field.dataType === DataType.BinaryVector ? 'BIN_FLAT' : 'HNSW'
}

function fieldKindOf(field: FieldSchema): 'float' | 'binary' | 'float16' | 'bfloat16' | 'int8' | 'sparse' {
  switch (field.dataType) {
    case DataType.Int8Vector:
      return 'int8'
    case DataType.BinaryVector:
      return 'binary'
    case DataType.Float16Vector:
      return 'float16'
    case DataType.BFloat16Vector:
      return 'bfloat16'
    case DataType.SparseFloatVector:
      return 'sparse'
    default:
      return 'float'
  }
}

function defaultMetric(field: FieldSchema): string {
  if (field.isFunctionOutput === true) return 'BM25'
  return field.dataType === DataType.BinaryVector ? 'HAMMING' : field.dataType === DataType.SparseFloatVector ? 'IP' : 'COSINE'
}

/** The build spec of an index on a field (validated: 1100 naming the parameter on bad input). */
export function specOf(meta: Pick<IndexMeta, 'indexType' | 'metricType' | 'params'>, field: FieldSchema): IndexSpec {
  return validateIndexSpec({
    indexType: resolveIndexType(meta.indexType, field),
    metric: meta.metricType ?? defaultMetric(field),
    params: meta.params,
    dim: field.dim ?? 0,
    fieldKind: fieldKindOf(field),
    bm25Output: field.isFunctionOutput === true,
  })
}

export async function createIndex(db: Database, collection: string, req: CreateIndexRequest): Promise<void> {
  db.assertOpen()
  const d = db.state.collection(collection)
  const params: Record<string, string> = {}
  const userParams: Record<string, string | number | boolean> = {}
  for (const [k, v] of Object.entries(req.params ?? {})) {
    if (v === undefined || v === null) continue
    params[k] = String(v)
    userParams[k] = typeof v === 'number' || typeof v === 'boolean' ? v : String(v)
  }
  const name = req.indexName === undefined || req.indexName === '' ? defaultIndexName(d, req.fieldName) : validateName(req.indexName, 'index')
  const indexType = (req.indexType ?? 'AUTOINDEX').toUpperCase()
  const shape = req.paramsFlat === true ? { userParamsFlat: true } : {}
  if (isJsonIndexRequest(d.schema, req.fieldName, params)) {
    // JSON field or dynamic key: a JSON path index (several per field, one per path and cast).
    const jsonPath = resolveJsonIndex(d.schema, req.fieldName, indexType, params)
    await db.submit({ type: 'createIndex', collectionId: d.meta.id, index: { name, fieldName: req.fieldName, indexType, metricType: undefined, params, userParams, ...shape, jsonPath } })
    db.indexBuilds.schedule()
    return
  }
  const field = d.schema.fields.find((f) => f.name === req.fieldName)
  // Milvus answers a plain error here (code 65535, legacy UnexpectedError), not an invalid parameter.
  if (field === undefined) throw new MilvusError(ErrorCode.Unexpected, `cannot create index on non-exist field: ${req.fieldName}`, { field: req.fieldName })
  if (field.dataType === DataType.ArrayOfVector) {
    // A struct's vector sub-field: the definition is kept and described; searches over it are exact (`query/struct-search.ts`).
    const metricType = checkStructIndex(indexType, req.metricType, field)
    await db.submit({ type: 'createIndex', collectionId: d.meta.id, index: { name, fieldName: field.name, indexType, metricType, params, userParams, ...shape } })
    return
  }
  const scalar = !isVectorType(field.dataType)
  // Scalar indexes have no metric; their type is checked against the field (1100 naming both).
  const index = { name, fieldName: field.name, indexType, metricType: scalar ? undefined : (req.metricType ?? defaultMetric(field)).toUpperCase(), params, userParams, ...shape }
  if (scalar) scalarIndexSpecOf(indexType, field)
  else specOf(index, field)
  await db.submit({ type: 'createIndex', collectionId: d.meta.id, index })
  db.indexBuilds.schedule()
}

/**
 * The name of an index created without one: the name of the field's index when it has exactly one
 * (so re-creating it without a name is the idempotent no-op Milvus's datacoord makes it), else the
 * field name.
 */
function defaultIndexName(d: CollectionData, fieldName: string): string {
  const onField = d.meta.indexes.filter((i) => i.fieldName === fieldName)
  return onField.length === 1 ? onField[0]!.name : fieldName
}

export async function dropIndex(db: Database, collection: string, target: { indexName?: string; fieldName?: string }): Promise<void> {
  db.assertOpen()
  const d = db.state.collection(collection)
  // Milvus 2.6 answers success for an index that does not exist (DDL is idempotent): nothing to write.
  const matching = d.meta.indexes.filter((i) => matchesTarget(i, target))
  if (matching.length === 0) return
  // By field alone, a field with several indexes (JSON path indexes) is ambiguous, as in Milvus's datacoord.
  if (matching.length > 1) throw new MilvusError(ErrorCode.Unexpected, 'there are multiple indexes, please specify the index_name', target.fieldName ? { field: target.fieldName } : {})
  const meta = matching[0]!
  await db.submit({ type: 'dropIndex', collectionId: d.meta.id, indexName: meta.name })
  db.indexBuilds.forgetDropped()
}

export function findIndex(d: CollectionData, target: { indexName?: string; fieldName?: string }): IndexMeta {
  const meta = d.meta.indexes.find((i) => matchesTarget(i, target))
  if (meta === undefined) throw errors.indexNotFound(target.indexName ?? target.fieldName ?? '')
  return meta
}

/** By index name when one is given, else by field name (none: any index). */
function matchesTarget(i: IndexMeta, target: { indexName?: string; fieldName?: string }): boolean {
  const byName = target.indexName !== undefined && target.indexName !== ''
  return byName ? i.name === target.indexName : target.fieldName === undefined || target.fieldName === '' || i.fieldName === target.fieldName
}

/** One index by name; every index of a field (a JSON field may have several); else all. */
function wantedIndexes(d: CollectionData, target: { indexName?: string; fieldName?: string }): readonly IndexMeta[] {
  if (target.indexName !== undefined && target.indexName !== '') return [findIndex(d, target)]
  if (target.fieldName === undefined || target.fieldName === '') return d.meta.indexes
  const onField = d.meta.indexes.filter((i) => i.fieldName === target.fieldName)
  if (onField.length === 0) throw errors.indexNotFound(target.fieldName)
  return onField
}

/** Definitions and progress of a collection's indexes (by name, by field, or all). */
export function describeIndexes(db: Database, collection: string, target: { indexName?: string; fieldName?: string } = {}): IndexDescription[] {
  db.assertOpen()
  const d = db.state.collection(collection)
  const wanted = wantedIndexes(d, target)
  if (wanted.length === 0) throw errors.indexNotFound('')
  return wanted.map((meta) => {
    // A struct vector sub-field's index is served by exact scans: nothing to build, always finished.
    const exact = d.schema.fields.find((f) => f.name === meta.fieldName)?.dataType === DataType.ArrayOfVector
    let totalRows = 0
    let indexedRows = 0
    for (const s of d.segments.values()) {
      if (s.state !== 'sealed') continue
      totalRows += s.rowCount
      const slot = indexSlotOf(meta)
      const built = s.vectorIndexes.get(slot)?.indexId === meta.id || s.scalarIndexes.get(slot)?.indexId === meta.id
      if (built || exact) indexedRows += s.rowCount
    }
    const pendingIndexRows = totalRows - indexedRows
    return { meta, indexedRows, totalRows, pendingIndexRows, state: pendingIndexRows === 0 ? 'Finished' : 'InProgress' }
  })
}

/** Index types Milvus 2.6 builds on a struct's vector sub-field (embedding lists / elements). */
const structIndexTypes = new Set(['AUTOINDEX', 'HNSW', 'FLAT', 'BIN_FLAT'])

/**
 * The index of a struct's vector sub-field, checked as Milvus 2.6 checks it: AUTOINDEX, HNSW or FLAT
 * (BIN_FLAT for binary), with a MAX_SIM metric (embedding-list search) or a plain one (element-level
 * search) of the element kind. Returns the metric as stored (upper case; default MAX_SIM_COSINE,
 * MAX_SIM_HAMMING for binary).
 */
function checkStructIndex(indexType: string, metric: string | undefined, field: FieldSchema): string {
  if (!structIndexTypes.has(indexType)) {
    throw errors.invalid(`index type ${indexType} is not supported on struct vector field ${field.name}: use AUTOINDEX, HNSW or FLAT`, { field: field.name })
  }
  const binary = field.elementType === DataType.BinaryVector
  const m = (metric === undefined || metric === '' ? (binary ? 'MAX_SIM_HAMMING' : 'MAX_SIM_COSINE') : metric).toUpperCase()
  const maxSim = parseMaxSimMetric(m)
  const base = maxSim === undefined ? parseMetric(m) : maxSimBase(maxSim)
  if (base === undefined || binary !== isBinaryMetric(base)) {
    throw errors.invalid(`metric type ${m} is not supported on struct vector field ${field.name} of ${binary ? 'binary' : 'float'} vectors`, { field: field.name })
  }
  return m
}
