import { errors, type MilvusError } from '../../errors/errors.ts'

/** Characters of the expression echoed in an error message before it is cut. */
const echoCharsMax = 200

/**
 * A syntax error (code 1100) that says where and what was expected:
 * `cannot parse expression: age > > 3, error at column 7: expected a value, found '>'`.
 */
export function syntaxError(source: string, offset: number, message: string): MilvusError {
  return errors.invalid(`cannot parse expression: ${echo(source, offset)}, error at ${position(source, offset)}: ${message}`)
}

/** `column N` (1-based), or `line L, column C` once the text has line breaks before `offset`. */
export function position(source: string, offset: number): string {
  let line = 1
  let lineStart = 0
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  const column = offset - lineStart + 1
  return line === 1 ? `column ${column}` : `line ${line}, column ${column}`
}

function echo(source: string, offset: number): string {
  if (source.length <= echoCharsMax) return source
  const head = `${source.slice(0, echoCharsMax / 2)}…`
  if (offset < echoCharsMax / 2) return head
  const from = Math.max(0, offset - 40)
  return `${head} (near …${source.slice(from, offset + 40)}…)`
}
