import { type LikeMatcher, matchGlob } from '../planner/like-pattern.ts'

/** `like` over strings: the matcher's kind is chosen once, then one tight loop. */
export function likeStrings(values: readonly string[], n: number, m: LikeMatcher, out: Uint32Array): void {
  switch (m.kind) {
    case 'exact': {
      const t = m.text
      for (let i = 0; i < n; i++) if (values[i] === t) out[i >>> 5]! |= 1 << (i & 31)
      return
    }
    case 'prefix': {
      const t = m.text
      for (let i = 0; i < n; i++) if (values[i]!.startsWith(t)) out[i >>> 5]! |= 1 << (i & 31)
      return
    }
    case 'suffix': {
      const t = m.text
      for (let i = 0; i < n; i++) if (values[i]!.endsWith(t)) out[i >>> 5]! |= 1 << (i & 31)
      return
    }
    case 'infix': {
      const t = m.text
      for (let i = 0; i < n; i++) if (values[i]!.includes(t)) out[i >>> 5]! |= 1 << (i & 31)
      return
    }
    case 'any':
      for (let i = 0; i < n; i++) out[i >>> 5]! |= 1 << (i & 31)
      return
    case 'glob': {
      const parts = m.parts
      for (let i = 0; i < n; i++) if (matchGlob(parts, values[i]!)) out[i >>> 5]! |= 1 << (i & 31)
    }
  }
}

/** `like` over JSON values: only strings can match. */
export function likeJson(values: readonly unknown[], n: number, m: LikeMatcher, out: Uint32Array): void {
  const strings: string[] = []
  const rows: number[] = []
  for (let i = 0; i < n; i++) {
    const v = values[i]
    if (typeof v === 'string') {
      strings.push(v)
      rows.push(i)
    }
  }
  const hit = new Uint32Array((strings.length + 31) >>> 5)
  likeStrings(strings, strings.length, m, hit)
  for (let k = 0; k < rows.length; k++) {
    if (((hit[k >>> 5]! >>> (k & 31)) & 1) !== 0) out[rows[k]! >>> 5]! |= 1 << (rows[k]! & 31)
  }
}
