import { LiteralError } from './number-literal.ts'

const simpleEscapes: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  a: '\x07',
  '\\': '\\',
  '"': '"',
  "'": "'",
  '?': '?',
}

/**
 * Reads a string literal whose opening quote is at `start`; returns its value and the index after
 * the closing quote. Escapes: `\n \t \r \b \f \v \a \\ \" \' \?`, octal `\0`..`\377`, `\xHH`,
 * `\uXXXX`, `\UXXXXXXXX`. Any other escape (`\%`, `\_`) keeps its backslash, so `like` can read it.
 * A raw literal (`r"..."`) keeps every backslash. Line breaks must be written as `\n`.
 */
export function decodeStringLiteral(source: string, start: number, raw: boolean): { value: string; end: number } {
  const quote = source[start]!
  let out = ''
  let chunk = start + 1
  let i = chunk
  for (;;) {
    if (i >= source.length) throw new LiteralError(start, 'unterminated string literal')
    const c = source[i]!
    if (c === quote) return { value: out + source.slice(chunk, i), end: i + 1 }
    if (c === '\n' || c === '\r') throw new LiteralError(i, 'line break inside a string literal (write \\n)')
    if (c !== '\\') {
      i++
      continue
    }
    if (raw) {
      i += source[i + 1] === quote || source[i + 1] === '\\' ? 2 : 1
      continue
    }
    out += source.slice(chunk, i)
    const e = decodeEscape(source, i)
    out += e.text
    i = e.end
    chunk = i
  }
}

function decodeEscape(source: string, i: number): { text: string; end: number } {
  const c = source[i + 1]
  if (c === undefined) throw new LiteralError(i, 'unterminated string literal')
  const simple = simpleEscapes[c]
  if (simple !== undefined) return { text: simple, end: i + 2 }
  if (c >= '0' && c <= '7') return octalEscape(source, i)
  if (c === 'x') return hexEscape(source, i, 1, 2, '\\xHH')
  if (c === 'u') return hexEscape(source, i, 4, 4, '\\uXXXX')
  if (c === 'U') return hexEscape(source, i, 8, 8, '\\UXXXXXXXX')
  if (c === '\n' || c === '\r') throw new LiteralError(i + 1, 'line break inside a string literal (write \\n)')
  return { text: `\\${c}`, end: i + 2 }
}

function octalEscape(source: string, i: number): { text: string; end: number } {
  let j = i + 1
  let v = 0
  while (j < i + 4 && source[j]! >= '0' && source[j]! <= '7') v = v * 8 + Number(source[j++])
  if (v > 0xff) throw new LiteralError(i, `octal escape '${source.slice(i, j)}' is out of range`)
  return { text: String.fromCharCode(v), end: j }
}

function hexEscape(source: string, i: number, min: number, max: number, form: string): { text: string; end: number } {
  let j = i + 2
  while (j < i + 2 + max && /[0-9a-fA-F]/.test(source[j] ?? '')) j++
  if (j - (i + 2) < min) throw new LiteralError(i, `invalid escape: expected ${form}`)
  const code = Number.parseInt(source.slice(i + 2, j), 16)
  if (code > 0x10ffff) throw new LiteralError(i, `escape '${source.slice(i, j)}' is not a Unicode code point`)
  return { text: String.fromCodePoint(code), end: j }
}

/** The double-quoted literal that `decodeStringLiteral` reads back as `value` (for the printer). */
export function encodeStringLiteral(value: string): string {
  let out = '"'
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 0x22) out += '\\"'
    else if (c === 0x5c) out += '\\\\'
    else if (c === 0x0a) out += '\\n'
    else if (c === 0x0d) out += '\\r'
    else if (c === 0x09) out += '\\t'
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`
    else out += value[i]
  }
  return `${out}"`
}
