import { loadMilvusProto } from '../../src/server/grpc/milvus-proto.ts'
import { mutateBytes } from './byte-mutator.ts'
import { FuzzRandom } from './fuzz-random.ts'
import { f32, fd, FUZZ_NAMES, FZ_ALL, FZ_DB, FZ_PASSWORD, FZ_USER, fzAllRows, kv, ROOT_TOKEN, schemaOf, sparseRow } from './fuzz-world.ts'
import type { GrpcSeed, Target } from './grpc-seeds.ts'
import { placeholder } from './grpc-seeds.ts'
import { requestTypeOf, type ServiceName } from './grpc-transport.ts'
import { deepJson, hostileExpression } from './interesting-values.ts'
import { deepMessage, mutateTree } from './proto-mutator.ts'
import { EncodeBudgetExceeded, ENCODED_BYTES_MAX, encodeTree } from './wire-writer.ts'
import { RepeatedRun, type WireTree } from './wire-tree.ts'

/** Metadata a case is sent with: root's credentials, or a hostile variant. */
export interface MetadataVariant {
  readonly name: string
  readonly entries: readonly (readonly [string, string])[]
  /** The call must authenticate (true), must be refused UNAUTHENTICATED (false), or either (undefined). */
  readonly authenticates: boolean | undefined
}

/** One gRPC request of a run, regenerated exactly from (run seed, index). */
export interface GrpcCase {
  readonly id: string
  readonly service: ServiceName
  readonly rpc: string
  readonly target: Target
  readonly bytes: Uint8Array
  readonly metadata: MetadataVariant
  /** How it was made: the seed and each mutation. */
  readonly notes: readonly string[]
}

const b64 = (s: string) => Buffer.from(s).toString('base64')
export const ROOT_METADATA: MetadataVariant = { name: 'root', entries: [['authorization', b64(ROOT_TOKEN)]], authenticates: true }
const root = ROOT_METADATA.entries[0]!

/** The fuzz user: no privileges, so most calls are PERMISSION_DENIED (its password may have been changed by then). */
const FUZZ_USER_METADATA: MetadataVariant = { name: 'fuzz user', entries: [['authorization', b64(`${FZ_USER}:${FZ_PASSWORD}`)]], authenticates: undefined }

/** Credentials and database headers a client could send; only `root` and `root+dbname` authenticate as root. */
const HOSTILE_METADATA: readonly MetadataVariant[] = [
  { name: 'no credentials', entries: [], authenticates: false },
  { name: 'wrong password', entries: [['authorization', b64('root:wrong')]], authenticates: false },
  { name: 'not base64', entries: [['authorization', '%%%not base64%%%']], authenticates: false },
  { name: 'no colon', entries: [['authorization', b64('rootMilvus')]], authenticates: false },
  { name: 'empty', entries: [['authorization', '']], authenticates: false },
  { name: 'huge token', entries: [['authorization', b64(`root:${'x'.repeat(6_000)}`)]], authenticates: false },
  FUZZ_USER_METADATA,
  { name: 'two tokens in one value', entries: [['authorization', `${b64(ROOT_TOKEN)}, ${b64('root:wrong')}`]], authenticates: false },
  { name: 'root+dbname', entries: [root, ['dbname', FZ_DB]], authenticates: true },
  { name: 'root+unknown dbname', entries: [root, ['dbname', 'no_such_db']], authenticates: true },
  { name: 'root+long dbname', entries: [root, ['dbname', 'd'.repeat(300)]], authenticates: true },
]

/** Edge cases may be this large (random cases stay within ENCODED_BYTES_MAX). */
const EDGE_BYTES_MAX = 20 * 1024 * 1024

/** How often a random case's metadata is hostile, its RPC one Quiver does not implement, or another RPC's bytes. */
const HOSTILE_METADATA_RATE = 0.04
const UNIMPLEMENTED_RATE = 0.03
const CROSSED_RATE = 0.03
/** RPCs with this many times the weight of the others (where the decoding and the engine work is). */
const HEAVY_RPCS: Readonly<Record<string, number>> = { Search: 4, Insert: 4, Upsert: 4, Query: 4, HybridSearch: 3, Delete: 3, CreateCollection: 2, CreateIndex: 2 }

