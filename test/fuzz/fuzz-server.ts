import { createHash } from 'node:crypto'
import { get as httpGet } from 'node:http'
import { Metadata } from '@grpc/grpc-js'
import { type Finding, leakIn } from './fuzz-oracle.ts'
import { fuzzWorldSteps, REFERENCE, REFERENCE_DB, REFERENCE_ROW_COUNT, referenceSteps, ROOT_TOKEN, type SetupStep } from './fuzz-world.ts'
import type { GrpcCase } from './grpc-fuzzer.ts'
import { type GrpcAnswer, GrpcRawClient, rootMetadata, statusOfResponse, type Wire } from './grpc-transport.ts'
import { type QuiverChild, startQuiverChild } from './quiver-child.ts'
import type { RestCase } from './rest-fuzzer.ts'
import { type RestAnswer, sendRaw } from './rest-transport.ts'

/** A fuzz request that gets no answer within this is a freeze. */
export const REQUEST_DEADLINE_MS = 30_000
/** A request allowed to go unanswered (a body that never comes) is given up after this. */
export const SILENT_WAIT_MS = 300
/** /healthz must answer 200 within this, during every batch and after it. */
export const HEALTH_MS_MAX = 5_000
/** How often /healthz is asked while a batch runs. */
const PROBE_INTERVAL_MS = 250
/** Setup, reset and reference reads (not fuzz requests) get this long. */
const CONTROL_DEADLINE_MS = 60_000

/** The reference collection as read back: row count (count(*)) and a digest of its rows (query). */
export interface ReferenceState {
  readonly count: number
  readonly rows: number
  readonly digest: string
}

/**
 * The server under test: a `quiver serve` child with the reference collection and the fuzz world
 * built, a raw gRPC client, and the checks run between batches.
 */
export class FuzzServer {
  readonly child: QuiverChild
  readonly grpc: GrpcRawClient
  readonly baseline: ReferenceState
  private readonly root: Metadata

  private constructor(child: QuiverChild, grpc: GrpcRawClient, baseline: ReferenceState) {
    this.child = child
    this.grpc = grpc
    this.baseline = baseline
    this.root = rootMetadata(ROOT_TOKEN)
  }

  /** Starts a fresh server, builds the reference and the fuzz world, reads the reference's baseline. */
  static async start(): Promise<FuzzServer> {
    const child = await startQuiverChild()
    const grpc = new GrpcRawClient(`127.0.0.1:${child.port}`)
    try {
      const root = rootMetadata(ROOT_TOKEN)
      const problems = [...(await runSteps(grpc, root, referenceSteps())), ...(await runSteps(grpc, root, fuzzWorldSteps()))]
      if (problems.length > 0) throw new Error(`building the fuzz world failed:\n${problems.join('\n')}`)
      const baseline = await readReference(grpc, root, child.port)
      if (baseline.count !== REFERENCE_ROW_COUNT || baseline.rows !== REFERENCE_ROW_COUNT) throw new Error(`the reference holds ${baseline.count} rows (query: ${baseline.rows}), expected ${REFERENCE_ROW_COUNT}`)
      return new FuzzServer(child, grpc, baseline)
    } catch (e) {
      grpc.close()
      await child.stop()
      throw e
    }
  }

  sendGrpc(c: GrpcCase): Promise<GrpcAnswer> {
    const md = new Metadata()
    for (const [k, v] of c.metadata.entries) md.add(k, v)
    return this.grpc.call(c.service, c.rpc, c.bytes, md, REQUEST_DEADLINE_MS)
  }

  sendRest(c: RestCase): Promise<RestAnswer> {
    return sendRaw(this.child.port, c.bytes, c.answer === 'json' ? REQUEST_DEADLINE_MS : SILENT_WAIT_MS)
  }

