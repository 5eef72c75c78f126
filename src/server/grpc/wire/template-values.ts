import { parseClientJson } from '../../../common/bounded-json.ts'
import { errors } from '../../../errors/errors.ts'

// biome-ignore lint/suspicious/noExplicitAny: wire messages are loosely typed objects
type Wire = Record<string, any>

/**
 * `expr_template_values` (map of `schema.TemplateValue`) → the plain values the engine's filter
 * templates take: int64 as bigint (no precision lost), floats, strings, booleans, lists.
 */
export function templateValuesOf(map: Readonly<Record<string, Wire>> | null | undefined): Record<string, unknown> | undefined {
  if (map === null || map === undefined) return undefined
  const keys = Object.keys(map)
  if (keys.length === 0) return undefined
  const out: Record<string, unknown> = {}
  for (const k of keys) out[k] = templateValue(k, map[k]!)
  return out
}

function templateValue(name: string, v: Wire): unknown {
  switch (v.val) {
    case 'bool_val':
      return v.bool_val
    case 'int64_val':
      return BigInt(v.int64_val)
    case 'float_val':
      return v.float_val
    case 'string_val':
      return v.string_val
    case 'array_val':
      return arrayValue(name, v.array_val, 1)
    default:
      throw errors.notSupported(`template value {${name}} of kind ${v.val ?? 'unset'} is not supported by Quiver`)
  }
}

/** Lists inside a template value, in levels (Milvus's filters take lists of scalars or of lists of scalars). */
const TEMPLATE_LIST_DEPTH_MAX = 8

function arrayValue(name: string, a: Wire, depth: number): unknown[] {
  if (depth > TEMPLATE_LIST_DEPTH_MAX) throw errors.invalid(`template value {${name}} nests lists more than ${TEMPLATE_LIST_DEPTH_MAX} levels deep`)
  switch (a?.data) {
    case 'bool_data':
    case 'double_data':
    case 'string_data':
      return a[a.data].data
    case 'long_data':
      return (a.long_data.data as string[]).map((s) => BigInt(s))
    case 'array_data':
      return (a.array_data.data as Wire[]).map((x) => arrayValue(name, x, depth + 1))
    case 'json_data':
      return (a.json_data.data as Uint8Array[]).map((b) => parseJson(name, b))
    default:
      return []
  }
}

function parseJson(name: string, b: Uint8Array): unknown {
  return parseClientJson(Buffer.from(b).toString('utf8'), `template value {${name}}`)
}
