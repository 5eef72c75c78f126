import { errors, type MilvusError } from '../errors/errors.ts'

/** Bad input at one row of one field: `field <f> at row <i>: <problem>` (code 1100). */
export function fieldRowError(field: string, row: number, problem: string): MilvusError {
  return errors.invalid(`field ${field} at row ${row}: ${problem}`)
}

/** Milvus's wording for a value of the wrong type, plus what was expected and what came. */
export function typeProblem(expected: string, v: unknown): string {
  return `The Input data type is inconsistent with defined schema, expected ${expected}, got ${describeValue(v)}`
}

const previewChars = 24

/** A short description of a value for messages: its type and a bounded preview. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null'
  switch (typeof v) {
    case 'string':
      return `string ${JSON.stringify(v.length > previewChars ? `${v.slice(0, previewChars)}…` : v)}`
    case 'number':
    case 'boolean':
      return `${typeof v} ${String(v)}`
    case 'bigint':
      return `bigint ${String(v)}`
    case 'undefined':
      return 'undefined'
    case 'object':
      if (Array.isArray(v)) return `array of length ${v.length}`
      if (ArrayBuffer.isView(v)) {
        return `${v.constructor.name} of length ${(v as unknown as ArrayLike<unknown>).length ?? v.byteLength}`
      }
      return v.constructor === Object || v.constructor === undefined ? 'object' : `${v.constructor.name} object`
    default:
      return typeof v
  }
}
