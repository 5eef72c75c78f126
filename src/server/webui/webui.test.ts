// The console's HTTP surface on a real server (authorization off, metrics port 0): the page and its
// scripts come with a strict CSP and nothing else is served from disk; the JSON endpoints report
// what the engine holds (rows, segments, index progress) and REST v2 answers through the console.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { tempDir } from '../../../test/support/temp-db.ts'
import { type QuiverServer, startQuiverServer } from '../quiver-server.ts'

const dir = tempDir('quiver-webui-api-')
let server: QuiverServer
let base: string

before(async () => {
  server = await startQuiverServer({ dataDir: dir.path, host: '127.0.0.1', port: 0, metricsPort: 0, quiverVersion: '0.0.0-test', log: () => {}, engine: { segmentRowsMax: 10 } })
  base = `http://127.0.0.1:${server.ops!.port}`
  await server.client.createCollection({
    collection_name: 'docs',
    fields: [
      { name: 'id', data_type: 'Int64', is_primary_key: true },
      { name: 'vec', data_type: 'FloatVector', dim: 2 },
    ],
  })
  // Batches of 10, 10 and 5 with segments of 10 rows: two sealed segments and a growing one.
  for (const [from, to] of [[0, 10], [10, 20], [20, 25]] as const) {
    await server.client.insert({ collection_name: 'docs', data: Array.from({ length: to - from }, (_, i) => ({ id: from + i, vec: [from + i, 1] })) })
  }
  await server.client.delete({ collection_name: 'docs', filter: 'id in [0, 1]' })
})

after(async () => {
  await server.close()
  dir.cleanup()
})

test('the page: /webui redirects, assets carry a CSP, only listed files are served', async () => {
  const redirect = await fetch(`${base}/webui`, { redirect: 'manual' })
  assert.equal(redirect.status, 308)
  assert.equal(redirect.headers.get('location'), '/webui/')
  const page = await fetch(`${base}/webui/`)
  assert.equal(page.status, 200)
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/)
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/)
  assert.match(await page.text(), /<script type="module" src="console.js">/)
  const script = await fetch(`${base}/webui/console.js`)
  assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/)
  for (const path of ['/webui/../package.json', '/webui/%2e%2e/package.json', '/webui/webui.ts', '/webui/assets/index.html']) {
    assert.equal((await fetch(`${base}${path}`)).status, 404, path)
  }
  assert.equal((await fetch(`${base}/webui/`, { method: 'POST' })).status, 405)
  assert.equal((await fetch(`${base}/healthz`)).status, 200, 'the ops endpoints are still there')
})

test('overview and collection: rows, sealed segments of 10 rows, deletes, as the engine holds them', async () => {
  const session = await (await fetch(`${base}/webui/api/session`)).json()
  assert.deepEqual(session, { user: 'root', authorizationEnabled: false })
  const overview = (await (await fetch(`${base}/webui/api/overview`)).json()) as { collections: Record<string, unknown>[] }
  assert.equal(overview.collections.length, 1)
  assert.deepEqual(overview.collections[0], { database: 'default', name: 'docs', growingSegments: 1, sealedSegments: 2, growingRows: 5, sealedRows: 20, deletedRows: 2, pendingIndexRows: 0, pendingIndexBuilds: 0 })
  const view = (await (await fetch(`${base}/webui/api/collection?db=default&name=docs`)).json()) as { segments: { state: string; rowCount: number; deletedCount: number }[] }
  assert.deepEqual(
    view.segments.map((s) => [s.state, s.rowCount, s.deletedCount]),
    [
      ['sealed', 10, 2],
      ['sealed', 10, 0],
      ['growing', 5, 0],
    ],
  )
  const missing = await fetch(`${base}/webui/api/collection?db=default&name=nope`)
  assert.equal(missing.status, 404)
  assert.match(((await missing.json()) as { message: string }).message, /nope/)
  assert.equal((await fetch(`${base}/webui/api/nothing`)).status, 404)
  assert.equal((await fetch(`${base}/webui/api/overview`, { method: 'DELETE' })).status, 405)
})

test('REST v2 through the console: a query answers in Milvus envelope; an unknown endpoint is 404', async () => {
  const json = { 'content-type': 'application/json' }
  const res = await fetch(`${base}/webui/api/v2/vectordb/entities/query`, { method: 'POST', headers: json, body: JSON.stringify({ collectionName: 'docs', filter: 'id < 4', outputFields: ['id'] }) })
  const reply = (await res.json()) as { code: number; data: { id: number }[] }
  assert.equal(reply.code, 0)
  assert.deepEqual(reply.data.map((r) => Number(r.id)).toSorted((a, b) => a - b), [2, 3])
  assert.equal((await fetch(`${base}/webui/api/v2/vectordb/entities/nope`, { method: 'POST', headers: json, body: '{}' })).status, 404)
})

test('the console only reads: writes are not served, and a non-JSON post (a cross-origin form) is refused before it runs', async () => {
  const drop = await fetch(`${base}/webui/api/v2/vectordb/collections/drop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ collectionName: 'docs' }) })
  assert.equal(drop.status, 404)
  const del = await fetch(`${base}/webui/api/v2/vectordb/entities/delete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ collectionName: 'docs', filter: 'id >= 0' }) })
  assert.equal(del.status, 404)
  const form = await fetch(`${base}/webui/api/v2/vectordb/entities/query`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ collectionName: 'docs', filter: 'id >= 0' }) })
  assert.equal(form.status, 415)
  assert.equal((await server.client.count({ collection_name: 'docs' })).data, 23, 'nothing was deleted')
})

test('requests and configuration: the ring counted the calls above; engine settings without the path', async () => {
  const requests = (await (await fetch(`${base}/webui/api/requests`)).json()) as { samples: { count: number }[]; slowRequestMs: number }
  assert.ok(requests.samples.reduce((s, x) => s + x.count, 0) >= 1, 'the REST query was counted')
  assert.equal(requests.slowRequestMs, 5000)
  const config = (await (await fetch(`${base}/webui/api/config`)).json()) as { server: Record<string, unknown>; engine: Record<string, unknown> }
  assert.equal(config.engine.segmentRowsMax, 10)
  assert.equal(config.engine.path, undefined)
  assert.equal(config.server.authorizationEnabled, false)
  assert.equal(config.server.port, server.port)
})
