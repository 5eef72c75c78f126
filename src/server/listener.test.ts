// The one-port listener routes each connection by its first bytes (HTTP/2 preface → gRPC, anything
// else → HTTP/1.1) or, under TLS, by ALPN; proven with real sockets on 127.0.0.1 and fake routes.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect as netConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { test } from 'node:test'
import { connect as tlsConnect } from 'node:tls'
import { type ConnectionRoutes, openListener, routeOf } from './listener.ts'

const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'

test('routeOf: the HTTP/2 preface is gRPC, any other start is HTTP, a preface prefix is undecided', () => {
  assert.equal(routeOf(Buffer.from(PREFACE)), 'grpc')
  assert.equal(routeOf(Buffer.from(`${PREFACE}more frames`)), 'grpc')
  assert.equal(routeOf(Buffer.from('PRI * HT')), undefined)
  assert.equal(routeOf(Buffer.from('P')), undefined)
  assert.equal(routeOf(Buffer.from('POST /v2/vectordb/collections/list HTTP/1.1\r\n')), 'http')
  assert.equal(routeOf(Buffer.from('GET / HTTP/1.1')), 'http')
  assert.equal(routeOf(Buffer.from('PRX')), 'http')
})

/** Routes that record what they got and read the whole first message back from the socket. */
function recordingRoutes() {
  const seen: { route: 'grpc' | 'http'; head: string }[] = []
  const take = (route: 'grpc' | 'http') => (socket: Duplex) => {
    socket.once('data', (chunk: Buffer) => {
      seen.push({ route, head: chunk.toString('latin1') })
      socket.end('ok')
    })
    socket.resume()
  }
  const routes: ConnectionRoutes = { grpc: take('grpc'), http: take('http') }
  return { seen, routes }
}

function exchange(port: number, chunks: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = netConnect(port, '127.0.0.1')
    let answer = ''
    s.on('data', (d) => (answer += d.toString()))
    s.on('end', () => resolve(answer))
    s.on('error', reject)
    // The preface may arrive split: the listener must wait for enough bytes.
    s.on('connect', () => {
      for (const c of chunks) s.write(c)
    })
  })
}

test('a plain listener hands HTTP/1.1 and HTTP/2 connections to their routes with the first bytes intact', async () => {
  const listener = await openListener({ host: '127.0.0.1', port: 0 })
  try {
    assert.ok(listener.port > 0)
    const { seen, routes } = recordingRoutes()
    listener.serve(routes)
    assert.equal(await exchange(listener.port, ['POST /x HTTP/1.1\r\n\r\n']), 'ok')
    assert.equal(await exchange(listener.port, [PREFACE.slice(0, 5), PREFACE.slice(5)]), 'ok')
    assert.deepEqual(seen.map((s) => s.route), ['http', 'grpc'])
    assert.ok(seen[0]!.head.startsWith('POST /x'))
    assert.ok(seen[1]!.head.startsWith(PREFACE))
  } finally {
    await listener.close()
  }
})

test('connections accepted before serve() wait for the routes', async () => {
  const listener = await openListener({ host: '127.0.0.1', port: 0 })
  try {
    const { seen, routes } = recordingRoutes()
    const pending = exchange(listener.port, ['GET / HTTP/1.1\r\n\r\n'])
    // Serve once the connection is surely queued: after a round trip of a second connection's accept.
    await new Promise<void>((resolve) => {
      const probe = netConnect(listener.port, '127.0.0.1', () => {
        probe.destroy()
        resolve()
      })
    })
    listener.serve(routes)
    assert.equal(await pending, 'ok')
    assert.equal(seen[0]?.route, 'http')
  } finally {
    await listener.close()
  }
})

test('a TLS listener routes by ALPN after decrypting', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quiver-tls-'))
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' })
    const cert = readFileSync(join(dir, 'cert.pem'))
    const listener = await openListener({ host: '127.0.0.1', port: 0, tls: { cert, key: readFileSync(join(dir, 'key.pem')) } })
    try {
      assert.equal(listener.tls, true)
      const { seen, routes } = recordingRoutes()
      listener.serve(routes)
      for (const alpn of ['h2', 'http/1.1']) {
        const answer = await new Promise<string>((resolve, reject) => {
          const s = tlsConnect({ host: '127.0.0.1', port: listener.port, servername: 'localhost', ca: cert, ALPNProtocols: [alpn] }, () => s.write('hello'))
          let got = ''
          s.on('data', (d) => (got += d.toString()))
          s.on('end', () => resolve(got))
          s.on('error', reject)
        })
        assert.equal(answer, 'ok')
      }
      assert.deepEqual(seen, [{ route: 'grpc', head: 'hello' }, { route: 'http', head: 'hello' }])
    } finally {
      await listener.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
