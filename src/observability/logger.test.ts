// The logger: JSON lines with level and message, passwords and `authorization` metadata redacted;
// the request observer logs requests at debug and slow ones as warnings, never the request itself.
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { test } from 'node:test'
import { createLogger } from './logger.ts'
import { createRequestObserver } from './request-observer.ts'

function capture(): { stream: PassThrough; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (b: Buffer) => {
    text += b.toString()
  })
  return { stream, lines: () => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>) }
}

test('json format: level, msg, and secrets redacted', () => {
  const out = capture()
  const logger = createLogger({ level: 'info', format: 'json', destination: out.stream })
  logger.info({ user: 'bob', password: 'hunter22', metadata: { authorization: 'Ym9iOmh1bnRlcjIy' } }, 'login')
  logger.debug('hidden at info')
  const [line, ...rest] = out.lines()
  assert.equal(rest.length, 0)
  assert.equal(line!.msg, 'login')
  assert.equal(line!.level, 30)
  assert.equal(line!.password, '[redacted]')
  assert.deepEqual(line!.metadata, { authorization: '[redacted]' })
  assert.ok(!JSON.stringify(line).includes('hunter22'))
})

test('text format writes pretty lines, not JSON', () => {
  const out = capture()
  let text = ''
  out.stream.on('data', (b: Buffer) => {
    text += b.toString()
  })
  createLogger({ level: 'info', format: 'text', destination: out.stream }).warn('disk almost full')
  assert.match(text, /WARN.*disk almost full/)
  assert.throws(() => JSON.parse(text.trim()))
})

test('request observer: debug line per request, a warning above the slow threshold', () => {
  const out = capture()
  const logger = createLogger({ level: 'debug', format: 'json', destination: out.stream })
  const observe = createRequestObserver({ logger, slowRequestMs: 100 })
  observe({ method: 'Search', protocol: 'grpc', code: 0, seconds: 0.002 })
  observe({ method: 'Query', protocol: 'rest', code: 100, seconds: 0.25 })
  const [fast, slow] = out.lines()
  assert.deepEqual([fast!.level, fast!.msg, fast!.method, fast!.protocol, fast!.code, fast!.ms], [20, 'request', 'Search', 'grpc', 0, 2])
  assert.deepEqual([slow!.level, slow!.msg, slow!.method, slow!.code, slow!.ms, slow!.slowMs], [40, 'slow request', 'Query', 100, 250, 100])
})
