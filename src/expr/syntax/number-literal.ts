import { exprLimits } from '../expr-limits.ts'
import type { Token } from './token.ts'

/** Thrown by `readNumber` with the offset of the bad character; the lexer turns it into a syntax error. */
export class LiteralError extends Error {
  readonly offset: number
  constructor(offset: number, message: string) {
    super(message)
    this.offset = offset
  }
}

/**
 * Reads a number literal starting at `start` (a digit, or `.` then a digit):
 * decimal `42`, octal `017` or `0o17`, hexadecimal `0x1F`, binary `0b101` (integers, exact, as
 * bigint), and floats `1.5`, `.5`, `1.`, `1e3`, `2.5E-3`.
 */
export function readNumber(source: string, start: number): Token {
  const c1 = source.charCodeAt(start + 1) | 0x20
  if (source[start] === '0' && (c1 === 0x78 || c1 === 0x62 || c1 === 0x6f)) return readPrefixed(source, start)
  let i = scanDigits(source, start)
  let isFloat = false
  if (source[i] === '.') {
    isFloat = true
    i = scanDigits(source, i + 1)
  }
  if ((source.charCodeAt(i) | 0x20) === 0x65) {
    isFloat = true
    let j = i + 1
    if (source[j] === '+' || source[j] === '-') j++
    const k = scanDigits(source, j)
    if (k === j) throw new LiteralError(start, 'invalid number literal: the exponent has no digits')
    i = k
  }
  checkEnd(source, start, i)
  const text = source.slice(start, i)
  return isFloat ? floatToken(text, start, i) : decimalToken(text, start, i)
}

function readPrefixed(source: string, start: number): Token {
  const radix = (source.charCodeAt(start + 1) | 0x20) === 0x78 ? 16 : (source.charCodeAt(start + 1) | 0x20) === 0x62 ? 2 : 8
  let i = start + 2
  while (i < source.length && digitValue(source.charCodeAt(i)) < radix) i++
  if (i === start + 2) throw new LiteralError(start, `invalid number literal: no digits after '${source.slice(start, start + 2)}'`)
  if (radix === 16 && (source[i] === '.' || (source.charCodeAt(i) | 0x20) === 0x70)) {
    throw new LiteralError(start, 'hexadecimal floating literals are not supported')
  }
  checkEnd(source, start, i)
  const prefix = radix === 16 ? '0x' : radix === 2 ? '0b' : '0o'
  return integerToken(prefix + source.slice(start + 2, i), start, i)
}

function decimalToken(text: string, start: number, end: number): Token {
  if (text.length > 1 && text[0] === '0') {
    const bad = /[89]/.exec(text)
    if (bad !== null) throw new LiteralError(start, `invalid octal literal '${text}' (a leading 0 means octal)`)
    return integerToken(`0o${text.slice(1)}`, start, end)
  }
  return integerToken(text, start, end)
}

function integerToken(text: string, start: number, end: number): Token {
  if (end - start > exprLimits.integerLiteralCharsMax) {
    throw new LiteralError(start, `integer literal longer than ${exprLimits.integerLiteralCharsMax} characters`)
  }
  return { kind: 'integer', value: BigInt(text), offset: start, end }
}

function floatToken(text: string, start: number, end: number): Token {
  const value = Number(text)
  if (!Number.isFinite(value)) throw new LiteralError(start, `floating literal '${clip(text)}' is out of range`)
  return { kind: 'float', value, offset: start, end }
}

function scanDigits(source: string, i: number): number {
  while (i < source.length && isDigit(source.charCodeAt(i))) i++
  return i
}

/** A literal may not run into a name or another dot: `12abc`, `1.2.3`, `0x1G` are errors. */
function checkEnd(source: string, start: number, i: number): void {
  const c = source.charCodeAt(i)
  if (isIdentifierPart(c) || c === 0x2e) {
    throw new LiteralError(start, `invalid number literal '${clip(source.slice(start, i + 1))}'`)
  }
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s
}

function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  const l = c | 0x20
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10
  return 99
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

export function isIdentifierStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f
}

export function isIdentifierPart(c: number): boolean {
  return isIdentifierStart(c) || isDigit(c)
}
