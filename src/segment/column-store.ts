import { Bitset } from '../common/bitset.ts'
import { readGate } from '../common/read-gate.ts'
import type { Column, ColumnKind, SparseRow, VectorElementKind } from '../column/column.ts'
import { encodedUtf8, forgetUtf8Blocks, rememberUtf8Blocks, type Utf8Column, utf8BlocksOf } from '../text/utf8-texts.ts'
import { forgetSparseBlocks, rememberSparseBlocks, type SparseBlock, sparseBlocksOf } from '../column/sparse-blocks.ts'

/** Rows per chunk of a growing vector column; chunks never move, so growth never copies vectors. */
export const VECTOR_CHUNK_ROWS = 16384

type TypedKind = 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'float' | 'double'
type Typed = Uint8Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array
type VectorKind = 'floatVector' | 'binaryVector' | 'float16Vector' | 'bfloat16Vector' | 'int8Vector'
type VectorArray = Float32Array | Uint8Array | Uint16Array | Int8Array

/** Allocates zeroed vector storage; the default is the JS heap, the engine passes the vector arena. */
export interface VectorAllocator {
  /** `zeroed: false` skips clearing when every element will be written before it is read. */
  allocFloat32(length: number, zeroed?: boolean): Float32Array
  free(view: Float32Array): void
}

export const heapAllocator: VectorAllocator = {
  allocFloat32: (length) => new Float32Array(length),
  free: () => {},
}

function newTyped(kind: TypedKind, n: number): Typed {
  switch (kind) {
    case 'bool':
      return new Uint8Array(n)
    case 'int8':
      return new Int8Array(n)
    case 'int16':
      return new Int16Array(n)
    case 'int32':
      return new Int32Array(n)
    case 'int64':
      return new BigInt64Array(n)
    case 'float':
      return new Float32Array(n)
    case 'double':
      return new Float64Array(n)
  }
}

/** Elements per row of a vector column (bytes for binary). */
export function vectorStride(kind: VectorKind, dim: number): number {
  return kind === 'binaryVector' ? dim >>> 3 : dim
}

/**
 * UTF-8 a growing varchar column keeps of its appends at most (bytes): beside the strings it doubles
 * the column's memory until the seal, so a very large growing segment encodes at the seal instead.
 */
export const UTF8_BLOCK_BYTES_MAX = 64 * 1024 * 1024

/**
 * The growable storage of one field inside a segment. Scalars live in typed arrays that double
 * (amortised O(1) append); vectors live in fixed-size chunks that never move. `view()` gives a
 * `Column` of exactly `rowCount` rows for the expression evaluator and the output path.
 */
export class ColumnStore {
  readonly kind: ColumnKind
  readonly dim: number
  readonly nullable: boolean
  rowCount = 0
  private typed: Typed | null = null
  private list: unknown[] | null = null
  private validBits: Bitset | null
  /** Vector chunks, each `chunkRows` rows (the last one partly filled). */
  readonly chunks: VectorArray[] = []
  readonly chunkRows: number
  private readonly allocator: VectorAllocator
  /**
   * Sparse columns: the compressed-row blocks its rows are views of, in row order, while every append
   * brought the blocks of its rows (`sparseBlocksOf`: the BM25 function's output); null once one did not.
   */
  private sparseBlocks: SparseBlock[] | null
  /**
   * Varchar columns: the UTF-8 of every append, in row order, while each came with one (`encodedUtf8`:
   * a BM25 function's input) and they total at most `UTF8_BLOCK_BYTES_MAX`; null once not. The
   * segment file copies them at the seal (`takeUtf8Blocks`), then they are let go.
   */
  private utf8Blocks: Utf8Column[] | null
  private utf8Bytes = 0
  /** ArrayOfVector columns: the vectors' kind, learnt from the first column appended (a column of no rows needs none). */
  private element: VectorElementKind = 'floatVector'

  constructor(kind: ColumnKind, dim: number, nullable: boolean, allocator: VectorAllocator, chunkRows = VECTOR_CHUNK_ROWS) {
    this.kind = kind
    this.dim = dim
    this.nullable = nullable
    this.allocator = allocator
    this.chunkRows = chunkRows
    this.validBits = nullable ? new Bitset(0) : null
    this.sparseBlocks = kind === 'sparseVector' ? [] : null
    this.utf8Blocks = kind === 'varchar' ? [] : null
    if (isTyped(kind)) this.typed = newTyped(kind, 64)
    else if (!isVector(kind)) this.list = []
  }

