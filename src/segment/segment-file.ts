import type { Data, DataType as ArrowType, Field as ArrowField, Table as ArrowTable, Vector } from 'apache-arrow'
import { arrow } from '../common/arrow.ts'
import { Bitset } from '../common/bitset.ts'
import { parseWithBigint, stringifyWithBigint } from '../common/json-bigint.ts'
import type { Column, SparseRow, VectorRows } from '../column/column.ts'
import { blockEntryCount, copyBlockEntries, rememberSparseBlocks, sparseBlocksOf, takeJoinedBlock } from '../column/sparse-blocks.ts'
import { copySparseEntries } from '../column/sparse-runs.ts'
import { type Utf8Column, utf8BlocksOf } from '../text/utf8-texts.ts'
import { vectorRowsOf } from '../column/batch-vector-array.ts'
import { vectorElementOf } from '../column/vector-array-column.ts'
import { errors } from '../errors/errors.ts'
import type { CollectionSchema, FieldSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import { heapAllocator, isTyped, isVector, type VectorAllocator } from './column-store.ts'
import { InsertRuns } from './insert-runs.ts'
import { Segment, type SegmentId, type SegmentState } from './segment.ts'
import { filledColumn } from '../column/filled-column.ts'

/** Bumped on any incompatible change of the segment file layout. */
const { Binary, Bool, Field, FixedSizeBinary, FixedSizeList, Float32, Float64, Int8, Int16, Int32, Int64, List, makeData, makeVector, Schema, Struct, Table, tableFromIPC, RecordBatchFileWriter, Uint16, Uint32, Utf8 } = arrow

/**
 * 3: sparse vector columns as Arrow List<Struct<index, value>> (`sparseData`); 2 wrote them as Arrow
 * Binary, 1 as JSON text: both still read.
 */
export const SEGMENT_FORMAT_VERSION = 3
const READABLE_FORMAT_VERSIONS: readonly number[] = [1, 2, 3]

interface SegmentFileMeta {
  formatVersion: number
  segmentId: number
  partitionId: number
  state: SegmentState
  insertRuns: ReturnType<InsertRuns['toJSON']>
}

/**
 * Encodes rows [0, rowCount) of a segment as one Arrow IPC file (one record batch, one column per
 * field, `$meta` included). Deletes are not in it: they live in the segment's delete file.
 */
export function encodeSegment(seg: Segment, rowCount: number, runs: InsertRuns, state: SegmentState): () => Promise<Uint8Array[]> {
  const fields: ArrowField[] = []
  const vectors: Record<string, Vector> = {}
  for (const [name, store] of seg.fields) {
    const col = store.view()
    // A sealed segment's file is written once: the texts' UTF-8 kept since the inserts is handed over.
    const utf8 = col.kind !== 'varchar' ? undefined : state === 'sealed' && rowCount === store.rowCount ? store.takeUtf8Blocks() : utf8BlocksOf(col.values, rowCount)
    const data = utf8 !== undefined ? utf8DataOfBlocks(utf8, rowCount, nullBitmap(col)) : columnToArrow(col, rowCount, store.dim)
    fields.push(new Field(name, data.type, true))
    vectors[name] = makeVector(data)
  }
  const meta: SegmentFileMeta = {
    formatVersion: SEGMENT_FORMAT_VERSION,
    segmentId: seg.id,
    partitionId: seg.partitionId,
    state,
    insertRuns: runs.toJSON(),
  }
  const schema = new Schema(fields, new Map([['quiver.segment', JSON.stringify(meta)]]))
  const table = new Table(schema, vectors)
  // The writer lays out the file now and keeps the column buffers by reference: draining it later
  // yields them as separate chunks (written with writev, never concatenated). The caller keeps the
  // referenced memory unchanged until the drain completes.
  const writer = RecordBatchFileWriter.writeAll(table)
  return async () => {
    const chunks: Uint8Array[] = []
    for await (const c of writer) chunks.push(c)
    return chunks
  }
}

/**
 * Decodes a segment file into a Segment: float vectors are copied into `allocator` memory (the vector
 * arena), except with `heapAllocator` (the compaction worker), where they stay views of `bytes` —
 * no copy; `bytes` must then stay unchanged while the segment is used.
 */
export function decodeSegment(bytes: Uint8Array, schema: CollectionSchema, allocator: VectorAllocator, path: string): Segment {
  let table: ArrowTable
  try {
    table = tableFromIPC(bytes)
  } catch (e) {
    throw errors.io(`segment file ${path} is not a readable Arrow IPC file`, e)
  }
  const raw = table.schema.metadata.get('quiver.segment')
  if (raw === undefined) throw errors.io(`segment file ${path} lacks quiver metadata`, undefined)
  const meta = JSON.parse(raw) as SegmentFileMeta
  if (!READABLE_FORMAT_VERSIONS.includes(meta.formatVersion)) {
    throw errors.io(`segment file ${path} has format version ${meta.formatVersion}, expected one of ${READABLE_FORMAT_VERSIONS.join(', ')}`, undefined)
  }
  const seg = new Segment(meta.segmentId as SegmentId, meta.partitionId, schema, allocator)
  const n = meta.insertRuns.rowCount
  for (const [name, store] of seg.fields) {
    const child = table.getChild(name)
    if (child === null) {
      // A field added to the schema after this file was written: its rows read the default, else null.
      const added = schema.fields.find((f) => f.name === name)
      if (added === undefined || !added.nullable) throw errors.io(`segment file ${path} lacks column ${name}`, undefined)
      if (n > 0) store.append(filledColumn(added, n))
      continue
    }
    const data = n === 0 ? undefined : child.data[0]
    if (store.kind === 'floatVector' && data !== undefined) {
      const src = (data.children[0]!.values as Float32Array).subarray(0, n * store.dim)
      const block = allocator === heapAllocator ? src : allocator.allocFloat32(n * store.dim, false)
      if (block !== src) block.set(src)
      store.adoptVectors(block, n, store.nullable ? validOf(data, n) : undefined)
    } else if (data !== undefined) {
      const field = schema.fields.find((f) => f.name === name)
      store.append(store.kind === 'vectorArray' ? readVectorArray(data, field, store.dim, n) : arrowToColumn(data, store.kind, store.dim, n, field?.elementType))
    }
  }
  seg.restore(InsertRuns.fromJSON(meta.insertRuns), meta.state)
  return seg
}

function nullBitmap(col: Column): Uint8Array | undefined {
  if (!('validBits' in col) || col.validBits === null) return undefined
  const w = col.validBits.words
  return new Uint8Array(w.buffer, w.byteOffset, w.byteLength)
}

function columnToArrow(col: Column, n: number, dim: number): Data {
  const nb = nullBitmap(col)
  const np = nb === undefined ? {} : { nullBitmap: nb }
  switch (col.kind) {
    case 'bool':
      return makeData({ type: new Bool(), length: n, data: packBools(col.values, n), ...np })
    case 'int8':
      return makeData({ type: new Int8(), length: n, data: col.values.subarray(0, n), ...np })
    case 'int16':
      return makeData({ type: new Int16(), length: n, data: col.values.subarray(0, n), ...np })
    case 'int32':
      return makeData({ type: new Int32(), length: n, data: col.values.subarray(0, n), ...np })
    case 'int64':
      return makeData({ type: new Int64(), length: n, data: col.values.subarray(0, n), ...np })
    case 'float':
      return makeData({ type: new Float32(), length: n, data: col.values.subarray(0, n), ...np })
    case 'double':
      return makeData({ type: new Float64(), length: n, data: col.values.subarray(0, n), ...np })
    case 'varchar':
    case 'geometry':
      return utf8Data(col.values, n, nb)
    case 'json':
    case 'array':
      return utf8Data(col.values.slice(0, n).map((v) => stringifyWithBigint(v)), n, nb)
    case 'sparseVector':
      return sparseData(col.values, n, nb)
    case 'floatVector':
      return fixedList(new Float32(), col.values.subarray(0, n * dim), n, dim, np)
    case 'float16Vector':
    case 'bfloat16Vector':
      return fixedList(new Uint16(), col.values.subarray(0, n * dim), n, dim, np)
    case 'int8Vector':
      return fixedList(new Int8(), col.values.subarray(0, n * dim), n, dim, np)
    case 'binaryVector':
      return makeData({ type: new FixedSizeBinary(dim >>> 3), length: n, data: col.values.subarray(0, n * (dim >>> 3)), ...np })
    case 'vectorArray':
      return vectorArrayData(col.values, n)
  }
}

/** An ArrayOfVector column as Arrow Binary: each row's vectors as raw little-endian bytes (the element kind is the schema's). */
function vectorArrayData(rows: readonly VectorRows[], n: number): Data {
  const offsets = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + rows[i]!.byteLength
  const bytes = new Uint8Array(offsets[n]!)
  for (let i = 0; i < n; i++) bytes.set(new Uint8Array(rows[i]!.buffer, rows[i]!.byteOffset, rows[i]!.byteLength), offsets[i]!)
  return makeData({ type: new Binary(), length: n, valueOffsets: offsets, data: bytes })
}

function readVectorArray(data: Data, field: FieldSchema | undefined, dim: number, n: number): Column {
  const element = vectorElementOf(field ?? {})
  const offsets = data.valueOffsets as Int32Array
  const bytes = data.values as Uint8Array
  const values = new Array<VectorRows>(n)
  for (let i = 0; i < n; i++) values[i] = vectorRowsOf(element, bytes.slice(offsets[i]!, offsets[i + 1]!))
  return { kind: 'vectorArray', element, dim, values, validBits: null }
}

function fixedList(item: ArrowType, values: Float32Array | Uint16Array | Int8Array, n: number, dim: number, np: { nullBitmap?: Uint8Array }): Data {
  const child = makeData({ type: item, length: n * dim, data: values } as never) as Data
  return makeData({ type: new FixedSizeList(dim, new Field('item', item, false)), length: n, child, ...np })
}

/** `utf8Data` of texts whose UTF-8 is `blocks`, in row order: their bytes copied, no string encoded. */
function utf8DataOfBlocks(blocks: readonly Utf8Column[], n: number, nb: Uint8Array | undefined): Data {
  let total = 0
  for (const b of blocks) total += b.offsets[b.offsets.length - 1]! - b.offsets[0]!
  const bytes = Buffer.allocUnsafe(total)
  const offsets = new Int32Array(n + 1)
  let row = 0
  let at = 0
  for (const b of blocks) {
    const o = b.offsets
    const first = o[0]!
    const end = o[o.length - 1]!
    bytes.set(b.bytes.subarray(first, end), at)
    for (let r = 1; r < o.length; r++) offsets[++row] = at + o[r]! - first
    at += end - first
  }
  return makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes, ...(nb === undefined ? {} : { nullBitmap: nb }) })
}

