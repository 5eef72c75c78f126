// REST request parsing: bodies are JSON whatever the Content-Type (1801 otherwise), the database and
// credential headers follow Milvus's rules, a body over the limit is refused (1102) unread, and a body cut short is 1801.
import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import { PassThrough } from 'node:stream'
import { test } from 'node:test'
import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import { allowsInt64, BodyCutShort, BodyTooLarge, credentialsOf, databaseOf, parseBody, readBody } from './rest-request.ts'

const withHeaders = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage

function codeOf(fn: () => unknown): number {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof MilvusError)
    return e.code
  }
  return 0
}

test('bodies: JSON objects parse, empty is {}, bad JSON and non-objects are 1801', () => {
  assert.deepEqual(parseBody(Buffer.from('{"collectionName":"a"}')), { collectionName: 'a' })
  assert.deepEqual(parseBody(Buffer.from('  ')), {})
  assert.equal(codeOf(() => parseBody(Buffer.from('{bad'))), ErrorCode.IncorrectParameterFormat)
  assert.equal(codeOf(() => parseBody(Buffer.from('[1,2]'))), 1801)
  assert.equal(codeOf(() => parseBody(Buffer.from('"x"'))), 1801)
})

test('database: body dbName, else the DB-Name header, else default', () => {
  assert.equal(databaseOf({ dbName: 'a' }, withHeaders({ 'db-name': 'b' })), 'a')
  assert.equal(databaseOf({ dbName: '' }, withHeaders({ 'db-name': 'b' })), 'b')
  assert.equal(databaseOf({}, withHeaders({})), 'default')
})

test('headers: Bearer credentials (empty = none) and the int64 switch', () => {
  assert.equal(credentialsOf(withHeaders({ authorization: 'Bearer root:Milvus' })), 'root:Milvus')
  assert.equal(credentialsOf(withHeaders({ authorization: 'bearer root:my pass:word' })), 'root:my pass:word')
  assert.equal(credentialsOf(withHeaders({ authorization: 'Bearer ' })), undefined)
  assert.equal(credentialsOf(withHeaders({ authorization: 'Bearer' })), undefined)
  assert.equal(credentialsOf(withHeaders({})), undefined)
  // The scheme is required: a bare token, Basic or a scheme glued to the token are refused, not guessed.
  for (const authorization of ['root:Milvus', 'Basic cm9vdDpNaWx2dXM=', 'Bearerroot:Milvus', 'Token root:Milvus']) {
    assert.equal(codeOf(() => credentialsOf(withHeaders({ authorization }))), ErrorCode.Unauthenticated, authorization)
  }
  assert.equal(allowsInt64(withHeaders({ 'accept-type-allow-int64': 'true' })), true)
  assert.equal(allowsInt64(withHeaders({ 'accept-type-allow-int64': 'false' })), false)
  assert.equal(allowsInt64(withHeaders({})), false)
})

test('a body over the limit is refused with 1102, one byte under is read', async () => {
  const feed = (bytes: number) => {
    const s = new PassThrough()
    Object.assign(s, { headers: {} })
    s.end(Buffer.alloc(bytes, 32))
    return s as unknown as IncomingMessage
  }
  assert.equal((await readBody(feed(99), 100)).length, 99)
  assert.equal((await readBody(feed(100), 100)).length, 100)
  await assert.rejects(readBody(feed(101), 100), (e: unknown) => e instanceof BodyTooLarge && e.code === ErrorCode.ParameterTooLarge)
  await assert.rejects(readBody(withHeaders({ 'content-length': '101' }), 100), BodyTooLarge)
})

test('a body the client stops sending (connection closed) is 1801 cut short, not an unexpected error', async () => {
  const s = new PassThrough()
  Object.assign(s, { headers: { 'content-length': '100' } })
  s.write(Buffer.alloc(10, 32))
  const reading = readBody(s as unknown as IncomingMessage)
  setImmediate(() => s.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })))
  await assert.rejects(reading, (e: unknown) => e instanceof BodyCutShort && e.code === ErrorCode.IncorrectParameterFormat && /after 10 bytes/.test(e.message) && (e.cause as Error).message === 'aborted')
})
