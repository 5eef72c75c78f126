/**
 * Character classes the tokenizers and filters test per character, answered from a table for ASCII
 * and a lazily filled cache for the rest of the BMP, so the hot loop runs no regular expression.
 */

const alphanumericRe = /^[\p{Alphabetic}\p{N}]$/u
/** Per BMP code unit: 0 not yet known, 1 alphanumeric, 2 not. */
const alphanumericCache = new Uint8Array(0x10000)
for (let c = 0; c < 0x80; c++) {
  const yes = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
  alphanumericCache[c] = yes ? 1 : 2
}

/**
 * Rust's `char::is_alphanumeric` (Unicode Alphabetic or Numeric): what tantivy's SimpleTokenizer,
 * Milvus's `standard` tokenizer, keeps in a token.
 */
export function isAlphanumeric(codePoint: number): boolean {
  if (codePoint < 0x10000) {
    let v = alphanumericCache[codePoint]!
    if (v === 0) {
      v = alphanumericRe.test(String.fromCharCode(codePoint)) ? 1 : 2
      alphanumericCache[codePoint] = v
    }
    return v === 1
  }
  return alphanumericRe.test(String.fromCodePoint(codePoint))
}

/** Rust's `char::is_ascii_whitespace`: space, \t, \n, form feed, \r (what tantivy's WhitespaceTokenizer splits on). */
export function isAsciiWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d
}

export function isAsciiAlphanumeric(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
}
