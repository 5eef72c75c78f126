import { seededRandom } from '../../src/vector/seeded-random.ts'
import { EmbeddedMessage, type WireTree } from './wire-tree.ts'

/**
 * The data the fuzz cases act on: a reference collection no accepted request may change, the
 * collections, partitions, aliases, database, user and role the fuzz requests are free to change,
 * and the valid requests that build them (gRPC trees, sent before the fuzzing and at every reset).
 */

/** root's password on a fresh data directory with authorisation on (docs/security.md). */
export const ROOT_PASSWORD = 'Milvus'
export const ROOT_TOKEN = `root:${ROOT_PASSWORD}`

export const REFERENCE = 'fuzz_reference'
/**
 * The reference lives in a database of its own, which no fuzz name points at: database properties
 * the fuzz sets on `default` (`database.force.deny.reading`) cannot hide it.
 */
export const REFERENCE_DB = 'fuzzref'
export const REFERENCE_ROWS = 64
export const DIM = 4
export const BINARY_DIM = 16
export const SPARSE_DIM = 100

/** Collections in `default` the fuzz may do anything to. */
export const FZ_ALL = 'fz_all'
export const FZ_STR = 'fz_str'
/** A database of its own with one collection. */
export const FZ_DB = 'fzdb'
export const FZ_DB_COLLECTION = 'fz_db'
export const FZ_PARTITION = 'fz_part'
export const FZ_ALIAS = 'fz_alias'
export const FZ_USER = 'fzuser'
export const FZ_PASSWORD = 'fzpass123'
export const FZ_ROLE = 'fzrole'

/**
 * What a fuzzed string field may become besides hostile text. The reference collection is not
 * among them: only requests built to be rejected name it.
 */
export const FUZZ_NAMES: readonly string[] = [
  FZ_ALL, FZ_STR, FZ_DB, FZ_DB_COLLECTION, FZ_PARTITION, FZ_ALIAS, FZ_USER, FZ_ROLE, 'fz_new', 'fz_other',
  'id', 'vec', 'bvec', 'sparse', 'f16', 'title', 'meta', 'tags', 'flag', 'i8', 'i16', 'i32', 'f', 'd', 'pk', 'tenant',
  'L2', 'IP', 'COSINE', 'HAMMING', 'JACCARD', 'HNSW', 'FLAT', 'IVF_FLAT', 'AUTOINDEX', 'SPARSE_INVERTED_INDEX', 'INVERTED', 'BIN_FLAT',
  'default', '_default', 'admin', 'public', 'Global', 'Collection', 'Search', 'Insert', '*',
]

export const f32 = (xs: readonly number[]): Uint8Array => new Uint8Array(Float32Array.from(xs).buffer)

/** Float16 bits of a few exact values (1, 0.5, 0, -1). */
const HALF: Readonly<Record<number, number>> = { 1: 0x3c00, 0.5: 0x3800, 0: 0, [-1]: 0xbc00 }
export const f16 = (xs: readonly number[]): Uint8Array => {
  const out = new Uint8Array(xs.length * 2)
  xs.forEach((x, i) => new DataView(out.buffer).setUint16(i * 2, HALF[x] ?? 0, true))
  return out
}

/** A sparse row: (u32 index, f32 value) pairs, little-endian, indexes ascending. */
export const sparseRow = (pairs: readonly (readonly [number, number])[]): Uint8Array => {
  const out = new Uint8Array(pairs.length * 8)
  const view = new DataView(out.buffer)
  pairs.forEach(([i, v], k) => {
    view.setUint32(k * 8, i, true)
    view.setFloat32(k * 8 + 4, v, true)
  })
  return out
}

export const kv = (key: string, value: string): WireTree => ({ key, value })
const dimParam = (dim: number) => [kv('dim', String(dim))]

export function schemaOf(name: string, fields: WireTree[], extra: WireTree = {}): EmbeddedMessage {
  return new EmbeddedMessage('milvus.proto.schema.CollectionSchema', { name, description: '', fields, ...extra })
}