  /** After a batch: alive, healthy within HEALTH_MS_MAX, the reference unchanged, nothing unexpected logged. */
  async check(): Promise<Finding[]> {
    const found: Finding[] = []
    if (!this.child.alive()) return [{ kind: 'crash', detail: `the server exited (${JSON.stringify(this.child.exit())}): ${lastLines(this.child.outputTail())}` }]
    const health = await this.health()
    if (health !== undefined) found.push({ kind: 'freeze', detail: health })
    try {
      const now = await readReference(this.grpc, this.root, this.child.port)
      if (now.count !== this.baseline.count || now.rows !== this.baseline.rows || now.digest !== this.baseline.digest) {
        found.push({ kind: 'reference-changed', detail: `reference ${JSON.stringify(now)}, expected ${JSON.stringify(this.baseline)}` })
      }
    } catch (e) {
      found.push({ kind: 'reference-changed', detail: `the reference cannot be read: ${(e as Error).message}` })
    }
    for (const line of this.child.takeUnexpectedLines()) found.push({ kind: 'server-log', detail: logMessage(line) })
    return found
  }

  /**
   * Asks /healthz every PROBE_INTERVAL_MS until `stop()`, which resolves with the longest answer
   * time seen and the first failure: the event loop stalls a batch causes, not only the ones left
   * when it ends.
   */
  probeHealth(): { stop(): Promise<{ maxMs: number; failure?: string }> } {
    let running = true
    let maxMs = 0
    let failure: string | undefined
    const loop = (async () => {
      while (running) {
        const started = performance.now()
        const problem = await this.health()
        maxMs = Math.max(maxMs, performance.now() - started)
        if (problem !== undefined && failure === undefined && this.child.alive()) failure = problem
        await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS))
      }
    })()
    return {
      stop: async () => {
        running = false
        await loop
        return { maxMs, ...(failure === undefined ? {} : { failure }) }
      },
    }
  }

  /** Undefined when /healthz answers 200 in time, else what went wrong. */
  async health(): Promise<string | undefined> {
    const started = performance.now()
    const r = await getOnce(this.child.opsPort, '/healthz', HEALTH_MS_MAX)
    if (r.error !== undefined) return `/healthz did not answer within ${HEALTH_MS_MAX} ms (${Math.round(performance.now() - started)} ms: ${r.error})`
    if (r.status !== 200) return `/healthz answered ${r.status}: ${r.body.slice(0, 200)}`
    const leak = leakIn(r.body, this.child.dataDir)
    return leak === undefined ? undefined : `/healthz leaks ${leak}`
  }

  /**
   * Drops everything the fuzz made (databases, collections, aliases, users, roles, properties of
   * `default`) except the reference's database, and builds the fuzz world again.
   */
  async reset(): Promise<Finding[]> {
    const problems: string[] = []
    try {
      await this.teardown(problems)
      problems.push(...(await runSteps(this.grpc, this.root, fuzzWorldSteps())))
    } catch (e) {
      problems.push(`reset failed: ${(e as Error).message}`)
    }
    return problems.map((detail) => ({ kind: 'setup', detail }))
  }

  private async teardown(problems: string[]): Promise<void> {
    const call = async (rpc: string, tree: Wire): Promise<Wire> => {
      const a = await this.grpc.send(rpc, tree, this.root, CONTROL_DEADLINE_MS)
      if (a.res === undefined) throw new Error(`${rpc}: ${a.err?.message ?? a.decodeError}`)
      const code = statusOfResponse(a.res)?.code ?? -1
      if (code !== 0) problems.push(`${rpc} ${JSON.stringify(tree).slice(0, 120)}: ${code} ${statusOfResponse(a.res)?.reason}`)
      return a.res
    }
    const dbs = ((await call('ListDatabases', {})).db_names ?? []) as string[]
    for (const db of dbs) {
      if (db === REFERENCE_DB) continue
      for (const a of ((await call('ListAliases', { db_name: db })).aliases ?? []) as string[]) await call('DropAlias', { db_name: db, alias: a })
      for (const c of ((await call('ShowCollections', { db_name: db })).collection_names ?? []) as string[]) await call('DropCollection', { db_name: db, collection_name: c })
      if (db !== 'default') await call('DropDatabase', { db_name: db })
    }
    const props = ((await call('DescribeDatabase', { db_name: 'default' })).properties ?? []) as { key: string }[]
    if (props.length > 0) await call('AlterDatabase', { db_name: 'default', delete_keys: props.map((p) => p.key) })
    for (const user of ((await call('ListCredUsers', {})).usernames ?? []) as string[]) if (user !== 'root') await call('DeleteCredential', { username: user })
    for (const r of ((await call('SelectRole', {})).results ?? []) as { role: { name: string } }[]) {
      if (r.role.name !== 'admin' && r.role.name !== 'public') await call('DropRole', { role_name: r.role.name, force_drop: true })
    }
  }

  /** SIGTERM; the exit code (0 after a clean shutdown). */
  async stop(): Promise<number | null> {
    this.grpc.close()
    return this.child.stop()
  }
}

