import { requestTypeOf, type ServiceName } from './grpc-transport.ts'
import {
  BINARY_DIM, DIM, f16, f32, fd, FZ_ALIAS, FZ_ALL, FZ_DB, FZ_DB_COLLECTION, FZ_PARTITION, FZ_PASSWORD, FZ_ROLE, FZ_STR, FZ_USER, fzAllRows,
  kv, REFERENCE, REFERENCE_DB, schemaOf, sparseRow,
} from './fuzz-world.ts'
import { EmbeddedMessage, type WireTree } from './wire-tree.ts'

/**
 * Who a case may affect. `fuzz`: the fuzz world only. `reference-read`: the reference collection,
 * with an RPC that cannot change its rows (any mutation allowed). `reference-reject`: a write to the
 * reference built to be refused; `frozen` paths keep it invalid whatever else is mutated.
 */
export type Target = 'fuzz' | 'reference-read' | 'reference-reject'

export interface GrpcSeed {
  readonly rpc: string
  readonly service: ServiceName
  readonly tree: WireTree
  readonly target: Target
  /** Paths no mutation may touch (reference-reject seeds). */
  readonly frozen?: readonly string[]
  /** The code the seed answers when the seeds run in order over a fresh fuzz world (default 0). */
  readonly expectCode?: number
  /** Sent with the fuzz user's credentials (a user without privileges) instead of root's. */
  readonly asFuzzUser?: boolean
}

const seed = (rpc: string, tree: WireTree, more: Partial<GrpcSeed> = {}): GrpcSeed => ({ rpc, service: 'milvus', tree, target: 'fuzz', ...more })
const onReference = (rpc: string, tree: WireTree): GrpcSeed => seed(rpc, inReferenceDb(rpc, tree), { target: 'reference-read' })
const rejectedByReference = (rpc: string, tree: WireTree, frozen: readonly string[] = []): GrpcSeed =>
  seed(rpc, inReferenceDb(rpc, tree), { target: 'reference-reject', frozen, expectCode: 1100 })

/** The tree with the reference's database in whichever field the request type names it. */
function inReferenceDb(rpc: string, tree: WireTree): WireTree {
  const fields = requestTypeOf('milvus', rpc).fields
  const key = fields.db_name !== undefined ? 'db_name' : fields.dbName !== undefined ? 'dbName' : undefined
  if (key === undefined) throw new Error(`${rpc} names no database: it cannot target the reference`)
  return { [key]: REFERENCE_DB, ...tree }
}
const b64 = (s: string) => Buffer.from(s).toString('base64')

export function placeholder(type: string, values: readonly Uint8Array[]): EmbeddedMessage {
  return new EmbeddedMessage('milvus.proto.common.PlaceholderGroup', { placeholders: [{ tag: '$0', type, values: [...values] }] })
}

const searchParams = (field: string, metric: string, topk: number, params = '{}', more: WireTree[] = []) => [kv('anns_field', field), kv('topk', String(topk)), kv('metric_type', metric), kv('params', params), kv('round_decimal', '-1'), ...more]

function search(collection: string, field: string, metric: string, group: EmbeddedMessage, more: WireTree = {}, params = '{"ef":16}', extraParams: WireTree[] = []): WireTree {
  return { collection_name: collection, dsl: '', dsl_type: 'BoolExprV1', placeholder_group: group, search_params: searchParams(field, metric, 5, params, extraParams), nq: 1, consistency_level: 'Strong', use_default_consistency: false, ...more }
}

const floatQuery = (xs: readonly number[]) => placeholder('FloatVector', [f32(xs)])

