import type { Properties } from '../../catalog/properties.ts'
import { errors } from '../../errors/errors.ts'

/**
 * A request's `properties`: an object (`{ 'collection.ttl.seconds': 60 }`, the SDK form) or a
 * `KeyValuePair` list (the wire form). Numbers and booleans become strings, as the SDK sends them.
 */
export function propertiesOf(value: unknown, param = 'properties'): Properties {
  if (value === undefined || value === null) return {}
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((kv, i) => {
        if (kv === null || typeof kv !== 'object' || typeof (kv as { key?: unknown }).key !== 'string') {
          throw errors.invalid(`${param}[${i}] should be a {key, value} pair`, { param })
        }
        return [(kv as { key: string }).key, (kv as { value?: unknown }).value ?? '']
      })
    : typeof value === 'object'
      ? Object.entries(value)
      : badType(param, value)
  const out: Record<string, string> = {}
  for (const [key, v] of entries) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw errors.invalid(`property ${key} has a ${v === null ? 'null' : typeof v} value, expected a string, number or boolean`, { key })
    }
    out[key] = String(v)
  }
  return out
}

function badType(param: string, value: unknown): never {
  throw errors.invalid(`${param} should be an object of key → value, got ${typeof value}`, { param })
}

/** The keys to delete: a list of strings (absent = none). */
export function propertyKeysOf(value: unknown, param: string): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || value.some((k) => typeof k !== 'string')) throw errors.invalid(`${param} should be a list of property keys`, { param })
  return value as string[]
}

/** Properties as the SDK returns them: `[{ key, value }]`. */
export function propertyList(props: Properties): { key: string; value: string }[] {
  return Object.entries(props).map(([key, value]) => ({ key, value }))
}
