// The restart benchmark's server processes: start `quiver serve`, time its first answers, stop it by pid; a plain grpc-js client.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import * as grpc from '@grpc/grpc-js'
import { loadMilvusProto } from '../../src/server/grpc/milvus-proto.ts'
import { type Build, DIM, sleep, startMsMax } from './config.ts'
import { vectorsOf } from './data.ts'

export async function freePort(): Promise<number> {
  const srv = createServer()
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const port = (srv.address() as { port: number }).port
  srv.close()
  await once(srv, 'close')
  return port
}

export function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

export interface Served {
  readonly child: ChildProcess
  readonly port: number
  readonly startedAt: number
  /** JSON log lines the server wrote on stderr. */
  readonly logs: Record<string, unknown>[]
}

export function serve(build: Build, dir: string, port: number): Served {
  const startedAt = performance.now()
  const child = spawn(process.execPath, [build.main, 'serve', '--host', '127.0.0.1', '--port', String(port), '--metrics-port', '0', '--log-level', 'info', '--data', dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, QUIVER_LOG_FORMAT: 'json' },
  })
  const logs: Record<string, unknown>[] = []
  let rest = ''
  child.stderr!.on('data', (b: Buffer) => {
    rest += b.toString()
    const lines = rest.split('\n')
    rest = lines.pop()!
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        logs.push({ msg: line })
      }
    }
  })
  return { child, port, startedAt, logs }
}

/** SIGTERM by pid; resolves with the milliseconds until the process exited and its exit code. */
export async function stop(s: Served): Promise<{ ms: number; code: number | null }> {
  if (s.child.exitCode !== null) return { ms: 0, code: s.child.exitCode }
  const exited = once(s.child, 'exit')
  const t = performance.now()
  process.kill(s.child.pid!, 'SIGTERM')
  const [code] = (await exited) as [number | null]
  return { ms: performance.now() - t, code }
}


export type Rpc = (req: unknown, options?: { deadline?: number }) => Promise<Record<string, any>>
export const proto = loadMilvusProto()
export const MilvusService = grpc.makeGenericClientConstructor(proto.services.milvus as unknown as grpc.ServiceDefinition, 'MilvusService')
export const placeholderType = proto.root.lookupType('milvus.proto.common.PlaceholderGroup')

export function rpcClient(port: number): { call: (name: string) => Rpc; close: () => void } {
  const client = new MilvusService(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 }) as unknown as grpc.Client & Record<string, Function>
  const call = (name: string): Rpc => (req, options = {}) =>
    new Promise((resolve, reject) => {
      const cb = (e: Error | null, r: Record<string, any>) => (e === null ? resolve(r) : reject(e))
      client[name]!.call(client, req, new grpc.Metadata(), { deadline: options.deadline ?? Date.now() + 120_000 }, cb)
    })
  return { call, close: () => client.close() }
}

export function checkStatus(r: Record<string, any>, what: string): Record<string, any> {
  const status = r.status ?? r
  if ((status.code ?? 0) !== 0 && status.error_code !== 'Success') throw new Error(`${what}: ${JSON.stringify(status)}`)
  return r
}

export function searchRequest(row: number) {
  const placeholder_group = placeholderType.encode(placeholderType.fromObject({ placeholders: [{ tag: '$0', type: 101, values: [Buffer.from(vectorsOf(row, 1).buffer)] }] })).finish()
  return {
    collection_name: 'b',
    dsl: '',
    dsl_type: 'BoolExprV1',
    placeholder_group,
    nq: 1,
    search_params: [
      { key: 'anns_field', value: 'vec' },
      { key: 'topk', value: '10' },
      { key: 'metric_type', value: 'L2' },
      { key: 'params', value: JSON.stringify({ ef: 64 }) },
    ],
    output_fields: ['id'],
  }
}

export function upsertRequest(from: number, count: number) {
  return {
    collection_name: 'b',
    num_rows: count,
    fields_data: [
      { field_name: 'id', type: 'Int64', scalars: { long_data: { data: Array.from({ length: count }, (_, i) => String(from + i)) } } },
      { field_name: 'vec', type: 'FloatVector', vectors: { dim: String(DIM), float_vector: { data: Array.from(vectorsOf(from, count)) } } },
    ],
  }
}

export async function countRows(call: (name: string) => Rpc): Promise<number> {
  const r = checkStatus(await call('Query')({ collection_name: 'b', expr: '', output_fields: ['count(*)'] }), 'count')
  const field = (r.fields_data as { field_name: string; scalars: { long_data: { data: string[] } } }[]).find((f) => f.field_name === 'count(*)')
  return Number(field?.scalars.long_data.data[0])
}

export interface Started {
  readonly served: Served
  readonly rpc: ReturnType<typeof rpcClient>
  /** Process start → first CheckHealth answered healthy. */
  readonly healthMs: number
  /** … → first count(*) answered. */
  readonly countMs: number
  /** … → first search answered. */
  readonly searchMs: number
  readonly count: number
  /** CPU time (user + system, all threads) the server had used when it answered CheckHealth (/proc, 10 ms ticks). */
  readonly cpuMs: number
}

/** User + system CPU milliseconds of process `pid` so far (Linux /proc; NaN elsewhere). */
export function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S
  } catch {
    return Number.NaN
  }
}
/** `getconf CLK_TCK` on Linux. */
export const CLOCK_TICKS_PER_S = 100

/** Starts the server and times its first answers (TCP polled every 5 ms; the client connects once the port is open). */
export async function start(build: Build, dir: string): Promise<Started> {
  const port = await freePort()
  const served = serve(build, dir, port)
  while (!(await tcpOpen(port))) {
    if (served.child.exitCode !== null) throw new Error(`quiver serve exited with ${served.child.exitCode}: ${JSON.stringify(served.logs.slice(-3))}`)
    if (performance.now() - served.startedAt > startMsMax) throw new Error('quiver serve did not listen in time')
    await sleep(5)
  }
  const rpc = rpcClient(port)
  for (;;) {
    try {
      const h = await rpc.call('CheckHealth')({}, { deadline: Date.now() + 5_000 })
      if (h.isHealthy === true) break
    } catch {
      // not answering yet
    }
    await sleep(5)
  }
  const healthMs = performance.now() - served.startedAt
  const cpuMs = cpuMsOf(served.child.pid!)
  const count = await countRows(rpc.call)
  const countMs = performance.now() - served.startedAt
  checkStatus(await rpc.call('Search')(searchRequest(3)), 'search')
  const searchMs = performance.now() - served.startedAt
  return { served, rpc, healthMs, countMs, searchMs, count, cpuMs }
}

export function logLine(s: Served, msg: string): Record<string, unknown> | undefined {
  return s.logs.find((l) => l.msg === msg)
}
