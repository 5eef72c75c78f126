import type { SparseRow } from './column.ts'

/** Sparse rows in compressed-row form: row r (from 0) is entries `[rowStart[r], rowStart[r + 1])`. */
export interface SparseBlock {
  readonly rowStart: Int32Array | Uint32Array
  readonly indices: Uint32Array
  readonly values: Float32Array
}

/**
 * The compressed-row blocks a sparse column's rows are views of, in row order, remembered beside its
 * values array (a WeakMap: gone with the array), as `encodedUtf8` remembers a text column's UTF-8.
 * The BM25 function makes its output column this way, a growing segment's column keeps them while
 * every append brings its own (`ColumnStore`), and the writers that copy every entry — the WAL codec,
 * the segment file, an index's input — copy a block at a time instead of a row at a time.
 */
const known = new WeakMap<readonly SparseRow[], readonly SparseBlock[]>()

/** Records that `rows` are, in order, the rows of `blocks` (views of their arrays, none changed since). */
export function rememberSparseBlocks(rows: readonly SparseRow[], blocks: readonly SparseBlock[]): void {
  known.set(rows, blocks)
}

/** Forgets the blocks of `rows` (rows that are not all views of blocks any more). */
export function forgetSparseBlocks(rows: readonly SparseRow[]): void {
  known.delete(rows)
}

/** The blocks `rows` were made from when they hold exactly its first `rowCount` rows; else undefined. */
export function sparseBlocksOf(rows: readonly SparseRow[], rowCount: number): readonly SparseBlock[] | undefined {
  const blocks = known.get(rows)
  if (blocks === undefined) return undefined
  let n = 0
  for (const b of blocks) n += b.rowStart.length - 1
  return n === rowCount ? blocks : undefined
}

/**
 * One compressed-row copy of all of a column's rows, made for an index build (`encodeSparseCsr`, in
 * shared memory), offered to the segment file written next (`engine/sparse-prebuilds.ts` at a seal),
 * which lays its list column over the same arrays instead of joining the blocks again. Taken
 * (forgotten) by its first reader; the offerer withdraws it (`forgetJoinedBlock`) once its build is
 * done, so a copy nobody takes does not outlive the build.
 */
const joined = new WeakMap<readonly SparseRow[], SparseBlock>()

/** Records `block` (rowStart from 0) as all the rows of `rows`, joined. */
export function rememberJoinedBlock(rows: readonly SparseRow[], block: SparseBlock): void {
  joined.set(rows, block)
}

/** Withdraws the joined copy of `rows`, if it is still there. */
export function forgetJoinedBlock(rows: readonly SparseRow[]): void {
  joined.delete(rows)
}

/** The joined copy of `rows` when it holds exactly `rowCount` rows, handed over (not kept); else undefined. */
export function takeJoinedBlock(rows: readonly SparseRow[], rowCount: number): SparseBlock | undefined {
  const block = joined.get(rows)
  joined.delete(rows)
  return block !== undefined && block.rowStart.length === rowCount + 1 && block.rowStart[0] === 0 ? block : undefined
}

/** Entries of every block, in row order. */
export function blockEntryCount(blocks: readonly SparseBlock[]): number {
  let nnz = 0
  for (const b of blocks) nnz += b.rowStart[b.rowStart.length - 1]! - b.rowStart[0]!
  return nnz
}

/** Copies every entry of `blocks`, in row order, into `indices` / `values` from `at`; returns the next free position. */
export function copyBlockEntries(blocks: readonly SparseBlock[], indices: Uint32Array, values: Float32Array, at: number): number {
  for (const b of blocks) {
    const first = b.rowStart[0]!
    const end = b.rowStart[b.rowStart.length - 1]!
    indices.set(b.indices.subarray(first, end), at)
    values.set(b.values.subarray(first, end), at)
    at += end - first
  }
  return at
}

/** Each row's entry count into `out` from `at` (row order); returns the next free position. */
export function blockRowLengths(blocks: readonly SparseBlock[], out: Uint32Array | Int32Array, at: number): number {
  for (const b of blocks) {
    const rs = b.rowStart
    for (let r = 0; r + 1 < rs.length; r++) out[at++] = rs[r + 1]! - rs[r]!
  }
  return at
}