  /** Appends all rows of `col` (same kind). */
  append(col: Column): void {
    if (col.kind === 'vectorArray') this.element = col.element
    const n = columnLength(col, this.dim)
    const start = this.rowCount
    if (col.kind === 'floatVector' || col.kind === 'binaryVector' || col.kind === 'float16Vector' || col.kind === 'bfloat16Vector' || col.kind === 'int8Vector') {
      this.appendVectors(col.values, n)
    } else if (this.typed !== null) {
      this.ensureTyped(start + n)
      ;(this.typed as Float64Array).set(col.values as Float64Array, start)
    } else {
      const list = this.list!
      const values = col.values as unknown[]
      if (this.sparseBlocks !== null) this.keepSparseBlocks(values as SparseRow[], n)
      if (this.utf8Blocks !== null) this.keepUtf8Blocks(values as string[], n)
      for (let i = 0; i < n; i++) list.push(values[i])
      if (this.sparseBlocks !== null) rememberSparseBlocks(list as SparseRow[], this.sparseBlocks)
      if (this.utf8Blocks !== null) rememberUtf8Blocks(list as string[], this.utf8Blocks)
    }
    if (this.validBits !== null) {
      this.validBits.grow(start + n)
      const vb = 'validBits' in col ? col.validBits : null
      if (vb === null) this.validBits.setRange(start, start + n)
      else for (let i = 0; i < n; i++) if (vb.get(i)) this.validBits.set(start + i)
    }
    this.rowCount = start + n
  }

  /** Adds the blocks of `n` rows being appended, or stops keeping blocks when they have none. */
  private keepSparseBlocks(values: SparseRow[], n: number): void {
    const blocks = values.length === n ? sparseBlocksOf(values, n) : undefined
    if (blocks === undefined || this.list!.length !== this.rowCount) {
      this.sparseBlocks = null
      forgetSparseBlocks(this.list as SparseRow[])
    } else this.sparseBlocks!.push(...blocks)
  }

  /** Adds the UTF-8 of `n` texts being appended, or stops keeping it (none, or over the cap). */
  private keepUtf8Blocks(values: string[], n: number): void {
    const known = values.length === n ? encodedUtf8(values) : undefined
    if (known === undefined || this.list!.length !== this.rowCount || this.utf8Bytes + known.bytes.byteLength > UTF8_BLOCK_BYTES_MAX) {
      this.dropUtf8Blocks()
      return
    }
    this.utf8Blocks!.push(known)
    this.utf8Bytes += known.bytes.byteLength
  }

  /** The UTF-8 blocks of every row (the segment file's), handed over and not kept; undefined when not all rows have them. */
  takeUtf8Blocks(): readonly Utf8Column[] | undefined {
    const blocks = this.utf8Blocks === null ? undefined : utf8BlocksOf(this.list as string[], this.rowCount)
    this.dropUtf8Blocks()
    return blocks
  }

  private dropUtf8Blocks(): void {
    if (this.utf8Blocks === null) return
    this.utf8Blocks = null
    this.utf8Bytes = 0
    forgetUtf8Blocks(this.list as string[])
  }

  /** Appends row `row` of `col`. */
  appendRowFrom(col: Column, row: number): void {
    this.append(sliceColumn(col, row, row + 1, this.dim))
  }

  private appendVectors(values: VectorArray, n: number): void {
    const stride = vectorStride(this.kind as VectorKind, this.dim)
    let done = 0
    while (done < n) {
      const at = this.rowCount + done
      const chunkIndex = Math.floor(at / this.chunkRows)
      while (this.chunks.length <= chunkIndex) this.chunks.push(this.newChunk(this.chunkRows * stride))
      const inChunk = at - chunkIndex * this.chunkRows
      const take = Math.min(n - done, this.chunkRows - inChunk)
      const chunk = this.chunks[chunkIndex]!
      chunk.set(values.subarray(done * stride, (done + take) * stride), inChunk * stride)
      done += take
    }
  }

  private newChunk(length: number): VectorArray {
    switch (this.kind) {
      case 'floatVector':
        return this.allocator.allocFloat32(length, false)
      case 'binaryVector':
        return new Uint8Array(length)
      case 'int8Vector':
        return new Int8Array(length)
      default:
        return new Uint16Array(length)
    }
  }