export const FZ_ALL_SCHEMA = schemaOf(
  FZ_ALL,
  [
    { fieldID: 100, name: 'id', is_primary_key: true, data_type: 'Int64' },
    { fieldID: 101, name: 'vec', data_type: 'FloatVector', type_params: dimParam(DIM) },
    { fieldID: 102, name: 'bvec', data_type: 'BinaryVector', type_params: dimParam(BINARY_DIM) },
    { fieldID: 103, name: 'sparse', data_type: 'SparseFloatVector' },
    { fieldID: 104, name: 'f16', data_type: 'Float16Vector', type_params: dimParam(DIM) },
    { fieldID: 105, name: 'title', data_type: 'VarChar', type_params: [kv('max_length', '32')] },
    { fieldID: 106, name: 'meta', data_type: 'JSON' },
    { fieldID: 107, name: 'tags', data_type: 'Array', element_type: 'Int32', type_params: [kv('max_capacity', '4')] },
    { fieldID: 108, name: 'flag', data_type: 'Bool' },
    { fieldID: 109, name: 'i8', data_type: 'Int8' },
    { fieldID: 110, name: 'i16', data_type: 'Int16' },
    { fieldID: 111, name: 'i32', data_type: 'Int32' },
    { fieldID: 112, name: 'f', data_type: 'Float' },
    { fieldID: 113, name: 'd', data_type: 'Double' },
  ],
  { enable_dynamic_field: true },
)

export const FZ_STR_SCHEMA = schemaOf(FZ_STR, [
  { name: 'pk', is_primary_key: true, data_type: 'VarChar', type_params: [kv('max_length', '16')] },
  { name: 'vec', data_type: 'FloatVector', type_params: dimParam(DIM) },
  { name: 'tenant', data_type: 'Int64', is_partition_key: true },
])

export const FZ_DB_SCHEMA = schemaOf(FZ_DB_COLLECTION, [
  { name: 'id', is_primary_key: true, data_type: 'Int64', autoID: true },
  { name: 'vec', data_type: 'FloatVector', type_params: dimParam(DIM) },
])

export const REFERENCE_SCHEMA = schemaOf(REFERENCE, [
  { name: 'id', is_primary_key: true, data_type: 'Int64' },
  { name: 'vec', data_type: 'FloatVector', type_params: dimParam(DIM) },
  { name: 'title', data_type: 'VarChar', type_params: [kv('max_length', '64')] },
  { name: 'meta', data_type: 'JSON' },
])

/** FieldData builders (wire spelling). */
export const fd = {
  int64: (name: string, data: readonly (number | string)[]): WireTree => ({ type: 'Int64', field_name: name, scalars: { long_data: { data: [...data] } } }),
  int32: (name: string, type: 'Int8' | 'Int16' | 'Int32', data: readonly number[]): WireTree => ({ type, field_name: name, scalars: { int_data: { data: [...data] } } }),
  varchar: (name: string, data: readonly string[]): WireTree => ({ type: 'VarChar', field_name: name, scalars: { string_data: { data: [...data] } } }),
  bool: (name: string, data: readonly boolean[]): WireTree => ({ type: 'Bool', field_name: name, scalars: { bool_data: { data: [...data] } } }),
  float: (name: string, data: readonly number[]): WireTree => ({ type: 'Float', field_name: name, scalars: { float_data: { data: [...data] } } }),
  double: (name: string, data: readonly number[]): WireTree => ({ type: 'Double', field_name: name, scalars: { double_data: { data: [...data] } } }),
  json: (name: string, rows: readonly unknown[], dynamic = false): WireTree => ({
    type: 'JSON',
    field_name: name,
    ...(dynamic ? { is_dynamic: true } : {}),
    scalars: { json_data: { data: rows.map((r) => Buffer.from(JSON.stringify(r))) } },
  }),
  intArray: (name: string, rows: readonly (readonly number[])[]): WireTree => ({
    type: 'Array',
    field_name: name,
    scalars: { array_data: { element_type: 'Int32', data: rows.map((r) => ({ int_data: { data: [...r] } })) } },
  }),
  floatVector: (name: string, dim: number, data: readonly number[]): WireTree => ({ type: 'FloatVector', field_name: name, vectors: { dim, float_vector: { data: [...data] } } }),
  binaryVector: (name: string, dim: number, data: Uint8Array): WireTree => ({ type: 'BinaryVector', field_name: name, vectors: { dim, binary_vector: data } }),
  float16Vector: (name: string, dim: number, data: Uint8Array): WireTree => ({ type: 'Float16Vector', field_name: name, vectors: { dim, float16_vector: data } }),
  sparse: (name: string, rows: readonly Uint8Array[]): WireTree => ({ type: 'SparseFloatVector', field_name: name, vectors: { dim: SPARSE_DIM, sparse_float_vector: { dim: SPARSE_DIM, contents: [...rows] } } }),
}

