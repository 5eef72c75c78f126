// A flood of failed REST logins no longer stalls writes (issue 11, finding 3): root's upserts finish
// while 32 clients keep sending wrong passwords, repeated wrong passwords cost one scrypt, the flood's
// address is backed off (its cached logins still pass), and other addresses log in as before.
// REST clients bind distinct loopback addresses (127.0.0.x) so the server sees distinct peers; gRPC
// calls are backed off by their peer address too.
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { after, before, test } from 'node:test'
import { MilvusClient } from '@zilliz/milvus2-sdk-node'
import type { RbacAccessControl } from '../../src/auth/rbac-access-control.ts'
import { type QuiverServer, startQuiverServer } from '../../src/server/quiver-server.ts'
import { tempDir } from '../support/temp-db.ts'
import { SDK_TIMEOUT_MS } from './server-fixture.ts'

/** Concurrent attackers, as in the issue. */
const FLOOD_CLIENTS = 32
/** Root's upserts measured during the flood. */
const UPSERT_COUNT = 10
/** Generous: the stall this guards against was 2.6 s per upsert on an idle 2-core machine, 13-20 s on a busy one; a fixed server answers in milliseconds. */
const UPSERT_MS_MAX = 3_000
const FREE_FAILURES = 5

const dir = tempDir('quiver-login-flood-')
let server: QuiverServer

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
function post(path: string, body: unknown, token: string, from = '127.0.0.1'): Promise<any> {
  const payload = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, localAddress: from, method: 'POST', path: `/v2/vectordb/${path}`, headers: { authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(payload) }, agent: false },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve(JSON.parse(text)))
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

const counters = () => ({ ...(server.access as RbacAccessControl).loginCounters })

/** Each of FLOOD_CLIENTS clients sends wrong-password requests from `from`, one after another, until `stop()`. */
function flood(from: string, password: (client: number, i: number) => string) {
  let stopped = false
  const codes = new Map<number, number>()
  const clients = Array.from({ length: FLOOD_CLIENTS }, async (_, client) => {
    for (let i = 0; !stopped; i++) {
      const r = await post('collections/list', {}, `root:${password(client, i)}`, from)
      codes.set(r.code, (codes.get(r.code) ?? 0) + 1)
    }
  })
  return {
    codes,
    stop: async () => {
      stopped = true
      await Promise.all(clients)
    },
  }
}

before(async () => {
  server = await startQuiverServer({ dataDir: dir.path, host: '127.0.0.1', port: 0, quiverVersion: '0.0.0-test', log: () => {}, authorizationEnabled: true, loginBackoffFailures: FREE_FAILURES })
  assert.equal((await post('collections/create', { collectionName: 'c', dimension: 4 }, 'root:Milvus')).code, 0)
  assert.equal((await post('users/create', { userName: 'alice', password: 'alice-secret' }, 'root:Milvus')).code, 0)
  assert.equal((await post('users/create', { userName: 'bob', password: 'bob-secret' }, 'root:Milvus')).code, 0)
})

after(async () => {
  await server.close()
  dir.cleanup()
})

test('one wrong password sent by 32 clients at once costs one scrypt', async () => {
  const before = counters().scryptRuns
  const answers = await Promise.all(Array.from({ length: FLOOD_CLIENTS }, () => post('collections/list', {}, 'root:the-same-wrong-pw', '127.0.0.2')))
  assert.ok(answers.every((r) => r.code === 1800), JSON.stringify(answers[0]))
  assert.equal(counters().scryptRuns - before, 1)
})

