import { parentPort } from 'node:worker_threads'
import { type ServiceError } from '@grpc/grpc-js'
import { MilvusClient } from '@zilliz/milvus2-sdk-node'
import { seededRandom } from '../../src/vector/seeded-random.ts'
import { type Config, COLLECTION, SDK_TIMEOUT_MS, WARMUP_OPS } from './config.ts'
import { type OpStats, newOpStats, recordError, sdkStatusCode, nextRun, loopDelay } from './shared.ts'

// ---- worker: the mixing clients -----------------------------------------------------------------

export interface MixData {
  readonly role: 'mix'
  readonly address: string
  readonly cfg: Config
  readonly seed: number
}
export interface MixResult {
  readonly ops: Record<'upsert' | 'search' | 'query', OpStats>
  readonly upsertedRows: number
  readonly seconds: number
  readonly clientLoop: { p99Ms: number; maxMs: number }
}

export async function mixWorker(d: MixData): Promise<void> {
  const { cfg } = d
  const random = seededRandom(d.seed)
  const vector = () => Array.from({ length: cfg.dim }, () => random() * 2 - 1)
  const clients = Array.from(
    { length: cfg.clients },
    () => new MilvusClient({ address: d.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error', maxRetries: 0, pool: { min: 1, max: 1 }, channelOptions: { 'grpc.use_local_subchannel_pool': 1 } }),
  )
  await Promise.all(clients.map((c) => c.connectPromise))
  const extraKeys = Math.max(1, Math.floor(cfg.rows / 10))
  const cursors = clients.map((_, c) => Math.floor((c * extraKeys) / cfg.clients))
  let version = 0
  /** 90 % existing keys (distinct, random), 10 % keys from [rows, rows + rows/10), cycling: new on the first pass. */
  const upsertRows = (c: number) => {
    const keys = new Set<number>()
    const fresh = Math.max(1, Math.round(cfg.batchRows / 10))
    while (keys.size < cfg.batchRows - fresh) keys.add(Math.floor(random() * cfg.rows))
    for (let i = 0; i < fresh; i++) {
      keys.add(cfg.rows + cursors[c]!)
      cursors[c] = (cursors[c]! + 1) % extraKeys
    }
    version++
    return [...keys].map((id) => ({ id, n: id % 1000, title: `row ${id} v${version}`, vec: vector() }))
  }
  const ops = { upsert: newOpStats(), search: newOpStats(), query: newOpStats() }
  let upsertedRows = 0
  type Op = keyof typeof ops
  const callOp = async (c: number, op: Op): Promise<{ code: number; reason: string }> => {
    const client = clients[c]!
    if (op === 'upsert') {
      const data = upsertRows(c)
      const r = await client.upsert({ collection_name: COLLECTION, data })
      if (sdkStatusCode(r.status) === 0) upsertedRows += data.length
      return { code: sdkStatusCode(r.status), reason: r.status.reason }
    }
    if (op === 'search') {
      const r = await client.search({ collection_name: COLLECTION, data: [vector()], limit: 10, params: { ef: cfg.searchEf }, output_fields: ['id'] })
      const code = sdkStatusCode(r.status)
      if (code === 0 && r.results.length === 0) return { code: -3, reason: 'search answered no hits' }
      return { code, reason: r.status.reason }
    }
    const r = await client.query({ collection_name: COLLECTION, filter: `n == ${Math.floor(random() * 1000)}`, limit: 100, output_fields: ['id', 'n'] })
    return { code: sdkStatusCode(r.status), reason: r.status.reason }
  }
  const pickOp = (): Op => (random() < cfg.upsertShare ? 'upsert' : random() < cfg.searchShare ? 'search' : 'query')
  // Warm-up (untimed): every client searches and queries a few times.
  await Promise.all(clients.map(async (_, c) => { for (let i = 0; i < WARMUP_OPS; i++) await callOp(c, random() < cfg.searchShare ? 'search' : 'query') }))
  parentPort!.postMessage({ type: 'ready' })
  const { endAtMs } = (await nextRun())!
  const loop = loopDelay()
  const startedMs = Date.now()
  await Promise.all(
    clients.map(async (_, c) => {
      while (Date.now() < endAtMs) {
        const op = pickOp()
        const s = ops[op]
        const t = performance.now()
        try {
          const r = await callOp(c, op)
          s.latenciesMs.push(performance.now() - t)
          s.count++
          if (r.code !== 0) recordError(s, `code ${r.code}`, r.reason)
        } catch (e) {
          s.latenciesMs.push(performance.now() - t)
          s.count++
          recordError(s, `transport ${(e as ServiceError).code ?? (e as Error).name}`, (e as Error).message)
        }
      }
    }),
  )
  const result: MixResult = { ops, upsertedRows, seconds: (Date.now() - startedMs) / 1000, clientLoop: loop.stop() }
  for (const c of clients) await c.closeConnection()
  parentPort!.postMessage({ type: 'done', result })
}