function utf8Data(values: readonly string[], n: number, nb: Uint8Array | undefined): Data {
  const offsets = new Int32Array(n + 1)
  let total = 0
  for (let i = 0; i < n; i++) {
    total += Buffer.byteLength(values[i] ?? '', 'utf8')
    offsets[i + 1] = total
  }
  // Each row written in place: no joined copy of the whole column as one string first.
  const bytes = Buffer.allocUnsafe(total)
  for (let i = 0; i < n; i++) bytes.write(values[i] ?? '', offsets[i]!, offsets[i + 1]! - offsets[i]!, 'utf8')
  return makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes, ...(nb === undefined ? {} : { nullBitmap: nb }) })
}

/**
 * A sparse vector column (format 3) as Arrow `List<Struct<index: Uint32, value: Float32>>`: per row a
 * list of (index, value) pairs, which Arrow keeps as one offsets array and two flat arrays — the rows'
 * compressed-row form, so a column of rows cut from blocks (`sparseBlocksOf`: the BM25 output) is
 * written a block at a time, and read back as views of two arrays. A null row is an empty list.
 */
function sparseData(rows: readonly SparseRow[], n: number, nb: Uint8Array | undefined): Data {
  let offsets: Int32Array = new Int32Array(n + 1)
  let indices: Uint32Array
  let values: Float32Array
  const blocks = sparseBlocksOf(rows, n)
  const joined = takeJoinedBlock(rows, n)
  if (joined !== undefined) {
    // Joined already (for the segment's index build, in shared memory): the file is written from those arrays.
    offsets = new Int32Array(joined.rowStart.buffer, joined.rowStart.byteOffset, n + 1)
    indices = joined.indices
    values = joined.values
  } else if (blocks !== undefined) {
    const nnz = blockEntryCount(blocks)
    indices = new Uint32Array(nnz)
    values = new Float32Array(nnz)
    copyBlockEntries(blocks, indices, values, 0)
    let row = 0
    let base = 0
    for (const b of blocks) {
      const rs = b.rowStart
      const first = rs[0]!
      for (let r = 1; r < rs.length; r++) offsets[++row] = base + rs[r]! - first
      base += rs[rs.length - 1]! - first
    }
  } else {
    for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + (rows[i]?.indices.length ?? 0)
    indices = new Uint32Array(offsets[n]!)
    values = new Float32Array(offsets[n]!)
    copySparseEntries(rows, 0, n, indices, values, 0)
  }
  const nnz = offsets[n]!
  const pair = new Struct([new Field('index', new Uint32(), false), new Field('value', new Float32(), false)])
  const child = makeData({
    type: pair,
    length: nnz,
    nullCount: 0,
    children: [makeData({ type: new Uint32(), length: nnz, data: indices }), makeData({ type: new Float32(), length: nnz, data: values })],
  })
  return makeData({ type: new List(new Field('pair', pair, false)), length: n, valueOffsets: offsets, child, ...(nb === undefined ? {} : { nullBitmap: nb }) })
}