/** Reads: searches of every vector type, grouping, range, by primary keys, templates; hybrid; queries. */
function readSeeds(): GrpcSeed[] {
  const subSearch = (field: string, metric: string, group: EmbeddedMessage) => ({ dsl: 'id > 0', dsl_type: 'BoolExprV1', placeholder_group: group, search_params: searchParams(field, metric, 5), nq: 1 })
  return [
    seed('Search', search(FZ_ALL, 'vec', 'L2', floatQuery([0.1, 0.2, 0.3, 0.4]), { dsl: 'id > 0', output_fields: ['title', 'meta', 'tags', 'color'] })),
    seed('Search', search(FZ_ALL, 'vec', 'L2', placeholder('FloatVector', [f32([1, 0, 0, 0]), f32([0, 1, 0, 0])]), { nq: 2, dsl: 'id in {ids}', expr_template_values: { ids: { array_val: { long_data: { data: [1, 2, 3] } } } } })),
    seed('Search', search(FZ_ALL, 'bvec', 'HAMMING', placeholder('BinaryVector', [Uint8Array.of(1, 2)]), {}, '{}')),
    seed('Search', search(FZ_ALL, 'sparse', 'IP', placeholder('SparseFloatVector', [sparseRow([[1, 1], [7, 0.5]])]), {}, '{"drop_ratio_search":0.1}')),
    seed('Search', search(FZ_ALL, 'f16', 'COSINE', placeholder('Float16Vector', [f16([1, 0, 0.5, -1])]), {}, '{}')),
    seed('Search', search(FZ_ALL, 'vec', 'L2', floatQuery([0, 0, 0, 1]), { output_fields: ['i8'] }, '{"ef":32}', [kv('group_by_field', 'i8'), kv('group_size', '2')])),
    seed('Search', search(FZ_ALL, 'vec', 'L2', floatQuery([0, 0, 0, 1]), {}, '{"radius":10,"range_filter":0}')),
    seed('Search', { collection_name: FZ_ALL, ids: { int_id: { data: [1, 2] } }, search_params: searchParams('vec', 'L2', 3), nq: 2 }),
    seed('Search', search(FZ_STR, 'vec', 'IP', floatQuery([1, 0, 0, 0]), { dsl: 'tenant == 1', partition_names: [] }, '{}')),
    seed('Search', search(FZ_DB_COLLECTION, 'vec', 'L2', floatQuery([1, 2, 3, 4]), { db_name: FZ_DB }, '{}')),
    seed('HybridSearch', {
      collection_name: FZ_ALL,
      requests: [subSearch('vec', 'L2', floatQuery([1, 0, 0, 0])), subSearch('f16', 'COSINE', placeholder('Float16Vector', [f16([1, 1, 1, 1])]))],
      rank_params: [kv('strategy', 'rrf'), kv('params', '{"k":60}'), kv('limit', '5'), kv('round_decimal', '-1')],
      output_fields: ['title'],
    }),
    seed('HybridSearch', {
      collection_name: FZ_ALL,
      requests: [subSearch('vec', 'L2', floatQuery([1, 0, 0, 0])), subSearch('sparse', 'IP', placeholder('SparseFloatVector', [sparseRow([[2, 1]])]))],
      rank_params: [kv('strategy', 'weighted'), kv('params', '{"weights":[0.5,0.5]}'), kv('limit', '3')],
    }),
    seed('Query', { collection_name: FZ_ALL, expr: 'id >= 0', output_fields: ['*'], query_params: [kv('limit', '10'), kv('offset', '0')] }),
    seed('Query', { collection_name: FZ_ALL, expr: '', output_fields: ['count(*)'] }),
    seed('Query', { collection_name: FZ_ALL, expr: 'title in {t} and meta["a"] == 1', output_fields: ['title', 'meta'], expr_template_values: { t: { array_val: { string_data: { data: ['one', 'two'] } } } }, query_params: [kv('limit', '5')] }),
    seed('Query', { collection_name: FZ_ALL, expr: 'array_contains(tags, 3) or color == "red"', output_fields: ['tags', 'color', 'bvec', 'sparse', 'f16'], partition_names: ['_default'], query_params: [kv('limit', '5')] }),
    seed('Query', { collection_name: FZ_STR, expr: 'pk like "a%"', output_fields: ['pk', 'tenant'], query_params: [kv('limit', '5')] }),
    onReference('Search', search(REFERENCE, 'vec', 'L2', floatQuery([0.1, 0.2, 0.3, 0.4]), { dsl: 'id < 50', output_fields: ['title', 'meta'] })),
    onReference('Search', { collection_name: REFERENCE, ids: { int_id: { data: [1, 2] } }, search_params: searchParams('vec', 'L2', 3), nq: 2 }),
    onReference('HybridSearch', { collection_name: REFERENCE, requests: [subSearch('vec', 'L2', floatQuery([1, 0, 0, 0])), subSearch('vec', 'L2', floatQuery([0, 1, 0, 0]))], rank_params: [kv('strategy', 'rrf'), kv('params', '{"k":60}'), kv('limit', '5')] }),
    onReference('Query', { collection_name: REFERENCE, expr: 'id >= 0', output_fields: ['*'], query_params: [kv('limit', '100')] }),
    onReference('Query', { collection_name: REFERENCE, expr: 'meta["even"] == true', output_fields: ['count(*)'] }),
    onReference('Query', { collection_name: REFERENCE, expr: 'id in {ids}', output_fields: ['title'], expr_template_values: { ids: { array_val: { long_data: { data: [1, 2] } } } } }),
  ]
}

