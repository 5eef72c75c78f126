// TLS on the one port: a self-signed certificate made at test time (openssl), gRPC through the Node
// SDK's MilvusClient (ssl + root certificate) and REST through https (HttpClient and a raw request),
// both terminated by the listener and seeing the same data.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { HttpClient, MilvusClient } from '@zilliz/milvus2-sdk-node'
import { type QuiverServer, startQuiverServer } from '../../src/server/quiver-server.ts'
import { tempDir } from '../support/temp-db.ts'
import { SDK_TIMEOUT_MS } from './server-fixture.ts'

const certs = tempDir('quiver-tls-')
const data = tempDir('quiver-tls-data-')
let server: QuiverServer
let ca: Buffer
const clients: MilvusClient[] = []

before(async () => {
  const key = join(certs.path, 'key.pem')
  const cert = join(certs.path, 'cert.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' })
  ca = readFileSync(cert)
  server = await startQuiverServer({ dataDir: data.path, host: '127.0.0.1', port: 0, quiverVersion: '0.0.0-test', log: () => {}, tls: { cert: ca, key: readFileSync(key) } })
})

after(async () => {
  for (const c of clients) await c.closeConnection()
  await server.close()
  certs.cleanup()
  data.cleanup()
})

/** A `fetch` over https trusting the test CA (what HttpClient calls). */
function httpsFetch(url: string, init: { method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ ok: boolean; status: number; statusText: string; text: () => Promise<string>; json: () => Promise<unknown> }>((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, ca, servername: 'localhost' }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => {
        const status = res.statusCode ?? 0
        resolve({ ok: status >= 200 && status < 300, status, statusText: res.statusMessage ?? '', text: async () => text, json: async () => JSON.parse(text) })
      })
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

test('gRPC over TLS and REST over https on the same port', async () => {
  const grpc = new MilvusClient({ address: `127.0.0.1:${server.port}`, ssl: true, tls: { rootCertPath: join(certs.path, 'cert.pem'), serverName: 'localhost' }, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
  clients.push(grpc)
  assert.equal((await grpc.getVersion()).version, 'v2.6.0')
  const created = await grpc.createCollection({ collection_name: 'secure', dimension: 2 })
  assert.equal(created.error_code, 'Success')
  assert.equal((await grpc.insert({ collection_name: 'secure', data: [{ id: 5, vector: [1, 2] }] })).status.error_code, 'Success')

  // biome-ignore lint/suspicious/noExplicitAny: the SDK's fetch type is the DOM one
  const http = new HttpClient({ endpoint: `https://127.0.0.1:${server.port}`, fetch: httpsFetch as any })
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's HTTP request types lag its server
  const got = (await http.get({ collectionName: 'secure', id: 5, outputFields: ['id', 'vector'] } as any)) as any
  assert.deepEqual(got, { code: 0, data: [{ id: '5', vector: [1, 2] }], cost: 0 })

  const raw = await httpsFetch(`https://127.0.0.1:${server.port}/v2/vectordb/collections/list`, { method: 'POST', body: '{}' })
  assert.deepEqual(await raw.json(), { code: 0, data: ['secure'], cost: 0 })
})

test('a plain-text client is refused on the TLS port', async () => {
  const res = await fetch(`http://127.0.0.1:${server.port}/v2/vectordb/collections/list`, { method: 'POST', body: '{}' }).then(
    () => 'answered',
    () => 'refused',
  )
  assert.equal(res, 'refused')
})
