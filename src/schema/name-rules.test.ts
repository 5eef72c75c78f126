// Milvus name rules for every kind of name that reaches the catalog: path characters, dots, spaces
// and a leading digit are refused with 1100; the 255-character limit is tested at the boundary.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { limits } from './limits.ts'
import { type NameKind, validateName } from './name-rules.ts'

const kinds: NameKind[] = ['collection', 'partition', 'field', 'alias', 'database', 'index']

test('path-like and malformed names are refused for every kind', () => {
  for (const kind of kinds) {
    for (const bad of ['../x', 'a/b', 'a\\b', '.', 'a.b', 'a b', '1abc', '', ' ', 'a\u0000b', 'nam\u00e9']) {
      assert.throws(() => validateName(bad, kind), (e: Error) => (e as { code?: number }).code === 1100 && e.message.includes(`Invalid ${kind} name`), `${kind} ${JSON.stringify(bad)}`)
    }
    assert.equal(validateName('_ok_1', kind), '_ok_1')
  }
})

test('length limit at the boundary', () => {
  assert.equal(validateName('a'.repeat(limits.nameLengthMax), 'index'), 'a'.repeat(255))
  assert.throws(() => validateName('a'.repeat(limits.nameLengthMax + 1), 'index'), /must be less than 255 characters/)
})