/** Writes to the fuzz collections (valid), and to the reference built to fail. */
function writeSeeds(): GrpcSeed[] {
  const badVector = fd.floatVector('vec', DIM, [1, 2, 3, 4, 5, 6, 7, 8, 9])
  const refRows = [fd.int64('id', [5000, 5001]), badVector, fd.varchar('title', ['x', 'y']), fd.json('meta', [{}, {}])]
  const vectorFrozen = ['fields_data[1].vectors', 'fields_data[1].type', 'fields_data[1].field_name', 'fields_data[1].is_dynamic']
  return [
    seed('Insert', { collection_name: FZ_ALL, fields_data: fzAllRows(10), num_rows: 3 }),
    seed('Insert', { collection_name: FZ_ALL, partition_name: FZ_PARTITION, fields_data: fzAllRows(20), num_rows: 3 }),
    seed('Insert', { collection_name: FZ_STR, fields_data: [fd.varchar('pk', ['c']), fd.floatVector('vec', DIM, [0, 0, 1, 0]), fd.int64('tenant', [3])], num_rows: 1 }),
    seed('Insert', { db_name: FZ_DB, collection_name: FZ_DB_COLLECTION, fields_data: [fd.floatVector('vec', DIM, [4, 3, 2, 1, 0, 0, 0, 0])], num_rows: 2 }),
    seed('Upsert', { collection_name: FZ_ALL, fields_data: fzAllRows(1), num_rows: 3 }),
    seed('Upsert', { collection_name: FZ_ALL, partial_update: true, fields_data: [fd.int64('id', [2]), fd.varchar('title', ['partial'])], num_rows: 1 }),
    seed('Upsert', { collection_name: FZ_STR, fields_data: [fd.varchar('pk', ['a']), fd.floatVector('vec', DIM, [0, 1, 1, 0]), fd.int64('tenant', [1])], num_rows: 1 }),
    seed('Delete', { collection_name: FZ_ALL, expr: 'id in [10, 11]' }),
    seed('Delete', { collection_name: FZ_ALL, expr: 'id in {ids}', expr_template_values: { ids: { array_val: { long_data: { data: [20] } } } }, partition_name: FZ_PARTITION }),
    seed('Delete', { collection_name: FZ_STR, expr: 'pk == "c"' }),
    seed('Flush', { collection_names: [FZ_ALL, FZ_STR] }),
    seed('GetFlushState', { segmentIDs: ['1', '2'], flush_ts: '0', collection_name: FZ_ALL }),
    rejectedByReference('Insert', { collection_name: REFERENCE, fields_data: refRows, num_rows: 2 }, vectorFrozen),
    rejectedByReference('Upsert', { collection_name: REFERENCE, fields_data: refRows, num_rows: 2 }, [...vectorFrozen, 'partial_update', 'field_ops']),
    rejectedByReference('Delete', { collection_name: REFERENCE, expr: 'id in [1, 2' }, ['expr']),
  ]
}