/** The seeds, the curated edge cases, and what random cases are drawn from. */
export interface GrpcCorpus {
  readonly seeds: readonly GrpcSeed[]
  readonly edges: readonly GrpcSeed[]
  /** Encoded seeds of the fuzz world, spliced into byte-level mutations and sent as other RPCs' bytes. */
  readonly donors: readonly Uint8Array[]
  /** Seed indexes weighted by RPC, for random cases. */
  readonly weightedSeeds: readonly (readonly [number, number])[]
  /** MilvusService methods without a handler (answer 3000, or UNIMPLEMENTED for four). */
  readonly unimplemented: readonly string[]
}

export function createGrpcCorpus(seeds: readonly GrpcSeed[], implemented: ReadonlySet<string>): GrpcCorpus {
  const perRpc = new Map<string, number>()
  for (const s of seeds) perRpc.set(s.rpc, (perRpc.get(s.rpc) ?? 0) + 1)
  const weightedSeeds = seeds.map((s, i) => [i, (HEAVY_RPCS[s.rpc] ?? 1) / perRpc.get(s.rpc)!] as const)
  const methods = Object.keys(loadMilvusProto().services.milvus)
  return {
    seeds,
    edges: edgeCases(),
    // Never the reference's seeds: a splice or crossed bytes could carry its names into a write.
    donors: seeds.filter((s) => s.target === 'fuzz').map((s) => encodeTree(requestTypeOf(s.service, s.rpc), s.tree)),
    weightedSeeds,
    unimplemented: methods.filter((m) => !implemented.has(m)),
  }
}

/** How many cases the fixed part of a run has: every seed as is, then every edge case. */
export function fixedCaseCount(corpus: GrpcCorpus): number {
  return corpus.seeds.length + corpus.edges.length
}

/**
 * Case `index` of the run: seeds first, edge cases next, then random mutations of a seed (message
 * level, byte level, or both), with hostile metadata now and then, sometimes to an RPC Quiver does
 * not implement or with another RPC's bytes.
 */
export function grpcCase(corpus: GrpcCorpus, runSeed: number, index: number): GrpcCase {
  const id = `grpc:${index}`
  if (index < corpus.seeds.length) return fromSeed(id, corpus.seeds[index]!, ['seed as is'])
  const edgeIndex = index - corpus.seeds.length
  if (edgeIndex < corpus.edges.length) return fromSeed(id, corpus.edges[edgeIndex]!, ['edge case'], EDGE_BYTES_MAX)
  return randomCase(id, corpus, FuzzRandom.forCase(runSeed, 'grpc', index))
}

function fromSeed(id: string, s: GrpcSeed, notes: readonly string[], bytesMax = ENCODED_BYTES_MAX): GrpcCase {
  const metadata = s.asFuzzUser === true ? FUZZ_USER_METADATA : ROOT_METADATA
  return { id, service: s.service, rpc: s.rpc, target: s.target, bytes: encodeTree(requestTypeOf(s.service, s.rpc), s.tree, bytesMax), metadata, notes: [`${s.rpc} (${s.target}), metadata ${metadata.name}`, ...notes] }
}

function randomCase(id: string, corpus: GrpcCorpus, rnd: FuzzRandom): GrpcCase {
  const metadata = rnd.chance(HOSTILE_METADATA_RATE) ? rnd.pick(HOSTILE_METADATA) : ROOT_METADATA
  if (rnd.chance(UNIMPLEMENTED_RATE)) {
    const rpc = rnd.pick(corpus.unimplemented)
    const type = requestTypeOf('milvus', rpc)
    const tree = mutateTree(type, {}, rnd, { names: FUZZ_NAMES }).tree
    return { id, service: 'milvus', rpc, target: 'fuzz', bytes: encodeOrEmpty(type, tree), metadata, notes: [`${rpc} (not implemented), random`] }
  }
  const s = corpus.seeds[rnd.weighted(corpus.weightedSeeds)]!
  if (s.target !== 'reference-reject' && rnd.chance(CROSSED_RATE)) {
    const donor = rnd.pick(corpus.donors)
    return { id, service: s.service, rpc: s.rpc, target: s.target, bytes: donor, metadata, notes: [`${s.rpc} (${s.target}) sent another RPC's request`] }
  }
  const type = requestTypeOf(s.service, s.rpc)
  const notes = [`${s.rpc} (${s.target}), metadata ${metadata.name}`]
  const mode = s.target === 'reference-reject' ? 'message' : rnd.weighted([['message', 6], ['both', 2], ['bytes', 2]] as const)
  let bytes = encodeTree(type, s.tree)
  if (mode !== 'bytes') {
    for (let attempt = 0; attempt < 4; attempt++) {
      const m = tryMutate(() => mutateTree(type, s.tree, rnd, { names: FUZZ_NAMES, ...(s.frozen === undefined ? {} : { frozen: s.frozen }) }))
      if (m === undefined) continue
      const encoded = tryEncode(type, m.tree)
      if (encoded === undefined) continue
      bytes = encoded
      notes.push(...m.notes)
      break
    }
  }
  if (mode !== 'message') {
    const m = mutateBytes(bytes, rnd, corpus.donors)
    bytes = m.bytes
    notes.push(...m.notes)
  }
  return { id, service: s.service, rpc: s.rpc, target: s.target, bytes, metadata, notes }
}

