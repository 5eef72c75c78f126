// The REST server on injected connections: close() lets an in-flight request finish (its answer
// says Connection: close), drops idle keep-alive connections, and then resolves; proven with a
// stub facade whose call is held open by the test.
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { Agent } from 'node:http'
import { createServer } from 'node:net'
import { test } from 'node:test'
import type { Quiver } from '../../engine/quiver.ts'
import { okStatus } from '../../engine/sdk/status.ts'
import { createRestServer } from './rest-server.ts'

function post(port: number, path: string, agent: Agent): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }))
    })
    req.on('error', reject)
    req.end('{"collectionName":"c"}')
  })
}

test('close waits for the in-flight request, then closes every connection', async () => {
  let release!: () => void
  const gate = new Promise<void>((r) => (release = r))
  let entered!: () => void
  const inside = new Promise<void>((r) => (entered = r))
  const client = {
    hasCollection: async () => {
      entered()
      await gate
      return { status: okStatus(), value: true }
    },
  } as unknown as Quiver
  const rest = createRestServer({ client, log: () => {} })
  const tcp = createServer((socket) => rest.injectConnection(socket))
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r))
  const port = (tcp.address() as { port: number }).port
  const agent = new Agent({ keepAlive: true, maxSockets: 2 })
  try {
    const notFound = await post(port, '/nope', agent)
    assert.equal(notFound.status, 404)
    const pending = post(port, '/v2/vectordb/collections/has', agent)
    await inside
    let closed = false
    const closing = rest.close().then(() => (closed = true))
    await new Promise((r) => setImmediate(r))
    assert.equal(closed, false)
    release()
    const answer = await pending
    assert.equal(answer.status, 200)
    assert.equal(answer.connection, 'close')
    assert.deepEqual(JSON.parse(answer.body), { code: 0, data: { has: true }, cost: 0 })
    await closing
    assert.equal(closed, true)
  } finally {
    agent.destroy()
    await new Promise((r) => tcp.close(r))
  }
})