const newSchema = schemaOf('fz_new', [
  { name: 'id', is_primary_key: true, data_type: 'Int64', autoID: true },
  { name: 'vec', data_type: 'FloatVector', type_params: [kv('dim', '8')] },
  { name: 'bin', data_type: 'BinaryVector', type_params: [kv('dim', String(BINARY_DIM))] },
  { name: 'note', data_type: 'VarChar', type_params: [kv('max_length', '100')], nullable: true, default_value: { string_data: 'none' } },
  { name: 'level', data_type: 'Int32', default_value: { int_data: 7 } },
  { name: 'scores', data_type: 'Array', element_type: 'Float', type_params: [kv('max_capacity', '8')] },
], { enable_dynamic_field: true, properties: [kv('collection.ttl.seconds', '3600')] })

/** The reference's name with another schema: re-creating it is refused (an identical re-create succeeds, Milvus 2.6). */
const OTHER_REFERENCE_SCHEMA = schemaOf(REFERENCE, [
  { name: 'id', is_primary_key: true, data_type: 'Int64' },
  { name: 'vec', data_type: 'FloatVector', type_params: [kv('dim', '2')] },
])

/** Collections, partitions, indexes: the harmless first, the destructive (release, rename, drops) last. */
function ddlSeeds(): GrpcSeed[] {
  return [
    seed('CreateCollection', { collection_name: 'fz_new', schema: newSchema, shards_num: 1, consistency_level: 'Bounded', properties: [kv('mmap.enabled', 'false')], num_partitions: 0 }),
    // An identical re-create succeeds (Milvus 2.6, changing nothing); one with another schema is refused.
    rejectedByReference('CreateCollection', { collection_name: REFERENCE, schema: OTHER_REFERENCE_SCHEMA, shards_num: 1 }),
    seed('DescribeCollection', { collection_name: FZ_ALL }),
    seed('DescribeCollection', { collectionID: '999999' }, { expectCode: 100 }),
    seed('AlterCollection', { collection_name: FZ_ALL, properties: [kv('mmap.enabled', 'true')] }),
    seed('AlterCollection', { collection_name: FZ_ALL, delete_keys: ['mmap.enabled'] }),
    seed('HasCollection', { collection_name: FZ_ALL }),
    seed('ShowCollections', { type: 'All', collection_names: [] }),
    seed('GetCollectionStatistics', { collection_name: FZ_ALL }),
    seed('LoadCollection', { collection_name: FZ_ALL, replica_number: 1, load_params: { k: 'v' } }),
    seed('GetLoadState', { collection_name: FZ_ALL, partition_names: [FZ_PARTITION] }),
    seed('GetLoadingProgress', { collection_name: FZ_ALL, partition_names: [] }),
    seed('CreatePartition', { collection_name: FZ_ALL, partition_name: 'p_new' }),
    seed('HasPartition', { collection_name: FZ_ALL, partition_name: FZ_PARTITION }),
    seed('ShowPartitions', { collection_name: FZ_ALL, type: 'All', partition_names: [] }),
    seed('GetPartitionStatistics', { collection_name: FZ_ALL, partition_name: '_default' }),
    seed('LoadPartitions', { collection_name: FZ_ALL, partition_names: [FZ_PARTITION] }),
    seed('ReleasePartitions', { collection_name: FZ_ALL, partition_names: [FZ_PARTITION] }),
    seed('CreateIndex', { collection_name: FZ_ALL, field_name: 'i32', index_name: 'i32_idx', extra_params: [kv('index_type', 'INVERTED')] }),
    seed('CreateIndex', { collection_name: FZ_ALL, field_name: 'sparse', extra_params: [kv('index_type', 'SPARSE_INVERTED_INDEX'), kv('metric_type', 'IP'), kv('params', '{"drop_ratio_build":0.2}')] }),
    seed('CreateIndex', { collection_name: 'fz_new', field_name: 'vec', extra_params: [kv('index_type', 'IVF_FLAT'), kv('metric_type', 'IP'), kv('params', '{"nlist":16}')] }),
    seed('DescribeIndex', { collection_name: FZ_ALL, field_name: 'vec', index_name: 'vec_idx', timestamp: '0' }),
    seed('GetIndexState', { collection_name: FZ_ALL, field_name: 'vec', index_name: 'vec_idx' }),
    seed('GetIndexBuildProgress', { collection_name: FZ_ALL, field_name: 'vec', index_name: 'vec_idx' }),
    seed('GetQuerySegmentInfo', { collectionName: FZ_ALL }),
    seed('GetPersistentSegmentInfo', { collectionName: FZ_ALL }),
    seed('GetReplicas', { collection_name: FZ_ALL, with_shard_nodes: true }),
    seed('ManualCompaction', { collection_name: FZ_ALL, majorCompaction: false }),
    seed('GetCompactionState', { compactionID: '1' }),
    seed('GetCompactionStateWithPlans', { compactionID: '1' }),
    // Milvus 2.6 DDL (fz_new is truncated: nothing reads its rows).
    seed('BatchDescribeCollection', { collection_name: [FZ_ALL, FZ_STR] }),
    seed('AddCollectionField', { collection_name: FZ_ALL, schema: new EmbeddedMessage('milvus.proto.schema.FieldSchema', { name: 'fz_added', data_type: 'Int32', nullable: true }) }),
    seed('AlterCollectionSchema', { collection_name: FZ_ALL, action: { add_request: { field_infos: [{ field_schema: { name: 'fz_added2', data_type: 'VarChar', nullable: true, type_params: [kv('max_length', '16')] } }] } } }),
    seed('AlterCollectionField', { collection_name: FZ_ALL, field_name: 'title', properties: [kv('max_length', '300')] }),
    seed('AlterIndex', { collection_name: FZ_ALL, index_name: 'vec_idx', extra_params: [kv('mmap.enabled', 'true')] }),
    seed('GetIndexStatistics', { collection_name: FZ_ALL, index_name: 'vec_idx' }),
    seed('TruncateCollection', { collection_name: 'fz_new' }),
    seed('FlushAll', {}),
    seed('GetFlushAllState', { flush_all_ts: '1' }),
    // One node: LoadBalance checks the collection, then answers 3000.
    seed('LoadBalance', { src_nodeID: '1', collectionName: FZ_ALL }, { expectCode: 3000 }),
    onReference('DescribeCollection', { collection_name: REFERENCE }),
    onReference('HasCollection', { collection_name: REFERENCE }),
    onReference('GetCollectionStatistics', { collection_name: REFERENCE }),
    onReference('GetLoadState', { collection_name: REFERENCE }),
    onReference('GetLoadingProgress', { collection_name: REFERENCE }),
    onReference('ShowPartitions', { collection_name: REFERENCE, type: 'All' }),
    onReference('HasPartition', { collection_name: REFERENCE, partition_name: '_default' }),
    onReference('GetPartitionStatistics', { collection_name: REFERENCE, partition_name: '_default' }),
    onReference('DescribeIndex', { collection_name: REFERENCE, field_name: 'vec' }),
    onReference('GetIndexState', { collection_name: REFERENCE, field_name: 'vec' }),
    onReference('GetIndexBuildProgress', { collection_name: REFERENCE, field_name: 'vec' }),
    onReference('GetQuerySegmentInfo', { collectionName: REFERENCE }),
    onReference('GetPersistentSegmentInfo', { collectionName: REFERENCE }),
    onReference('GetReplicas', { collection_name: REFERENCE }),
    onReference('ListAliases', { collection_name: REFERENCE }),
    onReference('Flush', { collection_names: [REFERENCE] }),
    onReference('ManualCompaction', { collection_name: REFERENCE }),
  ]
}