/** Three valid rows of fz_all, as fields_data. */
export function fzAllRows(firstId: number): WireTree[] {
  const ids = [firstId, firstId + 1, firstId + 2]
  return [
    fd.int64('id', ids),
    fd.floatVector('vec', DIM, [0.1, 0.2, 0.3, 0.4, 1, 0, 0, 0, 0, 1, 0, 0]),
    fd.binaryVector('bvec', BINARY_DIM, Uint8Array.of(1, 2, 3, 4, 5, 6)),
    fd.sparse('sparse', [sparseRow([[1, 0.5], [7, 1]]), sparseRow([[2, 1]]), sparseRow([[3, 0.25], [50, 2], [99, 1]])]),
    fd.float16Vector('f16', DIM, f16([1, 0, 0.5, -1, 0, 1, 0, 0, 1, 1, 1, 1])),
    fd.varchar('title', ['one', 'two', 'three']),
    fd.json('meta', [{ a: 1 }, { a: [1, 2] }, { b: 'x' }]),
    fd.intArray('tags', [[1, 2], [], [3, 4, 5]]),
    fd.bool('flag', [true, false, true]),
    fd.int32('i8', 'Int8', [-128, 0, 127]),
    fd.int32('i16', 'Int16', [-32768, 1, 32767]),
    fd.int32('i32', 'Int32', [-5, 0, 5]),
    fd.float('f', [1.5, -0.5, 0]),
    fd.double('d', [1e300, -2.5, 0]),
    fd.json('$meta', [{ color: 'red' }, {}, { size: 2 }], true),
  ]
}

/** The reference rows: ids 0..63, seeded vectors, titles, JSON. */
export function referenceRows(): WireTree[] {
  const next = seededRandom(7)
  const ids = Array.from({ length: REFERENCE_ROWS }, (_, i) => i)
  const vec = ids.flatMap(() => Array.from({ length: DIM }, () => Math.round((next() * 2 - 1) * 1000) / 1000))
  return [
    fd.int64('id', ids),
    fd.floatVector('vec', DIM, vec),
    fd.varchar('title', ids.map((i) => `title ${i}`)),
    fd.json('meta', ids.map((i) => ({ i, even: i % 2 === 0 }))),
  ]
}

export const FZ_DB_HEADER = FZ_DB

/** A gRPC request of the setup: RPC, tree, and the codes that count as done (0, or "already there"). */
export interface SetupStep {
  readonly rpc: string
  readonly tree: WireTree
}

const indexParams = (type: string, metric: string, params = '{}') => [kv('index_type', type), kv('metric_type', metric), kv('params', params)]

