import { errors } from '../errors/errors.ts'
import type { ChainToken, TokenFilter } from './token.ts'

/**
 * Milvus's `synonym` filter: `synonyms` rules, `expand` (default true).
 * - `a, b, c` (equivalence group): expand → any of them emits all; otherwise each becomes `a`.
 * - `a, b => x, y` (mapping): `a` and `b` become `x`, `y` (and stay, with expand).
 * A token with rules is replaced by its synonyms (same position and offsets); others pass. Rules
 * for the same word accumulate. Milvus emits a word's synonyms in hash order; Quiver in rule order
 * (the word itself first when kept), so the set of tokens is the same and the order deterministic.
 */
export function synonymFilter(params: Readonly<Record<string, unknown>>): TokenFilter {
  if (params.synonyms_file !== undefined) throw errors.invalid('synonym filter synonyms_file is not supported by Quiver (no file resources); list the rules in synonyms')
  const expand = params.expand === undefined ? true : params.expand
  if (typeof expand !== 'boolean') throw errors.invalid('create synonym filter failed, `expand` must be bool')
  const dict = new Map<string, Set<string>>()
  const add = (key: string, words: readonly string[]) => {
    const known = dict.get(key)
    if (known !== undefined) for (const w of words) known.add(w)
    else dict.set(key, new Set(expand ? [key, ...words] : words))
  }
  if (params.synonyms !== undefined) {
    if (!Array.isArray(params.synonyms)) throw errors.invalid('create synonym filter failed, `synonyms` must be array')
    for (const row of params.synonyms as unknown[]) {
      if (typeof row !== 'string') throw errors.invalid('create synonym filter failed, item in `synonyms` must be string')
      const rule = parseRule(row)
      if (rule.mapping) for (const k of rule.left) add(k, rule.right)
      else if (rule.left.length > 0) for (const k of rule.left) add(k, expand ? rule.left : [rule.left[0]!])
    }
  }
  const lists = new Map<string, readonly string[]>()
  for (const [k, set] of dict) lists.set(k, [...set])
  return (tokens) => {
    let out: ChainToken[] | undefined
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!
      const list = lists.get(t.text)
      if (list === undefined || list.length === 0) {
        out?.push(t)
        continue
      }
      out ??= tokens.slice(0, i)
      for (const s of list) out.push({ ...t, text: s })
    }
    return out ?? tokens
  }
}

/**
 * One rule as Milvus's `add_row` reads it: words separated by `,`, `=>` once for a mapping; a space
 * inside a word is an error; `\` escapes `,`, `\`, space and `=>`.
 */
function parseRule(row: string): { mapping: boolean; left: string[]; right: string[] } {
  const chars = [...row]
  const left: string[] = []
  const right: string[] = []
  let mapping = false
  let spaced = false
  let current = ''
  const flush = () => {
    if (current !== '') (mapping ? right : left).push(current)
    current = ''
    spaced = false
  }
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!
    if (c === '\\') {
      const next = chars[i + 1]
      if (next === undefined) throw errors.invalid(`invalid synonym escaped in the end: ${row}`)
      if (next === ',' || next === '\\' || next === ' ') {
        current += next
        i++
        continue
      }
      if (next === '=' && chars[i + 2] === '>') {
        current += '=>'
        i += 2
        continue
      }
      throw errors.invalid(`invalid synonym escaped: \\${next} in ${row}`)
    }
    if (c === ' ') {
      if (current !== '') {
        while (chars[i + 1] === ' ') i++
        spaced = true
      }
      continue
    }
    if (c === ',') {
      flush()
      continue
    }
    if (c === '=' && chars[i + 1] === '>') {
      if (mapping) throw errors.invalid(`read synonym dict failed, has more than one "=>" in ${row}`)
      if (current !== '') left.push(current)
      current = ''
      spaced = false
      mapping = true
      i++
      continue
    }
    if (spaced) throw errors.invalid(`read synonym dict failed, has space between words ${row}, please use \\ to escape space`)
    current += c
  }
  flush()
  return { mapping, left, right }
}