async function runSteps(grpc: GrpcRawClient, root: Metadata, steps: readonly SetupStep[]): Promise<string[]> {
  const problems: string[] = []
  for (const s of steps) {
    const a = await grpc.send(s.rpc, s.tree, root, CONTROL_DEADLINE_MS)
    const status = a.res === undefined ? undefined : statusOfResponse(a.res)
    if (status?.code !== 0) problems.push(`${s.rpc} ${JSON.stringify(s.tree, (_k, v) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 160)}: ${a.err?.message ?? a.decodeError ?? `${status?.code} ${status?.reason}`}`)
  }
  return problems
}

/** count(*) over gRPC, and every row over REST (query) hashed in key order. */
export async function readReference(grpc: GrpcRawClient, root: Metadata, port: number): Promise<ReferenceState> {
  const q = await grpc.send('Query', { db_name: REFERENCE_DB, collection_name: REFERENCE, expr: '', output_fields: ['count(*)'] }, root, CONTROL_DEADLINE_MS)
  if (q.res === undefined || statusOfResponse(q.res)?.code !== 0) throw new Error(`count(*): ${q.err?.message ?? q.decodeError ?? JSON.stringify(statusOfResponse(q.res!))}`)
  const count = Number(q.res.fields_data?.[0]?.scalars?.long_data?.data?.[0])
  const res = await fetch(`http://127.0.0.1:${port}/v2/vectordb/entities/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ROOT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ dbName: REFERENCE_DB, collectionName: REFERENCE, filter: 'id >= 0', outputFields: ['id', 'vec', 'title', 'meta'], limit: 1000 }),
    signal: AbortSignal.timeout(CONTROL_DEADLINE_MS),
  })
  const body = (await res.json()) as { code: number; message?: string; data?: { id: string }[] }
  if (body.code !== 0 || !Array.isArray(body.data)) throw new Error(`query: ${body.code} ${body.message}`)
  const rows = [...body.data].sort((a, b) => Number(a.id) - Number(b.id))
  return { count, rows: rows.length, digest: createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 16) }
}

/** One GET on a fresh connection (no keep-alive: a reused socket the server just closed would fail for the client's reasons, not the server's). */
function getOnce(port: number, path: string, timeoutMs: number): Promise<{ status?: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const req = httpGet({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', (e) => resolve({ body, error: e.message }))
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', (e) => resolve({ body: '', error: e.message }))
  })
}

function lastLines(text: string): string {
  return text.split('\n').slice(-12).join('\n')
}

/** The message of a JSON log line (pino), else the line. */
function logMessage(line: string): string {
  try {
    const o = JSON.parse(line) as { msg?: unknown; err?: { stack?: unknown } }
    return String(o.msg ?? line).slice(0, 2_000)
  } catch {
    return line.slice(0, 2_000)
  }
}
