/** Lower-case spelling of a keyword; `AND`, `&&` etc. are read as these. */
export type Keyword = 'and' | 'or' | 'not' | 'in' | 'like' | 'exists' | 'true' | 'false'

/** Operators and punctuation, as written (bitwise ones are lexed only to say they are unsupported). */
export type Punct =
  | '(' | ')' | '[' | ']' | '{' | '}' | ','
  | '+' | '-' | '*' | '/' | '%' | '**'
  | '==' | '!=' | '<' | '<=' | '>' | '>='
  | '&' | '|' | '^' | '~' | '<<' | '>>' | '='

/** One token; `offset` and `end` are character positions in the expression text ([offset, end)). */
export type Token =
  | { readonly kind: 'integer'; readonly value: bigint; readonly offset: number; readonly end: number }
  | { readonly kind: 'float'; readonly value: number; readonly offset: number; readonly end: number }
  | { readonly kind: 'string'; readonly value: string; readonly offset: number; readonly end: number }
  /** A name: `[A-Za-z_][A-Za-z0-9_]*` that is not a keyword, or `$meta`. */
  | { readonly kind: 'identifier'; readonly text: string; readonly offset: number; readonly end: number }
  | { readonly kind: 'keyword'; readonly word: Keyword; readonly offset: number; readonly end: number }
  | { readonly kind: 'punct'; readonly text: Punct; readonly offset: number; readonly end: number }
  | { readonly kind: 'end'; readonly offset: number; readonly end: number }

/** How a token is named in error messages. */
export function describeToken(t: Token, source: string): string {
  if (t.kind === 'end') return 'the end of the expression'
  const raw = source.slice(t.offset, Math.min(t.end, t.offset + 40))
  return `'${raw}${t.end - t.offset > 40 ? '…' : ''}'`
}
