import type { PathKey } from '../expr-node.ts'

/**
 * The JSON value at `path` inside `root`, or `undefined` when a key is absent, an index is past the
 * end, or a step meets a value of the wrong kind (a key on an array, an index on an object).
 * JSON null stays `null`. Own keys only, so `__proto__` and `constructor` are plain keys.
 */
export function resolveJsonPath(root: unknown, path: readonly PathKey[]): unknown {
  let v = root
  for (let k = 0; k < path.length; k++) {
    const key = path[k]!
    if (typeof key === 'number') {
      if (!Array.isArray(v) || key >= v.length) return undefined
      v = v[key]
    } else {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, key)) return undefined
      v = (v as Record<string, unknown>)[key]
    }
  }
  return v
}
