/**
 * A varchar column's UTF-8 encoding made once and shared: the BM25 function's workers read it in
 * place (SharedArrayBuffer), and the WAL codec writes the same bytes instead of encoding the strings
 * again. Kept beside the column's values array (a WeakMap: gone with the batch).
 */
export interface Utf8Column {
  /** Row r is `bytes[offsets[r], offsets[r + 1])`. */
  readonly bytes: Uint8Array
  readonly offsets: Int32Array
  /** No lone surrogate in any row (so decoding the bytes gives back the strings). */
  readonly wellFormed: boolean
}

const encoded = new WeakMap<readonly string[], Utf8Column>()

/** The UTF-8 of `values` (a lone surrogate as U+FFFD, as Buffer encodes it), in shared memory; remembered for `encodedUtf8`. */
export function encodeUtf8Column(values: readonly string[]): Utf8Column {
  const known = encoded.get(values)
  if (known !== undefined) return known
  const n = values.length
  const offsets = new Int32Array(new SharedArrayBuffer(4 * (n + 1)))
  let total = 0
  let wellFormed = true
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    total += Buffer.byteLength(v, 'utf8')
    offsets[i + 1] = total
    if (wellFormed && !isWellFormed(v)) wellFormed = false
  }
  const bytes = Buffer.from(new SharedArrayBuffer(total))
  for (let i = 0; i < n; i++) bytes.write(values[i]!, offsets[i]!, offsets[i + 1]! - offsets[i]!, 'utf8')
  const column = { bytes, offsets, wellFormed }
  encoded.set(values, column)
  return column
}

/** The encoding `encodeUtf8Column` made of this very array, if it did. */
export function encodedUtf8(values: readonly string[]): Utf8Column | undefined {
  return encoded.get(values)
}

/** `String.prototype.isWellFormed` (Node 20; not in the es2023 lib this project compiles against). */
function isWellFormed(s: string): boolean {
  return (s as string & { isWellFormed(): boolean }).isWellFormed()
}
