import { syntaxError } from './syntax-error.ts'
import { isDigit, isIdentifierPart, isIdentifierStart, LiteralError, readNumber } from './number-literal.ts'
import { decodeStringLiteral } from './string-literal.ts'
import type { Keyword, Punct, Token } from './token.ts'

/** Keywords exactly as Milvus spells them: lower case or upper case (booleans also capitalised). */
const keywords: ReadonlyMap<string, Keyword> = new Map<string, Keyword>([
  ['and', 'and'], ['AND', 'and'],
  ['or', 'or'], ['OR', 'or'],
  ['not', 'not'], ['NOT', 'not'],
  ['in', 'in'], ['IN', 'in'],
  ['like', 'like'], ['LIKE', 'like'],
  ['exists', 'exists'], ['EXISTS', 'exists'],
  ['true', 'true'], ['True', 'true'], ['TRUE', 'true'],
  ['false', 'false'], ['False', 'false'], ['FALSE', 'false'],
])

const twoCharPuncts: ReadonlySet<string> = new Set(['**', '==', '!=', '<=', '>=', '<<', '>>'])
const oneCharPuncts: ReadonlySet<string> = new Set(['(', ')', '[', ']', '{', '}', ',', '+', '-', '*', '/', '%', '<', '>', '&', '|', '^', '~', '='])

/**
 * Turns expression text into tokens on demand. `peek()` looks at the next token, `next()` takes it;
 * `mark()`/`reset()` let the parser look further ahead and come back (used for `1 < x <= 5`).
 */
export class Lexer {
  readonly source: string
  private pos = 0
  private cached: Token | null = null

  constructor(source: string) {
    this.source = source
  }

  peek(): Token {
    if (this.cached === null) this.cached = this.read(this.pos)
    return this.cached
  }

  next(): Token {
    const t = this.peek()
    this.pos = t.end
    this.cached = null
    return t
  }

  mark(): number {
    return this.pos
  }

  reset(mark: number): void {
    this.pos = mark
    this.cached = null
  }

  private read(from: number): Token {
    const s = this.source
    let i = from
    while (i < s.length && isSpace(s.charCodeAt(i))) i++
    if (i >= s.length) return { kind: 'end', offset: s.length, end: s.length }
    try {
      return this.readAt(i)
    } catch (e) {
      if (e instanceof LiteralError) throw syntaxError(s, e.offset, e.message)
      throw e
    }
  }

  private readAt(i: number): Token {
    const s = this.source
    const c = s.charCodeAt(i)
    if (isDigit(c) || (c === 0x2e && isDigit(s.charCodeAt(i + 1)))) return readNumber(s, i)
    if (c === 0x22 || c === 0x27) return this.stringAt(i, i, false)
    if (isIdentifierStart(c)) return this.wordAt(i)
    if (c === 0x24 && s.startsWith('$meta', i) && !isIdentifierPart(s.charCodeAt(i + 5))) {
      return { kind: 'identifier', text: '$meta', offset: i, end: i + 5 }
    }
    const two = s.slice(i, i + 2)
    if (two === '&&') return { kind: 'keyword', word: 'and', offset: i, end: i + 2 }
    if (two === '||') return { kind: 'keyword', word: 'or', offset: i, end: i + 2 }
    if (twoCharPuncts.has(two)) return { kind: 'punct', text: two as Punct, offset: i, end: i + 2 }
    if (c === 0x21) return { kind: 'keyword', word: 'not', offset: i, end: i + 1 }
    const one = s[i]!
    if (oneCharPuncts.has(one)) return { kind: 'punct', text: one as Punct, offset: i, end: i + 1 }
    throw syntaxError(s, i, `unexpected character '${String.fromCodePoint(s.codePointAt(i)!)}'`)
  }

  private wordAt(i: number): Token {
    const s = this.source
    let j = i + 1
    while (j < s.length && isIdentifierPart(s.charCodeAt(j))) j++
    const text = s.slice(i, j)
    if ((text === 'r' || text === 'R') && (s[j] === '"' || s[j] === "'")) return this.stringAt(i, j, true)
    const word = keywords.get(text)
    if (word !== undefined) return { kind: 'keyword', word, offset: i, end: j }
    return { kind: 'identifier', text, offset: i, end: j }
  }

  private stringAt(offset: number, quoteAt: number, raw: boolean): Token {
    const { value, end } = decodeStringLiteral(this.source, quoteAt, raw)
    return { kind: 'string', value, offset, end }
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b
}