/** Server, aliases, databases, users and roles. */
function catalogSeeds(): GrpcSeed[] {
  const grant = (privilege: string) => ({ role: { name: FZ_ROLE }, object: { name: 'Collection' }, object_name: FZ_ALL, grantor: { user: { name: 'root' }, privilege: { name: privilege } }, db_name: 'default' })
  return [
    seed('Connect', { client_info: { sdk_type: 'nodejs', sdk_version: '3.0.6', local_time: '2026-01-01', user: 'root', host: 'fuzz', reserved: { k: 'v' } } }),
    seed('AllocTimestamp', {}),
    seed('GetVersion', {}),
    seed('CheckHealth', {}),
    seed('GetMetrics', { request: '{"metric_type":"system_info"}' }),
    seed('ClientHeartbeat', { client_info: { sdk_type: 'nodejs', sdk_version: '3.0.6' }, report_timestamp: '1', config_hash: '' }, { service: 'telemetry' }),
    seed('CreateAlias', { collection_name: FZ_STR, alias: 'fz_alias2' }),
    seed('AlterAlias', { collection_name: FZ_STR, alias: FZ_ALIAS }),
    seed('DescribeAlias', { alias: FZ_ALIAS }),
    seed('ListAliases', { collection_name: FZ_ALL }),
    seed('CreateDatabase', { db_name: 'fz_db2', properties: [kv('database.max.collections', '10')] }),
    seed('ListDatabases', {}),
    seed('DescribeDatabase', { db_name: FZ_DB }),
    seed('AlterDatabase', { db_name: FZ_DB, properties: [kv('database.max.collections', '100')] }),
    seed('CreateCredential', { username: 'fzuser2', password: b64('password1') }),
    seed('ListCredUsers', {}),
    seed('CreateRole', { entity: { name: 'fzrole2' } }),
    seed('OperateUserRole', { username: FZ_USER, role_name: FZ_ROLE, type: 'AddUserToRole' }),
    seed('SelectRole', { role: { name: FZ_ROLE }, include_user_info: true }),
    seed('SelectUser', { user: { name: FZ_USER }, include_role_info: true }),
    seed('OperatePrivilege', { entity: grant('Search'), type: 'Grant' }),
    seed('OperatePrivilegeV2', { role: { name: FZ_ROLE }, grantor: { privilege: { name: 'Query' } }, type: 'Grant', db_name: 'default', collection_name: FZ_ALL }),
    seed('SelectGrant', { entity: { role: { name: FZ_ROLE } } }),
    seed('OperatePrivilege', { entity: grant('Search'), type: 'Revoke' }),
    seed('UpdateCredential', { username: FZ_USER, oldPassword: b64(FZ_PASSWORD), newPassword: b64('fzpass456') }),
    seed('CreatePrivilegeGroup', { group_name: 'fzgroup' }),
    seed('OperatePrivilegeGroup', { group_name: 'fzgroup', privileges: [{ name: 'Query' }], type: 'AddPrivilegesToGroup' }),
    seed('ListPrivilegeGroups', {}),
    seed('BackupRBAC', {}),
    seed('RestoreRBAC', { RBAC_meta: { roles: [{ name: 'fzrestored' }] } }),
  ]
}

