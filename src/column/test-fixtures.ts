// Test-only helpers for the column/ tests: small schemas and an error matcher.
import assert from 'node:assert/strict'
import { MilvusError } from '../errors/errors.ts'
import { type CollectionSchema, createCollectionSchema, type FieldSpec } from '../schema/collection-schema.ts'

/** A collection `c` with the given fields, dynamic field off unless asked. */
export function schemaOf(fields: readonly FieldSpec[], enableDynamicField = false): CollectionSchema {
  return createCollectionSchema({ name: 'c', fields, enableDynamicField })
}

export const pkField: FieldSpec = { name: 'id', dataType: 'Int64', isPrimaryKey: true }
export const vecField: FieldSpec = { name: 'vec', dataType: 'FloatVector', dim: 4 }

/** id Int64 pk + vec FloatVector(4) + the extra fields. */
export function basicSchema(extra: readonly FieldSpec[] = [], enableDynamicField = false): CollectionSchema {
  return schemaOf([pkField, vecField, ...extra], enableDynamicField)
}

/** Asserts `fn` throws a MilvusError with `code` whose message contains every fragment. */
export function assertMilvusError(fn: () => unknown, code: number, ...fragments: string[]): MilvusError {
  let caught: unknown
  try {
    fn()
  } catch (e) {
    caught = e
  }
  assert.ok(caught instanceof MilvusError, `expected a MilvusError, got ${String(caught)}`)
  assert.equal(caught.code, code, caught.message)
  for (const f of fragments) assert.ok(caught.message.includes(f), `message "${caught.message}" lacks "${f}"`)
  return caught
}