/** The mutation, or undefined when it grew past what V8 can hold (a string or array length). */
function tryMutate<T>(mutate: () => T): T | undefined {
  try {
    return mutate()
  } catch (e) {
    if (e instanceof RangeError) return undefined
    throw e
  }
}

/** The encoding, or undefined when it is over the budget or too deep for the encoder's stack. */
function tryEncode(type: ReturnType<typeof requestTypeOf>, tree: WireTree): Uint8Array | undefined {
  try {
    return encodeTree(type, tree)
  } catch (e) {
    if (e instanceof EncodeBudgetExceeded || e instanceof RangeError) return undefined
    throw e
  }
}

function encodeOrEmpty(type: ReturnType<typeof requestTypeOf>, tree: WireTree): Uint8Array {
  return tryEncode(type, tree) ?? new Uint8Array(0)
}

const schemaType = (name: string) => loadMilvusProto().root.lookupType(`milvus.proto.schema.${name}`)
const edge = (rpc: string, tree: WireTree): GrpcSeed => ({ rpc, service: 'milvus', tree, target: 'fuzz' })
const searchKv = (params: string, more: WireTree[] = []) => [kv('anns_field', 'vec'), kv('topk', '5'), kv('metric_type', 'L2'), kv('params', params), ...more]
const floatGroup = placeholder('FloatVector', [f32([1, 0, 0, 0])])

