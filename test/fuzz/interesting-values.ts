import type { FuzzRandom } from './fuzz-random.ts'
import { RawField } from './wire-tree.ts'

/** Integers at the edges parsers and allocators trip on: signs, 2^31, 2^32, 2^53, 2^63, 2^64. */
export const INTERESTING_INTS: readonly bigint[] = [
  0n, 1n, -1n, 2n, 3n, 7n, 127n, 128n, 255n, 256n, 32_767n, 32_768n, 65_535n, 65_536n, 16_384n, 16_385n, 100_000n, 1_000_000_000n,
  2_147_483_647n, -2_147_483_648n, 4_294_967_295n, 4_294_967_296n, 9_007_199_254_740_993n,
  9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n, 18_446_744_073_709_551_615n,
]

/** Floats at the edges: NaN, infinities, -0, denormals, float32 overflow. */
export const INTERESTING_FLOATS: readonly number[] = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-45, 5e-324, 3.4028235e38, 3.5e38, 1.7976931348623157e308, -1, 0.5, 1e-7]

/** How deep the nesting generators go: deep enough for recursive descent to overflow the stack. */
export const NESTING_DEPTHS: readonly number[] = [10, 100, 1_000, 5_000, 20_000, 100_000]

/** Long strings: past 255/65535-byte limits and Milvus's varchar/JSON limits. */
export const LONG_LENGTHS: readonly number[] = [256, 65_536, 65_537, 1_048_577]

/**
 * Bytes that are not UTF-8: a lone continuation byte, an overlong NUL, an encoded surrogate, a
 * truncated 3-byte sequence, 0xff. Written raw (`RawField`) in string fields.
 */
export const INVALID_UTF8: readonly Uint8Array[] = [
  Uint8Array.of(0x80),
  Uint8Array.of(0x61, 0xc0, 0x80, 0x62),
  Uint8Array.of(0xed, 0xa0, 0x80),
  Uint8Array.of(0x61, 0xe2, 0x82),
  Uint8Array.of(0xff, 0xfe, 0xfd),
  Uint8Array.of(0xf4, 0x90, 0x80, 0x80),
]

/** Strings that are valid UTF-8 but hostile: NUL, controls, bidi, emoji, format and regex specials. */
export const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', '\u0000', 'a\u0000b', '\t\r\n', '\u202e\u200b', '😀', 'é'.repeat(3), '%s%n%x', '{0}', '${x}', '\\', '"', "'", '`',
  '../../etc/passwd', '(a+)+$', '%%%_', '\ud800', 'NaN', '-1', '1e309', '9223372036854775808', '0x10', 'null', 'true', '[]', '{}',
  '$meta', 'count(*)', '*', '_default', 'default', 'root',
]

/** Expression text that stresses the parser: unbalanced, long, deep, odd literals. */
export function hostileExpression(rnd: FuzzRandom): string {
  const n = rnd.pick(NESTING_DEPTHS)
  switch (rnd.int(12)) {
    case 0:
      return `${'('.repeat(n)}id > 0${')'.repeat(n)}`
    case 1:
      return `${'not '.repeat(n)}id > 0`
    case 2:
      return `id > 0${' and id > 0'.repeat(Math.min(n, 20_000))}`
    case 3:
      return `id in [${'1,'.repeat(Math.min(n, 100_000))}1]`
    case 4:
      return `${'-'.repeat(n)}1 < id`
    case 5:
      return `meta${'["a"]'.repeat(Math.min(n, 20_000))} == 1`
    case 6:
      return rnd.pick(['id >', 'id in [1, 2', '(((', ')', 'title like', 'title like "%', '"unterminated', 'id == 1e400', 'id == 99999999999999999999999', 'nope > 1', 'id in {ids}', '{x} == 1', 'array_contains(tags, )', 'id > 0 &&& 1'])
    case 7:
      return `title like "${'%'.repeat(Math.min(n, 10_000))}a"`
    case 8:
      return `title == "${'x'.repeat(rnd.pick(LONG_LENGTHS))}"`
    case 9:
      return `${'id + '.repeat(Math.min(n, 20_000))}1 > 0`
    case 10:
      return `json_contains_any(meta["a"], [${'['.repeat(Math.min(n, 5_000))}${']'.repeat(Math.min(n, 5_000))}])`
    default:
      return `exists ${'meta["k"]'.repeat(3)} or text_match(title, "${'a '.repeat(1000)}")`
  }
}

/** JSON text nested `depth` levels (objects, arrays or unbalanced). */
export function deepJson(rnd: FuzzRandom, depth = rnd.pick(NESTING_DEPTHS)): string {
  switch (rnd.int(5)) {
    case 0:
      return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
    case 1:
      return `${'['.repeat(depth)}${']'.repeat(depth)}`
    case 2:
      return '['.repeat(depth)
    case 3:
      return `{"ef":${'['.repeat(depth)}1${']'.repeat(depth)}}`
    default:
      return `{"params":${'{"x":'.repeat(depth)}null${'}'.repeat(depth)}}`
  }
}

/** A string a mutation starts from is cut to this (stacked mutations would otherwise grow it past V8's limit). */
export const STRING_CHARS_MAX = 1_048_576

/** A hostile replacement for a string field: one of the pools, a clip or repeat of `current`, or raw non-UTF-8. */
export function hostileString(rnd: FuzzRandom, whole: string, names: readonly string[]): string | RawField {
  const current = whole.length > STRING_CHARS_MAX ? whole.slice(0, STRING_CHARS_MAX) : whole
  switch (rnd.int(10)) {
    case 0:
      return rnd.pick(HOSTILE_STRINGS)
    case 1:
      return rnd.pick(names)
    case 2:
      return new RawField(rnd.pick(INVALID_UTF8))
    case 3:
      return new RawField(Buffer.concat([Buffer.from(current, 'utf8'), rnd.pick(INVALID_UTF8)]))
    case 4:
      return current.slice(0, rnd.int(current.length + 1))
    case 5:
      return `${current}${'x'.repeat(rnd.pick(LONG_LENGTHS))}`
    case 6:
      return `${current.slice(0, rnd.int(current.length + 1))}\u0000${current}`
    case 7:
      return deepJson(rnd)
    case 8:
      return hostileExpression(rnd)
    default:
      return current.repeat(Math.max(1, Math.min(rnd.range(2, 50), Math.floor(STRING_CHARS_MAX / Math.max(1, current.length)))))
  }
}
