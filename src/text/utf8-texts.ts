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

/**
 * The encodings of consecutive appends to one growing column of texts, in row order (see
 * `ColumnStore`), remembered beside the column's values array: the segment file then copies the
 * bytes the BM25 function made instead of encoding every string again at the seal.
 */
const blocksOf = new WeakMap<readonly string[], readonly Utf8Column[]>()

/** Records that `values` are, in order, the rows of `blocks`' encodings. */
export function rememberUtf8Blocks(values: readonly string[], blocks: readonly Utf8Column[]): void {
  blocksOf.set(values, blocks)
}

/** Forgets the blocks of `values` (kept no longer, or not all its rows are in them). */
export function forgetUtf8Blocks(values: readonly string[]): void {
  blocksOf.delete(values)
}

/** The blocks `values` were recorded with when they hold exactly its first `rowCount` rows; else undefined. */
export function utf8BlocksOf(values: readonly string[], rowCount: number): readonly Utf8Column[] | undefined {
  const blocks = blocksOf.get(values)
  if (blocks === undefined) return undefined
  let n = 0
  for (const b of blocks) n += b.offsets.length - 1
  return n === rowCount ? blocks : undefined
}

/** `String.prototype.isWellFormed` (Node 20; not in the es2023 lib this project compiles against). */
function isWellFormed(s: string): boolean {
  return (s as string & { isWellFormed(): boolean }).isWellFormed()
}