/** Rows of a format 3 sparse column: views of one copy of its index and value arrays (remembered as one block). */
function readSparseList(data: Data, n: number): SparseRow[] {
  const offsets = data.valueOffsets as Int32Array
  const pairs = data.children[0]!
  const first = offsets[0]!
  const end = offsets[n]!
  const indices = (pairs.children[0]!.values as Uint32Array).slice(pairs.offset + first, pairs.offset + end)
  const values = (pairs.children[1]!.values as Float32Array).slice(pairs.offset + first, pairs.offset + end)
  const rowStart = new Int32Array(n + 1)
  for (let i = 0; i <= n; i++) rowStart[i] = offsets[i]! - first
  const out = new Array<SparseRow>(n)
  for (let i = 0; i < n; i++) out[i] = { indices: indices.subarray(rowStart[i]!, rowStart[i + 1]!), values: values.subarray(rowStart[i]!, rowStart[i + 1]!) }
  rememberSparseBlocks(out, [{ rowStart, indices, values }])
  return out
}

/** Rows of a format 2 sparse column (Arrow Binary: each row's indices, then its values): views into one aligned copy of its bytes. */
function readSparseBinary(data: Data, n: number): SparseRow[] {
  const offsets = data.valueOffsets as Int32Array
  const first = offsets[0]!
  const bytes = new Uint8Array(offsets[n]! - first)
  bytes.set((data.values as Uint8Array).subarray(first, offsets[n]!))
  const u32 = new Uint32Array(bytes.buffer)
  const f32 = new Float32Array(bytes.buffer)
  const out = new Array<SparseRow>(n)
  for (let i = 0; i < n; i++) {
    const at = (offsets[i]! - first) >>> 2
    const nnz = (offsets[i + 1]! - offsets[i]!) >>> 3
    out[i] = { indices: u32.subarray(at, at + nnz), values: f32.subarray(at + nnz, at + 2 * nnz) }
  }
  return out
}

