import { DIM, FZ_ALIAS, FZ_ALL, FZ_DB, FZ_DB_COLLECTION, FZ_PARTITION, FZ_PASSWORD, FZ_ROLE, FZ_STR, FZ_USER, REFERENCE, REFERENCE_DB } from './fuzz-world.ts'
import type { Target } from './grpc-seeds.ts'

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** A valid (or deliberately refused) REST v2 request: `/v2/vectordb/<endpoint>` with a JSON body. */
export interface RestSeed {
  readonly endpoint: string
  readonly body: { [key: string]: Json }
  readonly target: Target
  /** Paths (`data[0].vec`) no mutation may touch, nor what holds them (reference-reject seeds). */
  readonly frozen?: readonly string[]
  /** Keys a mutation may not add to the body (reference-reject seeds: `partialUpdate`). */
  readonly forbiddenKeys?: readonly string[]
  /** The envelope code the seed answers when the seeds run in order over a fresh fuzz world (default 0). */
  readonly expectCode?: number
}

const seed = (endpoint: string, body: { [key: string]: Json }, more: Partial<RestSeed> = {}): RestSeed => ({ endpoint, body, target: 'fuzz', ...more })
const onReference = (endpoint: string, body: { [key: string]: Json }): RestSeed => seed(endpoint, { dbName: REFERENCE_DB, collectionName: REFERENCE, ...body }, { target: 'reference-read' })

const row = (id: number) => ({
  id,
  vec: [0.1 * id, 0.2, 0.3, 0.4],
  bvec: [1, 2],
  sparse: { '1': 0.5, '7': 1 },
  f16: [1, 0, 0.5, -1],
  title: `t${id}`,
  meta: { a: id, list: [1, 2] },
  tags: [1, 2],
  flag: true,
  i8: 1,
  i16: 2,
  i32: 3,
  f: 1.5,
  d: 2.5,
  color: 'blue',
})