/** Requests known to hurt somewhere: sizes and counts at their edges, nesting thousands deep, mismatched dims. */
function edgeCases(): GrpcSeed[] {
  const deep5000 = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`
  const deep100k = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
  const search = (more: WireTree, params = '{"ef":16}', kvs: WireTree[] = []) => edge('Search', { collection_name: FZ_ALL, dsl_type: 'BoolExprV1', placeholder_group: floatGroup, search_params: searchKv(params, kvs), nq: 1, ...more })
  const rows = fzAllRows(500)
  const withField = (name: string, replacement: WireTree) => rows.map((f) => (f.field_name === name ? replacement : f))
  const rnd = new FuzzRandom(1)
  return [
    edge('Upsert', { collection_name: FZ_ALL, num_rows: 4_294_967_295 }),
    edge('Insert', { collection_name: FZ_ALL, num_rows: 4_294_967_295 }),
    edge('Insert', { collection_name: FZ_ALL, fields_data: rows, num_rows: 4_294_967_295 }),
    edge('Insert', { collection_name: FZ_ALL, fields_data: rows, num_rows: 0 }),
    edge('Upsert', { collection_name: FZ_ALL, partial_update: true, fields_data: [fd.int64('id', [1])], num_rows: 4_294_967_295 }),
    edge('Insert', { collection_name: FZ_ALL, fields_data: withField('vec', fd.floatVector('vec', 0, [1, 2, 3, 4])), num_rows: 3 }),
    edge('Insert', { collection_name: FZ_ALL, fields_data: withField('vec', { type: 'FloatVector', field_name: 'vec', vectors: { dim: '9223372036854775807', float_vector: { data: [1] } } }), num_rows: 3 }),
    edge('Insert', { collection_name: FZ_ALL, fields_data: withField('vec', fd.floatVector('vec', 4, [new RepeatedRun(1, 1_000_000)] as unknown as number[])), num_rows: 3 }),
    edge('Insert', { collection_name: FZ_ALL, fields_data: withField('bvec', fd.binaryVector('bvec', 16, Uint8Array.of(1))), num_rows: 3 }),
    edge('Insert', { collection_name: FZ_ALL, fields_data: withField('f16', fd.float16Vector('f16', 4, Uint8Array.of(1, 2, 3))), num_rows: 3 }),
    edge('Insert', { collection_name: FZ_ALL, fields_data: withField('sparse', fd.sparse('sparse', [Uint8Array.of(1, 2, 3, 4, 5, 6, 7), sparseRow([[4_294_967_295, 1]]), sparseRow([[5, Number.NaN], [2, 1], [2, 1]])])), num_rows: 3 }),
    edge('Insert', { collection_name: FZ_ALL, fields_data: withField('meta', { type: 'JSON', field_name: 'meta', scalars: { json_data: { data: [Buffer.from(deep5000), Buffer.from(deep100k), Buffer.from('{"a":')] } } }), num_rows: 3 }),
    edge('Insert', { collection_name: FZ_ALL, fields_data: withField('tags', { type: 'Array', field_name: 'tags', scalars: { array_data: { element_type: 'Array', data: [deepMessage(schemaType('ScalarField'), rnd, 10_000), {}, {}] } } }), num_rows: 3 }),
    edge('Insert', { collection_name: FZ_ALL, fields_data: withField('title', fd.varchar('title', ['a'.repeat(70_000), '\u0000', ''])), num_rows: 3 }),
    edge('Insert', { collection_name: FZ_ALL, fields_data: [...rows, ...rows], num_rows: 3 }),
    edge('Insert', { collection_name: FZ_ALL, fields_data: [...rows.filter((f) => f.field_name !== '$meta'), { ...fd.floatVector('$meta', 4, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), is_dynamic: true }], num_rows: 3 }),
    edge('Upsert', { collection_name: FZ_ALL, fields_data: [...rows.filter((f) => f.field_name !== '$meta'), { type: 'JSON', field_name: 'extra', is_dynamic: true }], num_rows: 3 }),
    edge('Insert', { collection_name: FZ_ALL, fields_data: rows.map((f) => ({ ...f, valid_data: [new RepeatedRun(true, 100_000)] })), num_rows: 3 }),
    search({}, deep5000),
    search({}, deep100k),
    search({}, '{"ef":1e400}'),
    search({ dsl: hostileExpression(new FuzzRandom(5)) }),
    search({ dsl: `${'('.repeat(5_000)}id > 0${')'.repeat(5_000)}` }),
    search({ dsl: `${'not '.repeat(50_000)}id > 0` }),
    search({ nq: 1_000 }),
    search({ placeholder_group: placeholder('FloatVector', [Uint8Array.of(1, 2, 3)]) }),
    search({ placeholder_group: placeholder('FloatVector', [f32(new Array(1_000_000).fill(0.5))]) }),
    search({ placeholder_group: placeholder('BinaryVector', [Uint8Array.of(1, 2)]) }),
    search({ placeholder_group: placeholder('FloatVector', []) }),
    search({}, '{}', [kv('topk', '2147483647')]),
    search({}, '{}', [kv('topk', '-1'), kv('offset', '9223372036854775807')]),
    search({}, '{}', [kv('round_decimal', '1000'), kv('group_by_field', 'meta'), kv('group_size', '4294967295')]),
    search({ ids: { int_id: { data: [new RepeatedRun(1, 100_000)] } } }),
    edge('Search', { collection_name: FZ_ALL, ids: { int_id: { data: [new RepeatedRun(1, 1_000_000)] } }, search_params: searchKv('{}'), nq: 1 }),
    search({ expr_template_values: { ids: deepMessage(schemaType('TemplateValue'), rnd, 100_000) }, dsl: 'id in {ids}' }),
    edge('HybridSearch', { collection_name: FZ_ALL, requests: [], rank_params: [kv('strategy', 'rrf'), kv('params', deep5000)] }),
    edge('HybridSearch', { collection_name: FZ_ALL, requests: [new RepeatedRun({ dsl: '', placeholder_group: floatGroup, search_params: searchKv('{}'), nq: 1 }, 1_000)], rank_params: [kv('strategy', 'weighted'), kv('params', '{"weights":[]}')] }),
    edge('Query', { collection_name: FZ_ALL, expr: `${'('.repeat(5_000)}id > 0${')'.repeat(5_000)}` }),
    edge('Query', { collection_name: FZ_ALL, expr: `${'('.repeat(100_000)}id > 0${')'.repeat(100_000)}` }),
    edge('Query', { collection_name: FZ_ALL, expr: `id in [${'1,'.repeat(200_000)}1]`, output_fields: ['count(*)'] }),
    edge('Query', { collection_name: FZ_ALL, expr: 'id > 0', query_params: [kv('limit', '9223372036854775807'), kv('offset', '9007199254740993')] }),
    edge('Query', { collection_name: FZ_ALL, expr: 'id in {x}', expr_template_values: { x: deepMessage(schemaType('TemplateValue'), rnd, 10_000) } }),
    edge('Query', { collection_name: FZ_ALL, expr: 'meta["a"] == 1', output_fields: [new RepeatedRun('meta', 100_000)] }),
    edge('Delete', { collection_name: FZ_ALL, expr: `${'('.repeat(5_000)}id > 100000${')'.repeat(5_000)}` }),
    edge('Delete', { collection_name: FZ_ALL, expr: '' }),
    edge('CreateIndex', { collection_name: FZ_ALL, field_name: 'vec', extra_params: [kv('index_type', 'HNSW'), kv('metric_type', 'L2'), kv('params', deep5000)] }),
    edge('CreateIndex', { collection_name: FZ_ALL, field_name: 'vec', extra_params: [kv('index_type', 'HNSW'), kv('metric_type', 'L2'), kv('params', '{"M":2147483647,"efConstruction":-1}')] }),
    edge('CreateCollection', { collection_name: 'fz_edge', schema: schemaOf('fz_edge', [{ name: 'id', is_primary_key: true, data_type: 'Int64' }, { name: 'v', data_type: 'FloatVector', type_params: [kv('dim', '2147483648')] }]) }),
    edge('CreateCollection', { collection_name: 'fz_edge', schema: schemaOf('fz_edge', []) }),
    edge('CreateCollection', { collection_name: 'fz_edge', schema: schemaOf('fz_edge', Array.from({ length: 1_000 }, (_, i) => ({ name: `f${i}`, data_type: i === 0 ? 'Int64' : 'FloatVector', is_primary_key: i === 0, type_params: [kv('dim', '4')] }))) }),
    edge('CreateCollection', { collection_name: 'fz_edge', schema: schemaOf('fz_edge', [{ name: 'id', is_primary_key: true, data_type: 'VarChar', type_params: [kv('max_length', '4294967296')] }, { name: 'v', data_type: 'FloatVector', type_params: [kv('dim', '4')] }]) }),
    edge('CreateCollection', { collection_name: 'fz_edge', schema: schemaOf('fz_edge', [{ name: 'id', is_primary_key: true, data_type: 'Int64' }, { name: 'v', data_type: 'FloatVector', type_params: [kv('dim', '4')] }], { properties: [kv('collection.ttl.seconds', deep5000)] }) }),
    edge('CreateCollection', { collection_name: 'x'.repeat(100_000), schema: schemaOf('x'.repeat(100_000), []) }),
    edge('AlterCollection', { collection_name: FZ_ALL, properties: [kv('collection.ttl.seconds', '9223372036854775807'), kv(deep5000, deep5000)] }),
    edge('AlterDatabase', { db_name: FZ_DB, properties: [kv('database.max.collections', '-1'), kv('database.force.deny.writing', deepJson(new FuzzRandom(2), 5_000))] }),
    edge('ShowCollections', { collection_names: [new RepeatedRun('c'.repeat(100), 50_000)] }),
    edge('GetMetrics', { request: deep100k }),
    edge('GetMetrics', { request: `{"metric_type":"system_info","x":${deep5000}}` }),
    edge('GetCompactionState', { compactionID: '-9223372036854775808' }),
    edge('GetCompactionStateWithPlans', { compactionID: '9223372036854775807' }),
    edge('GetReplicas', { collectionID: '-1' }),
    edge('GetFlushState', { segmentIDs: [new RepeatedRun('9223372036854775807', 100_000)], collection_name: '' }),
    edge('GetFlushState', { segmentIDs: [new RepeatedRun(1, 4_000_000)], collection_name: FZ_ALL }),
    edge('Connect', { client_info: { reserved: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'])) } }),
    edge('CreateCredential', { username: FZ_USER, password: 'not base64 at all %%%' }),
    edge('CreateCredential', { username: 'fz_long', password: b64('p'.repeat(100_000)) }),
    edge('OperatePrivilegeV2', { role: { name: 'x'.repeat(10_000) }, grantor: { privilege: { name: deep5000 } }, type: 99 }),
    edge('SelectGrant', { entity: { role: { name: 'admin' }, object: { name: 'Collection' }, object_name: '*', db_name: '*' } }),
    // Access errors quote the names: they travel in the grpc-message trailer (a header).
    { ...edge('DropCollection', { db_name: 'x'.repeat(100_000), collection_name: 'c' }), asFuzzUser: true },
    { ...edge('DropCollection', { db_name: '\u{1F600}'.repeat(50_000), collection_name: 'c' }), asFuzzUser: true },
    { ...edge('Search', { collection_name: `a${'\u{1F600}'.repeat(50_000)}`, placeholder_group: floatGroup }), asFuzzUser: true },
  ]
}
