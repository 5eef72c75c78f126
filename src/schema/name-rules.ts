import { errors } from '../errors/errors.ts'
import { limits } from './limits.ts'

export type NameKind = 'collection' | 'partition' | 'field' | 'alias' | 'database' | 'index'

const capital: Record<NameKind, string> = {
  collection: 'collection',
  partition: 'partition',
  field: 'field',
  alias: 'alias',
  database: 'database',
  index: 'index',
}

/**
 * Milvus name rules (`validateCollectionNameOrAlias`, `validateFieldName`, `validatePartitionTag`):
 * non-empty, at most 255 characters, first character an underscore or a letter, then letters, digits
 * and underscores only. Throws 1100 with Milvus's wording.
 */
export function validateName(name: unknown, kind: NameKind): string {
  const what = capital[kind]
  const label = `Invalid ${what} name`
  if (typeof name !== 'string' || name.trim() === '') {
    throw errors.invalid(`${label}: ${String(name)}. ${what} name should not be empty`)
  }
  if (name.length > limits.nameLengthMax) {
    throw errors.invalid(
      `${label}: ${name}. the length of a ${what} name must be less than ${limits.nameLengthMax} characters`,
    )
  }
  const first = name[0]!
  if (first !== '_' && !isLetter(first)) {
    throw errors.invalid(`${label}: ${name}. the first character of a ${what} name must be an underscore or letter`)
  }
  for (let i = 1; i < name.length; i++) {
    const c = name[i]!
    if (c !== '_' && !isLetter(c) && !isDigit(c)) {
      throw errors.invalid(
        `${label}: ${name}. ${what} name can only contain numbers, letters and underscores`,
      )
    }
  }
  return name
}

function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9'
}