/** Destructive seeds, last in the sanity order. */
function dropSeeds(): GrpcSeed[] {
  return [
    seed('ReleaseCollection', { collection_name: FZ_STR }),
    seed('RenameCollection', { oldName: FZ_STR, newName: 'fz_other' }),
    seed('RenameCollection', { oldName: FZ_ALL, newName: REFERENCE, newDBName: REFERENCE_DB }, { target: 'reference-reject', frozen: ['newName', 'newDBName'], expectCode: 1100 }),
    seed('DropIndex', { collection_name: 'fz_new', field_name: 'vec' }),
    seed('DropPartition', { collection_name: FZ_ALL, partition_name: 'p_new' }),
    seed('DropAlias', { alias: 'fz_alias2' }),
    seed('DropCollection', { collection_name: 'fz_new' }),
    seed('DropDatabase', { db_name: 'fz_db2' }),
    seed('DeleteCredential', { username: 'fzuser2' }),
    seed('OperateUserRole', { username: FZ_USER, role_name: FZ_ROLE, type: 'RemoveUserFromRole' }),
    seed('DropRole', { role_name: 'fzrole2', force_drop: false }),
    seed('DropPrivilegeGroup', { group_name: 'fzgroup' }),
  ]
}

/** Every valid (or deliberately refused) request the fuzzer starts from, in the order the sanity check sends them. */
export function grpcSeeds(): GrpcSeed[] {
  return [...catalogSeeds(), ...readSeeds(), ...writeSeeds(), ...ddlSeeds(), ...dropSeeds()]
}
