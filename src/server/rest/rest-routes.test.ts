// The route table: every endpoint has a handler and a gRPC method name (one table), unknown
// paths have no route (HTTP 404), and errors become Milvus's envelope.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errors } from '../../errors/errors.ts'
import { errorEnvelope, successEnvelope } from './rest-envelope.ts'
import { RestFailure } from './rest-failure.ts'
import { restMethods } from './rest-methods.ts'
import { findRoute, REST_PREFIX, restHandlers } from './rest-routes.ts'

test('every method-table entry has a handler and every handler a method', () => {
  const handled = Object.entries(restHandlers).flatMap(([category, table]) => Object.keys(table).map((action) => `${category}/${action}`))
  assert.deepEqual([...handled].sort(), Object.keys(restMethods).sort())
  for (const endpoint of handled) assert.equal(findRoute(REST_PREFIX + endpoint)?.rpc, restMethods[endpoint])
})

test('routes carry the gRPC method authorisation checks', () => {
  assert.equal(findRoute('/v2/vectordb/entities/search')?.rpc, 'Search')
  assert.equal(findRoute('/v2/vectordb/entities/upsert')?.rpc, 'Upsert')
  assert.equal(findRoute('/v2/vectordb/collections/create')?.rpc, 'CreateCollection')
  assert.equal(findRoute('/v2/vectordb/entities/advanced_search')?.rpc, 'HybridSearch')
})

test('unknown paths have no route', () => {
  for (const p of ['/v2/vectordb/collections/nope', '/v2/vectordb/nope/list', '/v1/vector/collections', '/v2/vectordb/collections', '/v2/vectordb/collections/list/x', '/v2/vectordb/collections/toString', '/']) {
    assert.equal(findRoute(p), undefined, p)
  }
})

test('envelopes: success carries data, extras and cost; errors carry the Milvus code and message', () => {
  assert.deepEqual(successEnvelope({ data: [1], extra: { topks: [1] } }), { code: 0, data: [1], cost: 0, topks: [1] })
  const missing = errorEnvelope(errors.collectionNotFound('book'))
  assert.equal(missing.body.code, 100)
  assert.match(missing.body.message, /collection not found/)
  assert.equal(missing.unexpected, false)
  assert.deepEqual(errorEnvelope(new RestFailure(1100, 'bad dim')).body, { code: 1100, message: 'bad dim' })
  const bug = errorEnvelope(new TypeError('x is undefined'))
  assert.equal(bug.body.code, 65535)
  assert.equal(bug.unexpected, true)
})
