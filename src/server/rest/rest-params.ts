import { ErrorCode, MilvusError } from '../../errors/errors.ts'

/** A parsed REST request body. */
export type RestBody = Readonly<Record<string, unknown>>

function missing(key: string): MilvusError {
  return new MilvusError(ErrorCode.MissingRequiredParameters, `${key} is required`)
}

function wrongType(key: string, expected: string, got: unknown): MilvusError {
  return new MilvusError(ErrorCode.IncorrectParameterFormat, `${key} must be ${expected}, got ${got === null ? 'null' : Array.isArray(got) ? 'an array' : typeof got}`)
}

const absent = (v: unknown) => v === undefined || v === null

export function requireString(body: RestBody, key: string): string {
  const v = body[key]
  if (absent(v) || v === '') throw missing(key)
  if (typeof v !== 'string') throw wrongType(key, 'a string', v)
  return v
}

export function optionalString(body: RestBody, key: string): string | undefined {
  const v = body[key]
  if (absent(v) || v === '') return undefined
  if (typeof v !== 'string') throw wrongType(key, 'a string', v)
  return v
}

export function optionalNumber(body: RestBody, key: string): number | undefined {
  const v = body[key]
  if (absent(v)) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v)) throw wrongType(key, 'a number', v)
  return v
}

export function optionalBoolean(body: RestBody, key: string): boolean | undefined {
  const v = body[key]
  if (absent(v)) return undefined
  if (typeof v !== 'boolean') throw wrongType(key, 'a boolean', v)
  return v
}

export function requireArray(body: RestBody, key: string): unknown[] {
  const v = body[key]
  if (absent(v)) throw missing(key)
  if (!Array.isArray(v)) throw wrongType(key, 'an array', v)
  if (v.length === 0) throw missing(key)
  return v
}

export function optionalStringList(body: RestBody, key: string): string[] | undefined {
  const v = body[key]
  if (absent(v)) return undefined
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw wrongType(key, 'an array of strings', v)
  return v as string[]
}

export function requireStringList(body: RestBody, key: string): string[] {
  const v = optionalStringList(body, key)
  if (v === undefined || v.length === 0) throw missing(key)
  return v
}

export function optionalObject(body: RestBody, key: string): RestBody | undefined {
  const v = body[key]
  if (absent(v)) return undefined
  if (typeof v !== 'object' || Array.isArray(v)) throw wrongType(key, 'an object', v)
  return v as RestBody
}

export function requireObject(body: RestBody, key: string): RestBody {
  const v = optionalObject(body, key)
  if (v === undefined) throw missing(key)
  return v
}

/** The object members of an array parameter (each checked). */
export function objectList(list: readonly unknown[], key: string): RestBody[] {
  return list.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw wrongType(`${key}[${i}]`, 'an object', item)
    return item as RestBody
  })
}

/** Drops undefined members, so facade requests only carry what the client sent. */
export function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> }
}
