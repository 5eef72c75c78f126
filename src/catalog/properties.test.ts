// Property maps: set and delete are exclusive, known keys have their values checked (Go ParseBool
// spellings, non-negative integers), unknown keys are kept as given, and the input is never mutated.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MilvusError } from '../errors/errors.ts'
import { alteredProperties, initialProperties, propertyBool, propertyCount } from './properties.ts'

test('set merges, delete removes, the current map is not mutated', () => {
  const current = Object.freeze({ a: '1', 'mmap.enabled': 'true' })
  assert.deepEqual(alteredProperties(current, { b: 'x', 'collection.ttl.seconds': '0' }, [], 'collection'), { a: '1', 'mmap.enabled': 'true', b: 'x', 'collection.ttl.seconds': '0' })
  assert.deepEqual(alteredProperties(current, {}, ['a', 'missing'], 'collection'), { 'mmap.enabled': 'true' })
  assert.deepEqual(current, { a: '1', 'mmap.enabled': 'true' })
})

test('set and delete together, or neither, are 1100', () => {
  for (const [set, del] of [[{ a: '1' }, ['b']], [{}, []]] as const) {
    assert.throws(() => alteredProperties({}, set, del, 'database'), (e: unknown) => e instanceof MilvusError && e.code === 1100)
  }
})

test('known keys check their values; the scope decides which keys are known', () => {
  const bad = (key: string, value: string, scope: 'collection' | 'database') =>
    assert.throws(() => initialProperties({ [key]: value }, scope), (e: unknown) => e instanceof MilvusError && e.code === 1100 && e.message.includes(key))
  bad('collection.ttl.seconds', '-1', 'collection')
  bad('collection.ttl.seconds', '1.5', 'collection')
  bad('collection.autocompaction.enabled', 'yes', 'collection')
  bad('database.max.collections', 'ten', 'database')
  bad('database.force.deny.writing', 'on', 'database')
  assert.deepEqual(initialProperties({ 'database.max.collections': 'ten' }, 'collection'), { 'database.max.collections': 'ten' })
})

test('propertyBool reads ParseBool spellings, propertyCount non-negative integers', () => {
  assert.equal(propertyBool({ k: 'T' }, 'k'), true)
  assert.equal(propertyBool({ k: '0' }, 'k'), false)
  assert.equal(propertyBool({ k: 'yes' }, 'k'), undefined)
  assert.equal(propertyBool({}, 'k'), undefined)
  assert.equal(propertyCount({ k: '+12' }, 'k'), 12)
  assert.equal(propertyCount({ k: '-1' }, 'k'), undefined)
})