test('root upserts while 32 clients flood wrong passwords; logins elsewhere work; the flood is backed off', async () => {
  const before = counters()
  const attack = flood('127.0.0.3', (client, i) => `wrong-${client}-${i}`)
  const upsertMs: number[] = []
  try {
    for (let i = 0; i < UPSERT_COUNT; i++) {
      const started = performance.now()
      const r = await post('entities/upsert', { collectionName: 'c', data: [{ id: i, vector: [1, 0, 0, i] }] }, 'root:Milvus')
      upsertMs.push(performance.now() - started)
      assert.equal(r.code, 0, JSON.stringify(r))
    }
    // Another address: a wrong password is refused, the right one accepted, during the flood.
    assert.equal((await post('collections/list', {}, 'alice:not-her-pw', '127.0.0.4')).code, 1800)
    assert.equal((await post('collections/list', {}, 'alice:alice-secret', '127.0.0.4')).code, 0)
    // The flooding address: refused at once even with a right password that is not cached yet ...
    const refused = await post('collections/list', {}, 'bob:bob-secret', '127.0.0.3')
    assert.equal(refused.code, 1800)
    assert.match(refused.message, /too many failed logins from 127\.0\.0\.3/)
    // ... while credentials verified before (from anywhere) still pass from there: they cost nothing.
    assert.equal((await post('collections/list', {}, 'root:Milvus', '127.0.0.3')).code, 0)
    assert.equal((await post('collections/list', {}, 'alice:alice-secret', '127.0.0.3')).code, 0)
  } finally {
    await attack.stop()
  }
  const after = counters()
  assert.deepEqual([...attack.codes.keys()], [1800], 'every flood request was refused')
  const floodCount = [...attack.codes.values()].reduce((a, b) => a + b, 0)
  assert.ok(floodCount >= FLOOD_CLIENTS, `${floodCount} flood requests`)
  // Past its free failures the address is refused without scrypt: the runs are bounded by the free
  // failures plus the checks already pending when they ran out, whatever the length of the flood.
  assert.ok(after.scryptRuns - before.scryptRuns <= FREE_FAILURES + 8 + 2, JSON.stringify({ before, after }))
  assert.ok(after.backedOff - before.backedOff > 0)
  assert.ok(Math.max(...upsertMs) < UPSERT_MS_MAX, `upserts took ${upsertMs.map((ms) => ms.toFixed(0)).join(', ')} ms`)
})

test('gRPC: failed logins back off their peer address; cached credentials still pass', async () => {
  assert.equal((await post('users/create', { userName: 'carol', password: 'carol-secret' }, 'root:Milvus')).code, 0)
  const clients: MilvusClient[] = []
  const connect = (username: string, password: string) => {
    const c = new MilvusClient({ address: `127.0.0.1:${server.port}`, timeout: SDK_TIMEOUT_MS, logLevel: 'error', username, password })
    c.connectPromise.catch(() => undefined)
    clients.push(c)
    return c
  }
  const unauthenticated = (text: RegExp) => (e: unknown) => (e as { code?: number }).code === 16 && text.test((e as Error).message)
  try {
    const root = connect('root', 'Milvus')
    assert.equal((await root.listCollections()).status.error_code, 'Success')
    // The same wrong guess, call after call (the SDK's own Connect is one more): refused, then backed off.
    const guesser = connect('carol', 'a-wrong-guess')
    let calls = 0
    for (let backedOff = false; !backedOff; calls++) {
      assert.ok(calls <= FREE_FAILURES, 'backed off after the free failures')
      const e = await guesser.listCollections().then(() => undefined, (e: unknown) => e)
      assert.ok(unauthenticated(/username and password|too many failed logins/)(e), String(e))
      backedOff = /too many failed logins from 127\.0\.0\.1/.test((e as Error).message)
    }
    // Backed off means even the right password waits (its check would cost a hash): asked at once over
    // REST from the same address (the backoff is per address, whatever the protocol; one plain request,
    // where a new gRPC client's own setup can outlast the first 1 s wait on a busy machine).
    const rest = await post('collections/list', {}, 'carol:carol-secret', '127.0.0.1')
    assert.equal(rest.code, 1800, JSON.stringify(rest))
    assert.match(rest.message, /too many failed logins from 127\.0\.0\.1/)
    assert.equal((await root.listCollections()).status.error_code, 'Success')
  } finally {
    for (const c of clients) await c.closeConnection().catch(() => undefined)
  }
})