/** Builds everything the fuzz cases may change (run before the first batch and at every reset). */
export function fuzzWorldSteps(): SetupStep[] {
  return [
    { rpc: 'CreateDatabase', tree: { db_name: FZ_DB } },
    { rpc: 'CreateCollection', tree: { collection_name: FZ_ALL, schema: FZ_ALL_SCHEMA, shards_num: 1 } },
    { rpc: 'CreateIndex', tree: { collection_name: FZ_ALL, field_name: 'vec', index_name: 'vec_idx', extra_params: indexParams('HNSW', 'L2', '{"M":8,"efConstruction":32}') } },
    { rpc: 'CreateIndex', tree: { collection_name: FZ_ALL, field_name: 'bvec', index_name: 'bvec_idx', extra_params: indexParams('BIN_FLAT', 'HAMMING') } },
    { rpc: 'CreateIndex', tree: { collection_name: FZ_ALL, field_name: 'f16', index_name: 'f16_idx', extra_params: indexParams('FLAT', 'COSINE') } },
    { rpc: 'LoadCollection', tree: { collection_name: FZ_ALL } },
    { rpc: 'CreatePartition', tree: { collection_name: FZ_ALL, partition_name: FZ_PARTITION } },
    { rpc: 'Insert', tree: { collection_name: FZ_ALL, fields_data: fzAllRows(1), num_rows: 3 } },
    { rpc: 'Insert', tree: { collection_name: FZ_ALL, partition_name: FZ_PARTITION, fields_data: fzAllRows(101), num_rows: 3 } },
    { rpc: 'CreateAlias', tree: { collection_name: FZ_ALL, alias: FZ_ALIAS } },
    { rpc: 'CreateCollection', tree: { collection_name: FZ_STR, schema: FZ_STR_SCHEMA, shards_num: 1, num_partitions: 4 } },
    { rpc: 'CreateIndex', tree: { collection_name: FZ_STR, field_name: 'vec', extra_params: indexParams('FLAT', 'IP') } },
    { rpc: 'LoadCollection', tree: { collection_name: FZ_STR } },
    { rpc: 'Insert', tree: { collection_name: FZ_STR, fields_data: [fd.varchar('pk', ['a', 'b']), fd.floatVector('vec', DIM, [1, 0, 0, 0, 0, 1, 0, 0]), fd.int64('tenant', [1, 2])], num_rows: 2 } },
    { rpc: 'CreateCollection', tree: { db_name: FZ_DB, collection_name: FZ_DB_COLLECTION, schema: FZ_DB_SCHEMA } },
    { rpc: 'CreateIndex', tree: { db_name: FZ_DB, collection_name: FZ_DB_COLLECTION, field_name: 'vec', extra_params: indexParams('FLAT', 'L2') } },
    { rpc: 'LoadCollection', tree: { db_name: FZ_DB, collection_name: FZ_DB_COLLECTION } },
    { rpc: 'Insert', tree: { db_name: FZ_DB, collection_name: FZ_DB_COLLECTION, fields_data: [fd.floatVector('vec', DIM, [1, 2, 3, 4])], num_rows: 1 } },
    { rpc: 'CreateCredential', tree: { username: FZ_USER, password: Buffer.from(FZ_PASSWORD).toString('base64') } },
    { rpc: 'CreateRole', tree: { entity: { name: FZ_ROLE } } },
  ]
}

/** Builds the reference collection (once, before the fuzzing). */
export function referenceSteps(): SetupStep[] {
  const db = REFERENCE_DB
  return [
    { rpc: 'CreateDatabase', tree: { db_name: db } },
    { rpc: 'CreateCollection', tree: { db_name: db, collection_name: REFERENCE, schema: REFERENCE_SCHEMA, shards_num: 1 } },
    { rpc: 'CreateIndex', tree: { db_name: db, collection_name: REFERENCE, field_name: 'vec', index_name: 'vec_idx', extra_params: indexParams('HNSW', 'L2', '{"M":8,"efConstruction":32}') } },
    { rpc: 'LoadCollection', tree: { db_name: db, collection_name: REFERENCE } },
    { rpc: 'Insert', tree: { db_name: db, collection_name: REFERENCE, fields_data: referenceRows(), num_rows: REFERENCE_ROWS } },
    { rpc: 'Flush', tree: { db_name: db, collection_names: [REFERENCE] } },
    { rpc: 'Insert', tree: { db_name: db, collection_name: REFERENCE, fields_data: referenceTail(), num_rows: 2 } },
  ]
}

/** Two more rows after the flush, so the reference has a sealed and a growing segment. */
function referenceTail(): WireTree[] {
  return [
    fd.int64('id', [1000, 1001]),
    fd.floatVector('vec', DIM, [0.5, 0.5, 0.5, 0.5, -0.5, -0.5, -0.5, -0.5]),
    fd.varchar('title', ['tail 0', 'tail 1']),
    fd.json('meta', [{ tail: true }, { tail: false }]),
  ]
}

/** Rows the reference holds once built. */
export const REFERENCE_ROW_COUNT = REFERENCE_ROWS + 2