  private ensureTyped(n: number): void {
    const t = this.typed!
    if (n <= t.length) return
    const next = newTyped(this.kind as TypedKind, Math.max(n, t.length * 2))
    ;(next as Float64Array).set(t as Float64Array)
    this.typed = next
  }

  /**
   * Moves chunked vectors into one contiguous block of exactly `rowCount` rows (at seal), so indexes
   * and files read a view, and a segment sealed with fewer rows than a chunk does not keep the
   * chunk's whole capacity (16,384 rows).
   */
  consolidate(): void {
    if (!isVector(this.kind) || this.chunks.length === 0) return
    const n = this.rowCount
    const stride = vectorStride(this.kind, this.dim)
    if (this.chunks.length === 1 && this.chunks[0]!.length === n * stride) return
    const block = this.newChunk(n * stride)
    for (let i = 0; i < this.chunks.length; i++) {
      const chunk = this.chunks[i]!
      const rows = Math.min(this.chunkRows, n - i * this.chunkRows)
      block.set(chunk.subarray(0, rows * stride) as never, i * this.chunkRows * stride)
      // Each chunk is given back once copied (the seal holds one chunk beside the block, not the whole
      // column twice), but only once no read that may hold a view of it is in flight: a sliced search
      // that started on the growing segment reads its chunks across event-loop turns (`readGate`).
      if (this.kind === 'floatVector') {
        const allocator = this.allocator
        readGate.defer(() => allocator.free(chunk as Float32Array))
      }
    }
    this.chunks.length = 0
    this.adoptVectors(block, n)
  }

  /**
   * Replaces whole vector storage with one contiguous block (sealed segments loaded from disk).
   * `validBits` (loading a nullable field; null = every row valid) replaces the validity too.
   */
  adoptVectors(values: VectorArray, rowCount: number, validBits?: Bitset | null): void {
    this.chunks.length = 0
    this.chunks.push(values)
    ;(this as { chunkRows: number }).chunkRows = Math.max(rowCount, 1)
    this.rowCount = rowCount
    if (validBits !== undefined && this.validBits !== null) {
      const bits = new Bitset(rowCount)
      if (validBits === null) bits.setRange(0, rowCount)
      else for (let i = 0; i < rowCount; i++) if (validBits.get(i)) bits.set(i)
      this.validBits = bits
    }
  }

  /** 1 = the row has a value; null for fields that are not nullable. Live: grows with appends, do not change. */
  get validity(): Bitset | null {
    return this.validBits
  }

  isValid(row: number): boolean {
    return this.validBits === null || this.validBits.get(row)
  }

  /** A column of exactly `rowCount` rows (views, no copies, except vectors spanning chunks). */
  view(): Column {
    const n = this.rowCount
    const validBits = this.validBits === null ? null : this.validBits
    if (this.typed !== null) {
      return { kind: this.kind, values: this.typed.subarray(0, n), validBits } as Column
    }
    if (this.list !== null) {
      return { kind: this.kind, values: this.list, validBits, ...this.listShape() } as Column
    }
    return { kind: this.kind, dim: this.dim, values: this.vectorRange(0, n), validBits } as Column
  }

  /** Vectors of rows [from, to) as one array (a view when inside one chunk). */
  vectorRange(from: number, to: number): VectorArray {
    const stride = vectorStride(this.kind as VectorKind, this.dim)
    const c0 = Math.floor(from / this.chunkRows)
    const c1 = Math.floor(Math.max(to - 1, from) / this.chunkRows)
    if (c0 === c1 && this.chunks.length > 0) {
      const base = c0 * this.chunkRows
      return this.chunks[c0]!.subarray((from - base) * stride, (to - base) * stride)
    }
    const out = this.newVectorArray((to - from) * stride)
    for (let r = from; r < to; ) {
      const ci = Math.floor(r / this.chunkRows)
      const base = ci * this.chunkRows
      const end = Math.min(to, base + this.chunkRows)
      out.set(this.chunks[ci]!.subarray((r - base) * stride, (end - base) * stride) as never, (r - from) * stride)
      r = end
    }
    return out
  }

