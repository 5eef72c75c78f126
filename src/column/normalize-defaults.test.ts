// The nullable / default_value table of Milvus (reference §1.8), row by row, for null and for an
// omitted value (key absent, or whole column absent), over several scalar types; plus "type errors
// beat defaults" and the placeholders stored under a null.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ErrorCode } from '../errors/errors.ts'
import type { FieldSpec } from '../schema/collection-schema.ts'
import type { Column } from './column.ts'
import { normalizeData } from './normalize-data.ts'
import { assertMilvusError, basicSchema } from './test-fixtures.ts'

const types: readonly { spec: FieldSpec; value: unknown; stored: unknown; placeholder: unknown }[] = [
  { spec: { dataType: 'Int32', defaultValue: 7 }, value: 1, stored: 7, placeholder: 0 },
  { spec: { dataType: 'Int64', defaultValue: '-5' }, value: 1, stored: -5n, placeholder: 0n },
  { spec: { dataType: 'Float', defaultValue: 0.5 }, value: 1, stored: 0.5, placeholder: 0 },
  { spec: { dataType: 'Bool', defaultValue: true }, value: false, stored: 1, placeholder: 0 },
  { spec: { dataType: 'VarChar', maxLength: 8, defaultValue: 'dflt' }, value: 'x', stored: 'dflt', placeholder: '' },
]

/** Three ways to give no value at row 1: null, key absent, and (for a 2-row columnar object) column absent. */
function columnFor(spec: FieldSpec, value: unknown, how: 'null' | 'omitted' | 'no column'): Column | undefined {
  const schema = basicSchema([{ ...spec, name: 'f' }])
  const opts = { schema, mode: 'insert' } as const
  const vec = [1, 2, 3, 4]
  if (how === 'no column') return normalizeData({ id: [0, 1], vec: [vec, vec] }, opts).columns.get('f')
  const second = how === 'null' ? { id: 1, vec, f: null } : { id: 1, vec }
  return normalizeData([{ id: 0, vec, f: value }, second], opts).columns.get('f')
}

const ways = ['null', 'omitted', 'no column'] as const

describe('nullable and default_value (§1.8)', () => {
  for (const { spec, value, stored, placeholder } of types) {
    const t = String(spec.dataType)
    for (const how of ways) {
      it(`${t}: nullable + default, ${how} → default stored, valid`, () => {
        const c = columnFor({ ...spec, nullable: true }, value, how)!
        assert.equal((c.values as ArrayLike<unknown>)[1], stored)
        assert.ok('validBits' in c && c.validBits !== null && c.validBits.get(1))
      })
      it(`${t}: nullable only, ${how} → null (valid bit 0, placeholder)`, () => {
        const { defaultValue: _, ...noDefault } = spec
        const c = columnFor({ ...noDefault, nullable: true }, value, how)!
        assert.equal((c.values as ArrayLike<unknown>)[1], placeholder)
        assert.ok('validBits' in c && c.validBits !== null && !c.validBits.get(1) && (how === 'no column' || c.validBits.get(0)))
      })
      it(`${t}: default only, ${how} → default stored, no validity bits`, () => {
        const c = columnFor(spec, value, how)!
        assert.equal((c.values as ArrayLike<unknown>)[1], stored)
        assert.ok('validBits' in c && c.validBits === null)
      })
      it(`${t}: neither (or a null default), ${how} → error naming field and row`, () => {
        const { defaultValue: _, ...noDefault } = spec
        for (const s of [noDefault, { ...noDefault, defaultValue: null }]) {
          const fragment = how === 'no column'
            ? 'fieldSchema(f) has no corresponding fieldData pass in'
            : 'field f at row 1: missing value, and the field is neither nullable nor has a default_value'
          assertMilvusError(() => columnFor(s, value, how), ErrorCode.ParameterInvalid, fragment)
        }
      })
    }
  }

  it('type errors beat defaults', () => {
    const schema = basicSchema([{ name: 'f', dataType: 'VarChar', maxLength: 8, defaultValue: 'd', nullable: true }])
    for (const bad of [[], 123]) {
      assertMilvusError(() => normalizeData([{ id: 1, vec: [1, 2, 3, 4], f: bad }], { schema, mode: 'insert' }),
        ErrorCode.ParameterInvalid, 'field f at row 0', 'The Input data type is inconsistent with defined schema')
    }
  })

  it('nullable JSON and Array store null / [] placeholders under a 0 valid bit', () => {
    const schema = basicSchema([
      { name: 'j', dataType: 'JSON', nullable: true },
      { name: 'a', dataType: 'Array', elementType: 'Int32', maxCapacity: 2, nullable: true },
    ])
    const b = normalizeData([{ id: 1, vec: [1, 2, 3, 4], j: null }], { schema, mode: 'insert' })
    const j = b.columns.get('j')!
    const a = b.columns.get('a')!
    assert.deepEqual(j.values, [null])
    assert.deepEqual(a.values, [[]])
    assert.ok(j.kind === 'json' && j.validBits !== null && !j.validBits.get(0))
    assert.ok(a.kind === 'array' && a.validBits !== null && !a.validBits.get(0))
  })

  it('a vector is never null', () => {
    const schema = basicSchema()
    assertMilvusError(() => normalizeData([{ id: 1, vec: null }], { schema, mode: 'insert' }), ErrorCode.ParameterInvalid,
      'field vec at row 0: missing value')
  })
})
