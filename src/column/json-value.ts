import { describeValue } from './value-problem.ts'

/**
 * JSON values as stored: null, booleans, strings, finite numbers, arrays and plain objects, nested at
 * most `jsonDepthMax` levels (which also stops cycles). Object keys whose value is `undefined` are
 * dropped, as `JSON.stringify` does; anything else (bigint, NaN, Date, Map, class instances, holes)
 * is refused rather than silently changed.
 */
export const jsonDepthMax = 64

/** Returned by `copyJsonValue` for input that is not a JSON value. */
export const notJson: unique symbol = Symbol('not a JSON value')

/** A deep copy of a JSON value (so stored data never aliases the caller's objects), or `notJson`. */
export function copyJsonValue(v: unknown, depth = 0): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v
    case 'number':
      return Number.isFinite(v) ? v : notJson
    case 'object':
      if (v === null) return null
      if (depth >= jsonDepthMax) return notJson
      if (Array.isArray(v)) return copyArray(v, depth)
      return isPlainObject(v) ? copyObject(v as Record<string, unknown>, depth) : notJson
    default:
      return notJson
  }
}

function copyArray(v: readonly unknown[], depth: number): unknown {
  const out = new Array<unknown>(v.length)
  for (let i = 0; i < v.length; i++) {
    const e = v[i]
    const c = e === undefined ? notJson : copyJsonValue(e, depth + 1)
    if (c === notJson) return notJson
    out[i] = c
  }
  return out
}

function copyObject(v: Record<string, unknown>, depth: number): unknown {
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(v)) {
    const e = v[k]
    if (e === undefined) continue
    const c = copyJsonValue(e, depth + 1)
    if (c === notJson) return notJson
    setOwnKey(out, k, c)
  }
  return out
}

export function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** `obj[key] = value`, also for the key `__proto__` (which must become an own key, not the prototype). */
export function setOwnKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    obj[key] = value
  }
}

/** Why `v` is not a JSON value, with the path to the first bad part (call after `notJson`). */
export function jsonProblem(v: unknown, path = '$', depth = 0): string {
  if (depth >= jsonDepthMax) return `JSON value nested deeper than ${jsonDepthMax} levels (or cyclic) at ${path}`
  if (typeof v === 'object' && v !== null && (Array.isArray(v) || isPlainObject(v))) {
    const entries = Array.isArray(v) ? v.map((e, i) => [`[${i}]`, e] as const) : objectEntries(v)
    for (const [key, e] of entries) {
      if (e === undefined && !Array.isArray(v)) continue
      if (copyJsonValue(e, depth + 1) === notJson) return jsonProblem(e, path + key, depth + 1)
    }
    // holes are not visited by map(): the only way an array got here
    return `not a JSON value at ${path}: array with a missing element`
  }
  return `not a JSON value at ${path}: ${describeValue(v)}`
}

function objectEntries(v: object): (readonly [string, unknown])[] {
  return Object.entries(v).map(([k, e]) => [`.${k}`, e] as const)
}
