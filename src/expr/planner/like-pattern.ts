/**
 * A `like` pattern, classified once: `%` matches any run of characters, `_` exactly one (a Unicode
 * code point), `\%`, `\_` and `\\` match the character itself; any other `\` is a plain backslash.
 * Prefix/suffix/infix/exact patterns become one `startsWith`/`endsWith`/`includes`/`===` per row;
 * the rest a glob matcher without backtracking blow-up (no RegExp).
 */
export type LikeMatcher = { readonly pattern: string } & (
  | { readonly kind: 'exact'; readonly text: string }
  | { readonly kind: 'prefix'; readonly text: string }
  | { readonly kind: 'suffix'; readonly text: string }
  | { readonly kind: 'infix'; readonly text: string }
  | { readonly kind: 'any' }
  /** `parts`: the pattern split at `%`; each part a list of literal runs and `_` (null). */
  | { readonly kind: 'glob'; readonly parts: readonly GlobPart[] }
)

export type GlobPart = readonly (string | null)[]

/** Splits a pattern into its `%`-separated parts, with escapes resolved. */
export function splitLikePattern(pattern: string): GlobPart[] {
  const parts: (string | null)[][] = [[]]
  let run = ''
  const flush = () => {
    if (run !== '') parts[parts.length - 1]!.push(run)
    run = ''
  }
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_' || pattern[i + 1] === '\\')) {
      run += pattern[++i]
    } else if (c === '%') {
      flush()
      parts.push([])
    } else if (c === '_') {
      flush()
      parts[parts.length - 1]!.push(null)
    } else {
      run += c
    }
  }
  flush()
  return parts
}

export function compileLikePattern(pattern: string): LikeMatcher {
  const parts = splitLikePattern(pattern)
  const plain = parts.every((p) => p.length === 0 || (p.length === 1 && p[0] !== null))
  const text = (p: GlobPart) => (p[0] ?? '') as string
  if (plain) {
    const n = parts.length
    if (n === 1) return { kind: 'exact', text: text(parts[0]!), pattern }
    if (parts.every((p) => p.length === 0)) return { kind: 'any', pattern }
    const first = parts[0]!
    const last = parts[n - 1]!
    const middle = parts.slice(1, n - 1).filter((p) => p.length > 0)
    if (n === 2 && last.length === 0) return { kind: 'prefix', text: text(first), pattern }
    if (n === 2 && first.length === 0) return { kind: 'suffix', text: text(last), pattern }
    if (first.length === 0 && last.length === 0 && middle.length === 1) {
      return { kind: 'infix', text: text(middle[0]!), pattern }
    }
  }
  return { kind: 'glob', parts, pattern }
}

/** Whether `s` matches a glob's parts: first part at the start, last at the end, middles leftmost. */
export function matchGlob(parts: readonly GlobPart[], s: string): boolean {
  const n = parts.length
  if (n === 1) return matchPartAt(parts[0]!, s, 0) === s.length
  let p = matchPartAt(parts[0]!, s, 0)
  if (p < 0) return false
  for (let k = 1; k < n - 1; k++) {
    const part = parts[k]!
    if (part.length === 0) continue
    p = findPart(part, s, p)
    if (p < 0) return false
  }
  const last = parts[n - 1]!
  if (last.length === 0) return true
  for (let q = p; q <= s.length; q += charLength(s, q)) {
    if (matchPartAt(last, s, q) === s.length) return true
  }
  return false
}

/** End of the leftmost match of `part` starting at or after `from`, or -1. */
function findPart(part: GlobPart, s: string, from: number): number {
  for (let q = from; q <= s.length; q += charLength(s, q)) {
    const e = matchPartAt(part, s, q)
    if (e >= 0) return e
  }
  return -1
}

/** End of `part` matched exactly at `at`, or -1. */
function matchPartAt(part: GlobPart, s: string, at: number): number {
  let p = at
  for (const item of part) {
    if (item === null) {
      if (p >= s.length) return -1
      p += charLength(s, p)
    } else {
      if (!s.startsWith(item, p)) return -1
      p += item.length
    }
  }
  return p
}

/** UTF-16 units of the code point at `i` (1 past the end, so loops terminate). */
function charLength(s: string, i: number): number {
  const c = s.charCodeAt(i)
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = s.charCodeAt(i + 1)
    if (d >= 0xdc00 && d <= 0xdfff) return 2
  }
  return 1
}

/** Whether `s` matches (one string; the vectorised kernel loops the same cases over a column). */
export function likeMatches(m: LikeMatcher, s: string): boolean {
  switch (m.kind) {
    case 'exact':
      return s === m.text
    case 'prefix':
      return s.startsWith(m.text)
    case 'suffix':
      return s.endsWith(m.text)
    case 'infix':
      return s.includes(m.text)
    case 'any':
      return true
    case 'glob':
      return matchGlob(m.parts, s)
  }
}