  /** A column with only the given rows, in order. */
  take(rows: ArrayLike<number>): Column {
    const n = rows.length
    const vb = this.validBits === null ? null : new Bitset(n)
    if (vb !== null) for (let i = 0; i < n; i++) if (this.validBits!.get(rows[i]!)) vb.set(i)
    if (this.typed !== null) {
      const out = newTyped(this.kind as TypedKind, n) as Float64Array
      const src = this.typed as Float64Array
      for (let i = 0; i < n; i++) out[i] = src[rows[i]!]!
      return { kind: this.kind, values: out, validBits: vb } as Column
    }
    if (this.list !== null) {
      const out = new Array<unknown>(n)
      for (let i = 0; i < n; i++) out[i] = this.list[rows[i]!]
      return { kind: this.kind, values: out, validBits: vb, ...this.listShape() } as Column
    }
    const stride = vectorStride(this.kind as VectorKind, this.dim)
    const out = this.newVectorArray(n * stride)
    for (let i = 0; i < n; i++) {
      const r = rows[i]!
      const ci = Math.floor(r / this.chunkRows)
      const off = (r - ci * this.chunkRows) * stride
      out.set(this.chunks[ci]!.subarray(off, off + stride) as never, i * stride)
    }
    return { kind: this.kind, dim: this.dim, values: out, validBits: vb } as Column
  }

  /** The extra properties of a list column: dim and element kind of an ArrayOfVector. */
  private listShape(): { dim?: number; element?: VectorElementKind } {
    return this.kind === 'vectorArray' ? { dim: this.dim, element: this.element } : {}
  }

  /** A heap array of this vector column's element type. */
  private newVectorArray(length: number): VectorArray {
    switch (this.kind) {
      case 'binaryVector':
        return new Uint8Array(length)
      case 'int8Vector':
        return new Int8Array(length)
      case 'float16Vector':
      case 'bfloat16Vector':
        return new Uint16Array(length)
      default:
        return new Float32Array(length)
    }
  }

  /** Frees arena memory held by vector chunks. */
  release(): void {
    if (this.kind === 'floatVector') for (const c of this.chunks) this.allocator.free(c as Float32Array)
    this.chunks.length = 0
  }
}

export function isTyped(kind: ColumnKind): kind is TypedKind {
  return kind === 'bool' || kind === 'int8' || kind === 'int16' || kind === 'int32' || kind === 'int64' || kind === 'float' || kind === 'double'
}

export function isVector(kind: ColumnKind): kind is VectorKind {
  return kind === 'floatVector' || kind === 'binaryVector' || kind === 'float16Vector' || kind === 'bfloat16Vector' || kind === 'int8Vector'
}

/** Number of rows in a column. */
export function columnLength(col: Column, dim: number): number {
  switch (col.kind) {
    case 'floatVector':
    case 'float16Vector':
    case 'bfloat16Vector':
    case 'int8Vector':
      return dim === 0 ? 0 : col.values.length / dim
    case 'binaryVector':
      return col.values.length / (dim >>> 3)
    default:
      return col.values.length
  }
}

/** Rows [from, to) of a column (views for typed arrays). */
export function sliceColumn(col: Column, from: number, to: number, dim: number): Column {
  switch (col.kind) {
    case 'floatVector':
    case 'float16Vector':
    case 'bfloat16Vector':
    case 'int8Vector':
      return { kind: col.kind, dim, values: col.values.subarray(from * dim, to * dim), validBits: sliceValid(col.validBits, from, to) } as Column
    case 'binaryVector':
      return { kind: col.kind, dim, values: col.values.subarray(from * (dim >>> 3), to * (dim >>> 3)), validBits: sliceValid(col.validBits, from, to) }
    case 'sparseVector':
      return { kind: col.kind, values: col.values.slice(from, to) as SparseRow[], validBits: sliceValid(col.validBits, from, to) }
    default: {
      const vb = col.validBits === null ? null : sliceBits(col.validBits, from, to)
      const values = Array.isArray(col.values) ? col.values.slice(from, to) : (col.values as Float64Array).subarray(from, to)
      return { ...col, values, validBits: vb } as Column
    }
  }
}

function sliceValid(b: Bitset | null, from: number, to: number): Bitset | null {
  return b === null ? null : sliceBits(b, from, to)
}

function sliceBits(b: Bitset, from: number, to: number): Bitset {
  const out = new Bitset(to - from)
  for (let i = from; i < to; i++) if (b.get(i)) out.set(i - from)
  return out
}
