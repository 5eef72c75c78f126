import { errors } from '../errors/errors.ts'

/**
 * JSON that arrives from a client: its nesting is measured before `JSON.parse` (one pass over the
 * text, no recursion), so a value nested thousands deep is refused with 1100 instead of reaching a
 * recursive walk (`JSON.stringify`, schema checks, `structuredClone`) that overflows the stack.
 */
export const jsonLimits = {
  /** Nesting of arrays and objects in one client JSON value, in levels (Milvus's own JSON path is far shallower). */
  jsonNestingDepthMax: 64,
} as const

/** The deepest nesting of `[`/`{` in JSON text (brackets inside strings are skipped). */
export function jsonNestingDepth(text: string): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
      continue
    }
    if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      depth++
      if (depth > deepest) deepest = depth
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return deepest
}

/**
 * `JSON.parse` of client text, refusing (1100, naming `what`) nesting past `depthMax` and malformed
 * text. `reviver` is passed through.
 */
export function parseClientJson(text: string, what: string, depthMax: number = jsonLimits.jsonNestingDepthMax, reviver?: (key: string, value: unknown) => unknown): unknown {
  const depth = jsonNestingDepth(text)
  if (depth > depthMax) throw errors.invalid(`${what}: JSON nested ${depth} levels deep, more than ${depthMax}`)
  try {
    return JSON.parse(text, reviver as Parameters<typeof JSON.parse>[1])
  } catch (e) {
    throw errors.invalid(`${what}: invalid JSON: ${(e as Error).message}`)
  }
}

/**
 * The nesting of an already-parsed value (a JSON body a framework parsed, a JS object given to the
 * embedded API), measured without recursion; stops counting once past `depthMax`.
 */
export function valueNestingDepth(value: unknown, depthMax: number = jsonLimits.jsonNestingDepthMax): number {
  let deepest = 0
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 0 }]
  let visited = 0
  while (stack.length > 0) {
    const { v, d } = stack.pop()!
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue
    const level = d + 1
    if (level > deepest) deepest = level
    if (deepest > depthMax) return deepest
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i]
        if (x !== null && typeof x === 'object') stack.push({ v: x, d: level })
      }
    } else {
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k]
        if (x !== null && typeof x === 'object') stack.push({ v: x, d: level })
      }
    }
    if (++visited > 10_000_000) break
  }
  return deepest
}

/** 1100 (naming `what`) when a parsed value nests deeper than `depthMax`. */
export function checkValueNesting(value: unknown, what: string, depthMax: number = jsonLimits.jsonNestingDepthMax): void {
  const depth = valueNestingDepth(value, depthMax)
  if (depth > depthMax) throw errors.invalid(`${what}: nested more than ${depthMax} levels deep`)
}
