import { jsonLimits, jsonNestingDepth } from '../../../common/bounded-json.ts'
import { errors } from '../../../errors/errors.ts'

/** A `common.KeyValuePair` list → an object (a later key wins). */
export function kvObject(list: readonly { key: string; value: string }[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  for (const kv of list ?? []) out[kv.key] = kv.value
  return out
}

/** An object → a `KeyValuePair` list (values as strings; objects as JSON). */
export function kvList(obj: Readonly<Record<string, unknown>>): { key: string; value: string }[] {
  return Object.entries(obj).map(([key, v]) => ({ key, value: typeof v === 'string' ? v : JSON.stringify(v) }))
}

/** A number given as a string; undefined when absent or empty, 1100 naming the key when not a number. */
export function numberParam(kv: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const v = kv[key]
  if (v === undefined || v === null || v === '') return undefined
  const n = typeof v === 'number' ? v : Number(v)
  if (!Number.isFinite(n)) throw errors.invalid(`${key} [${String(v)}] is not a number`, { key })
  return n
}

/** A boolean given as a string, case-insensitively (pymilvus sends `False`). */
export function boolParam(kv: Readonly<Record<string, unknown>>, key: string): boolean | undefined {
  const v = kv[key]
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v === 'boolean') return v
  const s = String(v).toLowerCase()
  if (s === 'true') return true
  if (s === 'false') return false
  throw errors.invalid(`${key} [${String(v)}] is not a boolean`, { key })
}

/** A JSON object given as a string (`params`); {} when absent, 1100 when malformed. */
export function jsonParam(kv: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> {
  const v = kv[key]
  if (v === undefined || v === null || v === '') return {}
  if (typeof v === 'object') return v as Record<string, unknown>
  const text = String(v)
  if (jsonNestingDepth(text) > jsonLimits.jsonNestingDepthMax) throw errors.invalid(`${key} is nested more than ${jsonLimits.jsonNestingDepthMax} levels deep`, { key })
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw errors.invalid(`${key} [${clip(text)}] is not valid JSON`, { key })
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw errors.invalid(`${key} should be a JSON object, got ${clip(text)}`, { key })
  return parsed as Record<string, unknown>
}

/** A client value quoted in an error message, cut to 200 characters. */
function clip(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 200)}…`
}