function packBools(values: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >>> 3)
  for (let i = 0; i < n; i++) if (values[i] !== 0) out[i >>> 3]! |= 1 << (i & 7)
  return out
}

function validOf(data: Data, n: number): Bitset | null {
  if (data.nullBitmap === undefined || data.nullBitmap.length === 0 || data.nullCount === 0) return null
  const b = new Bitset(n)
  const bytes = new Uint8Array(b.words.buffer)
  bytes.set(data.nullBitmap.subarray(0, bytes.length))
  return b
}

function arrowToColumn(data: Data, kind: Column['kind'], dim: number, n: number, elementType?: number): Column {
  if (isTyped(kind)) {
    const validBits = validOf(data, n)
    if (kind === 'bool') {
      const bits = data.values as Uint8Array
      const values = new Uint8Array(n)
      for (let i = 0; i < n; i++) values[i] = (bits[(i + data.offset) >>> 3]! >>> ((i + data.offset) & 7)) & 1
      return { kind, values, validBits }
    }
    return { kind, values: (data.values as Float64Array).slice(0, n), validBits } as Column
  }
  if (isVector(kind)) {
    const stride = kind === 'binaryVector' ? dim >>> 3 : dim
    const values = kind === 'binaryVector' ? (data.values as Uint8Array) : (data.children[0]!.values as Uint16Array)
    return { kind, dim, values: values.slice(0, n * stride), validBits: validOf(data, n) } as Column
  }
  if (kind === 'sparseVector' && data.type instanceof List) return { kind, values: readSparseList(data, n), validBits: validOf(data, n) }
  if (kind === 'sparseVector' && data.type instanceof Binary) return { kind, values: readSparseBinary(data, n), validBits: validOf(data, n) }
  // Format 1 wrote sparse rows as JSON text.
  const strings = readUtf8(data, n)
  switch (kind) {
    case 'varchar':
    case 'geometry':
      return { kind, values: strings, validBits: validOf(data, n) } as Column
    case 'sparseVector':
      return { kind, values: strings.map(parseSparse), validBits: validOf(data, n) }
    default: {
      const values = strings.map((s) => parseWithBigint(s))
      if (kind === 'array' && elementType === DataType.Int64) {
        for (const a of values) if (Array.isArray(a)) for (let i = 0; i < a.length; i++) a[i] = BigInt(a[i] as bigint)
      }
      return { kind, values: values as never, validBits: validOf(data, n) } as Column
    }
  }
}

function parseSparse(s: string): SparseRow {
  const j = JSON.parse(s) as { i: number[]; v: number[] }
  return { indices: Uint32Array.from(j.i), values: Float32Array.from(j.v) }
}

function readUtf8(data: Data, n: number): string[] {
  const offsets = data.valueOffsets as Int32Array
  const bytes = data.values as Uint8Array
  const dec = new TextDecoder()
  const out = new Array<string>(n)
  for (let i = 0; i < n; i++) out[i] = dec.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!))
  return out
}

