
import { parentPort } from 'node:worker_threads'
import { Client, credentials, Metadata, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js'
import type protobuf from 'protobufjs'
import { exprLimits } from '../../src/expr/expr-limits.ts'
import { SEARCH_RESULTS_MAX } from '../../src/engine/search-spec.ts'
import { loadMilvusProto, MILVUS_SERVICE } from '../../src/server/grpc/milvus-proto.ts'
import { seededRandom } from '../../src/vector/seeded-random.ts'
import { type Config, COLLECTION, HEAVY_KEY_BASE, OPERATORS_MAX } from './config.ts'
import { type RunMessage, nextRun, loopDelay } from './shared.ts'

// ---- worker: the heavy client -------------------------------------------------------------------

export interface HeavyData {
  readonly role: 'heavy'
  readonly address: string
  readonly cfg: Config
}
/** One heavy request as sent: the RPC, its pre-encoded bytes, what the issue expects of it. */
export interface HeavyRequest {
  readonly kind: string
  readonly rpc: 'Search' | 'Query' | 'Insert' | 'Delete'
  readonly bytes: Buffer
  /** `refused`: past a limit, 1100 expected at once; `allowed`: within the limits, real work. */
  readonly expect: 'refused' | 'allowed'
}
export interface HeavyKindStats {
  readonly kind: string
  readonly expect: string
  requestBytes: number
  count: number
  ok: number
  refused1100: number
  /** Other Milvus codes (65535 among them), by code. */
  otherCodes: Record<string, number>
  /** gRPC errors (no answer), by gRPC status. */
  transport: Record<string, number>
  /** In flight when the phase ended (cancelled by the client; not an answer). */
  cancelledAtEnd: number
  latenciesMs: number[]
  responseBytes: number[]
  firstReason: Record<string, string>
}
export interface HeavyCall {
  readonly kind: string
  readonly startMs: number
  readonly endMs: number
}
export interface HeavyResult {
  readonly kinds: HeavyKindStats[]
  readonly calls: HeavyCall[]
  readonly prepareMs: number
  readonly clientLoop: { p99Ms: number; maxMs: number }
}

export function requestType(root: protobuf.Root, rpc: string): protobuf.Type {
  const m = root.lookupService(MILVUS_SERVICE).methods[rpc]!
  m.resolve()
  return m.resolvedRequestType!
}

export function heavyRequests(cfg: Config): HeavyRequest[] {
  const { root } = loadMilvusProto()
  const random = seededRandom(1234)
  const encode = (rpc: HeavyRequest['rpc'], body: Record<string, unknown>): Buffer => {
    const type = requestType(root, rpc)
    return Buffer.from(type.encode(type.fromObject(body)).finish())
  }
  const kv = (key: string, value: string) => ({ key, value })
  const placeholderType = root.lookupType('milvus.proto.common.PlaceholderGroup')
  const search = (nq: number, limit: number, ef: number) => {
    const values = Array.from({ length: nq }, () => {
      const v = new Float32Array(cfg.dim)
      for (let k = 0; k < cfg.dim; k++) v[k] = random() * 2 - 1
      return new Uint8Array(v.buffer)
    })
    const group = placeholderType.encode(placeholderType.fromObject({ placeholders: [{ tag: '$0', type: 'FloatVector', values }] })).finish()
    return encode('Search', {
      collection_name: COLLECTION,
      dsl: '',
      dsl_type: 'BoolExprV1',
      placeholder_group: group,
      nq,
      search_params: [kv('anns_field', 'vec'), kv('topk', String(limit)), kv('metric_type', 'L2'), kv('params', JSON.stringify({ ef })), kv('round_decimal', '-1')],
      output_fields: ['id'],
      consistency_level: 'Bounded',
      use_default_consistency: true,
    })
  }
  const query = (expr: string, outputFields: string[], limit?: number) =>
    encode('Query', { collection_name: COLLECTION, expr, output_fields: outputFields, query_params: limit === undefined ? [] : [kv('limit', String(limit))], consistency_level: 'Bounded', use_default_consistency: true })
  const list = (n: number, at: (i: number) => number) => {
    const parts = new Array<string>(n)
    for (let i = 0; i < n; i++) parts[i] = String(at(i))
    return `[${parts.join(',')}]`
  }
  const hits = (nq: number, limit: number) => (nq * limit > SEARCH_RESULTS_MAX ? 'refused' : 'allowed')
  const out: HeavyRequest[] = [
    { kind: 'search nq 16384 × limit 100', rpc: 'Search', bytes: search(16_384, 100, 100), expect: hits(16_384, 100) },
    { kind: 'search nq 1000 × limit 16384', rpc: 'Search', bytes: search(1_000, 16_384, 16_384), expect: hits(1_000, 16_384) },
    { kind: 'search nq 10000 × limit 100', rpc: 'Search', bytes: search(10_000, 100, 100), expect: hits(10_000, 100) },
  ]
  if (10_000 * 100 > SEARCH_RESULTS_MAX) {
    const nq = Math.floor(SEARCH_RESULTS_MAX / 100)
    out.push({ kind: `search nq ${nq} × limit 100 (most hits allowed)`, rpc: 'Search', bytes: search(nq, 100, 100), expect: hits(nq, 100) })
  }
  out.push({ kind: 'query id in [0..999999], no limit', rpc: 'Query', bytes: query(`id in ${list(1_000_000, (i) => i)}`, ['id']), expect: 1_000_000 > exprLimits.inListLengthMax ? 'refused' : 'allowed' })
  if (exprLimits.inListLengthMax < 1_000_000) {
    const n = exprLimits.inListLengthMax
    out.push({ kind: `query id in [${n.toLocaleString('en-US')} keys] (longest list allowed), no limit`, rpc: 'Query', bytes: query(`id in ${list(n, (i) => i * 3)}`, ['id']), expect: 'allowed' })
  }
  // An and chain of `terms` comparisons has 2·terms − 1 operators.
  const chain = (terms: number) => Array.from({ length: terms }, (_, i) => `id != ${-1 - i}`).join(' and ')
  const chainExpect = (terms: number) => (2 * terms - 1 > OPERATORS_MAX || chain(terms).length > exprLimits.exprLengthCharsMax ? 'refused' : 'allowed')
  out.push({ kind: '200,000-term and chain, limit 100', rpc: 'Query', bytes: query(chain(200_000), ['id'], 100), expect: chainExpect(200_000) })
  if (OPERATORS_MAX < 2 * 200_000 - 1) {
    const terms = Math.floor((OPERATORS_MAX + 1) / 2)
    out.push({ kind: `${terms.toLocaleString('en-US')}-term and chain (most operators allowed), limit 100`, rpc: 'Query', bytes: query(chain(terms), ['id'], 100), expect: chainExpect(terms) })
  }
  out.push({ kind: 'query 16384 rows, all fields', rpc: 'Query', bytes: query('n >= 0', ['id', 'n', 'title', 'vec'], 16_384), expect: 'allowed' })
  // The 100k-row insert of fresh keys, then their delete (so the collection keeps its size loop after loop).
  const n = cfg.heavyInsertRows
  const insertType = requestType(root, 'Insert')
  const ids = Array.from({ length: n }, (_, i) => HEAVY_KEY_BASE + i)
  const msg = insertType.fromObject({
    collection_name: COLLECTION,
    num_rows: n,
    fields_data: [
      { type: 'Int64', field_name: 'id', scalars: { long_data: { data: ids } } },
      { type: 'Int64', field_name: 'n', scalars: { long_data: { data: ids.map((id) => id % 1000) } } },
      { type: 'VarChar', field_name: 'title', scalars: { string_data: { data: ids.map((id) => `heavy ${id}`) } } },
      { type: 'FloatVector', field_name: 'vec', vectors: { dim: cfg.dim, float_vector: { data: [] } } },
    ],
  }) as unknown as { fields_data: { vectors: { float_vector: { data: ArrayLike<number> } } }[] }
  const floats = new Float32Array(n * cfg.dim)
  for (let i = 0; i < floats.length; i++) floats[i] = random() * 2 - 1
  msg.fields_data[3]!.vectors.float_vector.data = floats
  out.push({ kind: `insert ${n.toLocaleString('en-US')} rows`, rpc: 'Insert', bytes: Buffer.from(insertType.encode(msg).finish()), expect: 'allowed' })
  out.push({ kind: `delete those ${n.toLocaleString('en-US')} rows (by range)`, rpc: 'Delete', bytes: encode('Delete', { collection_name: COLLECTION, expr: `id >= ${HEAVY_KEY_BASE} and id < ${HEAVY_KEY_BASE + n}` }), expect: 'allowed' })
  return out
}

/** The `common.Status` of a response (field 1 of every response the heavy client sends), without decoding the rest. */
export function statusOfResponse(root: protobuf.Root, buf: Buffer): { code: number; reason: string } {
  const statusType = root.lookupType('milvus.proto.common.Status')
  let at = 0
  const varint = () => {
    let v = 0
    let shift = 0
    for (;;) {
      const b = buf[at++]!
      v += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return v
      shift += 7
    }
  }
  while (at < buf.length) {
    const tag = varint()
    const field = Math.floor(tag / 8)
    const wire = tag & 7
    if (wire === 0) varint()
    else if (wire === 1) at += 8
    else if (wire === 5) at += 4
    else if (wire === 2) {
      const len = varint()
      if (field === 1) {
        const s = statusType.toObject(statusType.decode(buf.subarray(at, at + len)), { enums: Number, defaults: true }) as { code: number; error_code: number; reason: string }
        return { code: s.code !== 0 ? s.code : s.error_code === 0 ? 0 : -(s.error_code), reason: s.reason }
      }
      at += len
    } else break
  }
  return { code: 0, reason: '' }
}

export async function heavyWorker(d: HeavyData): Promise<void> {
  const started = performance.now()
  const requests = heavyRequests(d.cfg)
  const prepareMs = performance.now() - started
  const { services } = loadMilvusProto()
  const client = new Client(d.address, credentials.createInsecure(), { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1, 'grpc.use_local_subchannel_pool': 1 })
  let inFlight: ClientUnaryCall | undefined
  const send = (r: HeavyRequest): Promise<{ err: ServiceError | null; raw: Buffer | undefined }> =>
    new Promise((resolve) => {
      inFlight = client.makeUnaryRequest(services.milvus[r.rpc]!.path, (b: Buffer) => b, (b: Buffer) => b, r.bytes, new Metadata(), { deadline: Date.now() + d.cfg.heavyDeadlineMs }, (err, raw) => resolve({ err, raw }))
    })
  parentPort!.postMessage({ type: 'ready' })
  for (let run = await nextRun(); run !== undefined; run = await nextRun()) {
    const result = await heavyRun(run, requests, send, () => inFlight?.cancel(), () => { inFlight = undefined })
    parentPort!.postMessage({ type: 'done', result: { ...result, prepareMs } satisfies HeavyResult })
  }
  client.close()
}

/** One heavy run: loops over the requests until `endAtMs` (or once), cancelling the one in flight at the end. */
export async function heavyRun(
  run: RunMessage,
  requests: readonly HeavyRequest[],
  send: (r: HeavyRequest) => Promise<{ err: ServiceError | null; raw: Buffer | undefined }>,
  cancel: () => void,
  sent: () => void,
): Promise<Omit<HeavyResult, 'prepareMs'>> {
  const { root } = loadMilvusProto()
  const kinds = requests.map(
    (r): HeavyKindStats => ({ kind: r.kind, expect: r.expect, requestBytes: r.bytes.length, count: 0, ok: 0, refused1100: 0, otherCodes: {}, transport: {}, cancelledAtEnd: 0, latenciesMs: [], responseBytes: [], firstReason: {} }),
  )
  const calls: HeavyCall[] = []
  let stopping = false
  const { endAtMs } = run
  const loop = loopDelay()
  const timer = setTimeout(() => {
    stopping = true
    cancel()
  }, endAtMs - Date.now())
  for (let pass = 0; !stopping && Date.now() < endAtMs && (run.onePass !== true || pass < 1); pass++) {
    for (let i = 0; i < requests.length && !stopping; i++) {
      const r = requests[i]!
      const s = kinds[i]!
      const startMs = Date.now()
      const t = performance.now()
      const { err, raw } = await send(r)
      const ms = performance.now() - t
      sent()
      calls.push({ kind: r.kind, startMs, endMs: Date.now() })
      if (err !== null && stopping && err.code === 1) {
        s.cancelledAtEnd++
        break
      }
      s.count++
      s.latenciesMs.push(ms)
      if (err !== null) {
        s.transport[err.code] = (s.transport[err.code] ?? 0) + 1
        s.firstReason[`grpc ${err.code}`] ??= err.message.slice(0, 200)
        continue
      }
      s.responseBytes.push(raw!.length)
      const status = statusOfResponse(root, raw!)
      if (status.code === 0) s.ok++
      else if (status.code === 1100) s.refused1100++
      else s.otherCodes[status.code] = (s.otherCodes[status.code] ?? 0) + 1
      if (status.code !== 0) s.firstReason[String(status.code)] ??= status.reason.slice(0, 200)
    }
  }
  clearTimeout(timer)
  return { kinds, calls, clientLoop: loop.stop() }
}