/** Every endpoint of `rest-methods.ts`, in an order where each succeeds after the ones before it. */
export function restSeeds(): RestSeed[] {
  const badRows = [{ id: 5000, vec: [1, 2, 3], title: 'x', meta: {} }, { id: 5001, vec: [1, 2, 3], title: 'y', meta: {} }]
  const refWrite = { dbName: REFERENCE_DB, collectionName: REFERENCE }
  const rejectFrozen = ['data[0].vec', 'data[1].vec']
  const schema = {
    autoID: false,
    enableDynamicField: true,
    fields: [
      { fieldName: 'pk', dataType: 'VarChar', isPrimary: true, elementTypeParams: { max_length: 32 } },
      { fieldName: 'emb', dataType: 'FloatVector', elementTypeParams: { dim: DIM } },
      { fieldName: 'n', dataType: 'Int64', nullable: true },
      { fieldName: 'tags', dataType: 'Array', elementDataType: 'VarChar', elementTypeParams: { max_capacity: 4, max_length: 8 } },
    ],
  }
  return [
    seed('collections/create', { collectionName: 'fzr_quick', dimension: DIM, metricType: 'L2' }),
    seed('collections/create', { collectionName: 'fzr_full', schema, indexParams: [{ fieldName: 'emb', indexName: 'emb_idx', metricType: 'IP', indexType: 'HNSW', params: { M: 8, efConstruction: 32 } }] }),
    seed('collections/describe', { collectionName: FZ_ALL }),
    seed('collections/list', {}),
    seed('collections/has', { collectionName: FZ_ALL }),
    seed('collections/get_load_state', { collectionName: FZ_ALL }),
    seed('collections/get_stats', { collectionName: FZ_ALL }),
    seed('collections/load', { collectionName: FZ_ALL }),
    seed('collections/alter_properties', { collectionName: FZ_ALL, properties: { 'mmap.enabled': true } }),
    seed('collections/drop_properties', { collectionName: FZ_ALL, propertyKeys: ['mmap.enabled'] }),
    seed('entities/insert', { collectionName: FZ_ALL, data: [row(300), row(301)] }),
    seed('entities/insert', { dbName: FZ_DB, collectionName: FZ_DB_COLLECTION, data: { vec: [1, 1, 1, 1] } }),
    seed('entities/upsert', { collectionName: FZ_ALL, data: [row(300)] }),
    seed('entities/upsert', { collectionName: FZ_ALL, partialUpdate: true, data: [{ id: 301, title: 'partial' }] }),
    seed('entities/get', { collectionName: FZ_ALL, id: [300, 301], outputFields: ['*'] }),
    seed('entities/query', { collectionName: FZ_ALL, filter: 'id >= 0 and meta["a"] != 7', outputFields: ['id', 'title', 'meta', 'color'], limit: 10, offset: 0 }),
    seed('entities/query', { collectionName: FZ_ALL, filter: 'title in {t}', exprParams: { t: ['t300'] }, outputFields: ['count(*)'] }),
    seed('entities/search', { collectionName: FZ_ALL, annsField: 'vec', data: [[0.1, 0.2, 0.3, 0.4]], limit: 3, filter: 'id > 0', outputFields: ['title'], searchParams: { metricType: 'L2', params: { ef: 16 } } }),
    seed('entities/search', { collectionName: FZ_ALL, annsField: 'sparse', data: [{ '1': 1, '7': 0.5 }], limit: 3, searchParams: { metricType: 'IP' } }),
    seed('entities/search', { collectionName: FZ_ALL, annsField: 'vec', data: [[0, 0, 0, 1]], limit: 3, groupingField: 'i8', groupSize: 2, searchParams: { metricType: 'L2', params: { radius: 10, range_filter: 0 } } }),
    seed('entities/hybrid_search', {
      collectionName: FZ_ALL,
      search: [{ data: [[1, 0, 0, 0]], annsField: 'vec', limit: 5 }, { data: [[1, 1, 1, 1]], annsField: 'f16', limit: 5, searchParams: { metricType: 'COSINE' } }],
      rerank: { strategy: 'rrf', params: { k: 60 } },
      limit: 3,
      outputFields: ['title'],
    }),
    seed('entities/advanced_search', { collectionName: FZ_ALL, search: [{ data: [[1, 0, 0, 0]], annsField: 'vec', limit: 5 }], rerank: { strategy: 'weighted', params: { weights: [1] } }, limit: 3 }),
    seed('entities/delete', { collectionName: FZ_ALL, filter: 'id in [300]' }),
    seed('entities/delete', { collectionName: FZ_ALL, id: [301] }),
    seed('collections/flush', { collectionName: FZ_ALL }),
    seed('collections/compact', { collectionName: FZ_ALL }),
    seed('collections/get_compaction_state', { jobID: 1 }),
    seed('partitions/create', { collectionName: FZ_ALL, partitionName: 'fzr_part' }),
    seed('partitions/has', { collectionName: FZ_ALL, partitionName: FZ_PARTITION }),
    seed('partitions/list', { collectionName: FZ_ALL }),
    seed('partitions/load', { collectionName: FZ_ALL, partitionNames: [FZ_PARTITION] }),
    seed('partitions/release', { collectionName: FZ_ALL, partitionNames: [FZ_PARTITION] }),
    seed('partitions/get_stats', { collectionName: FZ_ALL, partitionName: '_default' }),
    seed('indexes/create', { collectionName: FZ_ALL, indexParams: [{ fieldName: 'i16', indexName: 'i16_idx', indexType: 'INVERTED' }] }),
    seed('indexes/describe', { collectionName: FZ_ALL, indexName: 'vec_idx' }),
    seed('indexes/list', { collectionName: FZ_ALL }),
    seed('aliases/create', { collectionName: FZ_STR, aliasName: 'fzr_alias' }),
    seed('aliases/describe', { aliasName: FZ_ALIAS }),
    seed('aliases/list', { collectionName: FZ_ALL }),
    seed('aliases/alter', { collectionName: FZ_ALL, aliasName: 'fzr_alias' }),
    seed('databases/create', { dbName: 'fzr_db', properties: { 'database.max.collections': 5 } }),
    seed('databases/list', {}),
    seed('databases/describe', { dbName: FZ_DB }),
    seed('databases/alter', { dbName: 'fzr_db', properties: { 'database.max.collections': 6 } }),
    seed('databases/alter_properties', { dbName: 'fzr_db', properties: { 'database.force.deny.writing': false } }),
    seed('databases/drop_properties', { dbName: 'fzr_db', propertyKeys: ['database.max.collections'] }),
    seed('users/create', { userName: 'fzr_user', password: 'password1' }),
    seed('users/list', {}),
    seed('users/describe', { userName: FZ_USER }),
    seed('roles/create', { roleName: 'fzr_role' }),
    seed('roles/list', {}),
    seed('users/grant_role', { userName: 'fzr_user', roleName: 'fzr_role' }),
    seed('roles/grant_privilege', { roleName: 'fzr_role', objectType: 'Collection', objectName: FZ_ALL, privilege: 'Search' }),
    seed('roles/describe', { roleName: FZ_ROLE }),
    seed('roles/revoke_privilege', { roleName: 'fzr_role', objectType: 'Collection', objectName: FZ_ALL, privilege: 'Search' }),
    seed('users/revoke_role', { userName: 'fzr_user', roleName: 'fzr_role' }),
    seed('users/update_password', { userName: FZ_USER, password: FZ_PASSWORD, newPassword: 'fzpass789' }),
    onReference('entities/query', { filter: 'id >= 0', outputFields: ['*'], limit: 100 }),
    onReference('entities/get', { id: [1, 2, 1000], outputFields: ['title', 'meta'] }),
    onReference('entities/search', { annsField: 'vec', data: [[0.1, 0.2, 0.3, 0.4]], limit: 5, outputFields: ['title'] }),
    onReference('entities/hybrid_search', { search: [{ data: [[1, 0, 0, 0]], annsField: 'vec', limit: 5 }], rerank: { strategy: 'rrf', params: { k: 60 } }, limit: 3 }),
    onReference('collections/describe', {}),
    onReference('collections/has', {}),
    onReference('collections/get_stats', {}),
    onReference('collections/get_load_state', {}),
    onReference('collections/flush', {}),
    onReference('collections/compact', {}),
    onReference('partitions/list', {}),
    onReference('partitions/has', { partitionName: '_default' }),
    onReference('partitions/get_stats', { partitionName: '_default' }),
    onReference('indexes/list', {}),
    onReference('indexes/describe', { indexName: 'vec_idx' }),
    onReference('aliases/list', {}),
    seed('entities/insert', { ...refWrite, data: badRows }, { target: 'reference-reject', frozen: rejectFrozen, forbiddenKeys: ['partialUpdate'], expectCode: 1100 }),
    seed('entities/upsert', { ...refWrite, data: badRows }, { target: 'reference-reject', frozen: [...rejectFrozen, 'partialUpdate'], forbiddenKeys: ['partialUpdate'], expectCode: 1100 }),
    seed('entities/delete', { ...refWrite, filter: 'id in [1, 2' }, { target: 'reference-reject', frozen: ['filter', 'id', 'ids'], forbiddenKeys: ['id', 'ids'], expectCode: 1100 }),
    seed('collections/create', { ...refWrite, dimension: DIM, indexParams: [{ fieldName: 'nope', metricType: 'L2' }] }, { target: 'reference-reject', frozen: ['collectionName', 'dbName'], expectCode: 1100 }),
    seed('collections/rename', { collectionName: FZ_ALL, newCollectionName: REFERENCE, newDbName: REFERENCE_DB }, { target: 'reference-reject', frozen: ['newCollectionName', 'newDbName'], expectCode: 1100 }),
    seed('partitions/drop', { collectionName: FZ_ALL, partitionName: 'fzr_part' }),
    seed('indexes/drop', { collectionName: FZ_ALL, indexName: 'i16_idx' }),
    seed('aliases/drop', { aliasName: 'fzr_alias' }),
    seed('users/drop', { userName: 'fzr_user' }),
    seed('roles/drop', { roleName: 'fzr_role' }),
    seed('collections/release', { collectionName: FZ_STR }),
    seed('collections/rename', { collectionName: FZ_STR, newCollectionName: 'fzr_renamed' }),
    seed('collections/drop', { collectionName: 'fzr_quick' }),
    seed('databases/drop', { dbName: 'fzr_db' }),
  ]
}
