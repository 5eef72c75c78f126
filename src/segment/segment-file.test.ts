import assert from 'node:assert/strict'
import { test } from 'node:test'
import { arrow } from '../common/arrow.ts'
import type { SparseRow } from '../column/column.ts'
import { rememberSparseBlocks, sparseBlocksOf } from '../column/sparse-blocks.ts'
import { Bitset } from '../common/bitset.ts'
import { createCollectionSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import { heapAllocator } from './column-store.ts'
import { decodeSegment, encodeSegment, SEGMENT_FORMAT_VERSION } from './segment-file.ts'
import { Segment, type SegmentId } from './segment.ts'

const schema = createCollectionSchema({
  name: 'c',
  fields: [
    { name: 'id', dataType: DataType.Int64, isPrimaryKey: true },
    { name: 'sp', dataType: DataType.SparseFloatVector, nullable: true },
  ],
})

const rows: (SparseRow | null)[] = [
  { indices: Uint32Array.of(1, 7, 4_000_000_000), values: Float32Array.of(0.5, 2, -1.25) },
  { indices: new Uint32Array(0), values: new Float32Array(0) },
  null,
  { indices: Uint32Array.of(3), values: Float32Array.of(1e-30) },
]

function segment(): Segment {
  const seg = new Segment(9 as SegmentId, 1, schema, heapAllocator)
  const valid = new Bitset(rows.length)
  rows.forEach((r, i) => r !== null && valid.set(i))
  const empty: SparseRow = { indices: new Uint32Array(0), values: new Float32Array(0) }
  seg.appendColumns(
    new Map([
      ['id', { kind: 'int64', values: BigInt64Array.from(rows, (_, i) => BigInt(i)), validBits: null }],
      ['sp', { kind: 'sparseVector', values: rows.map((r) => r ?? empty), validBits: valid }],
    ] as never),
    rows.length,
    5n as never,
  )
  return seg
}

async function bytesOf(seg: Segment): Promise<Uint8Array> {
  return Buffer.concat(await encodeSegment(seg, seg.rowCount, seg.insertRuns, 'sealed')())
}

function sparseOut(seg: Segment): ([number, number][] | null)[] {
  const col = seg.column('sp')!
  assert.equal(col.kind, 'sparseVector')
  return col.values.map((r, i) => (col.validBits !== null && !col.validBits.get(i) ? null : [...r.indices].map((d, k) => [d, r.values[k]!] as [number, number])))
}

const expected = rows.map((r) => (r === null ? null : [...r.indices].map((d, k) => [d, r.values[k]!] as [number, number])))

test(`sparse vectors round-trip through a format ${SEGMENT_FORMAT_VERSION} segment file (a list of index/value pairs), nulls and empty rows kept`, async () => {
  const bytes = await bytesOf(segment())
  const table = arrow.tableFromIPC(bytes)
  const type = table.getChild('sp')!.data[0]!.type
  assert.ok(type instanceof arrow.List, 'stored as an Arrow List, not Binary or JSON text')
  assert.deepEqual(type.children[0]!.type.children.map((f: { name: string }) => f.name), ['index', 'value'])
  // Decoded from an unaligned copy (as a pooled Buffer read can be).
  const unaligned = new Uint8Array(bytes.length + 3)
  unaligned.set(bytes, 3)
  const back = decodeSegment(unaligned.subarray(3), schema, heapAllocator, 'mem')
  assert.deepEqual(sparseOut(back), expected)
})

test('rows cut from compressed-row blocks (the BM25 output) are written block by block: the same file bytes', async () => {
  // The rows above, null as empty, as views of one block (remembered) and with arrays of their own.
  const lengths = rows.map((r) => r?.indices.length ?? 0)
  const rowStart = Int32Array.from([0, ...lengths.map((_, i) => lengths.slice(0, i + 1).reduce((a, b) => a + b, 0))])
  const indices = Uint32Array.from(rows.flatMap((r) => [...(r?.indices ?? [])]))
  const values = Float32Array.from(rows.flatMap((r) => [...(r?.values ?? [])]))
  const viewed: SparseRow[] = lengths.map((_, i) => ({ indices: indices.subarray(rowStart[i]!, rowStart[i + 1]!), values: values.subarray(rowStart[i]!, rowStart[i + 1]!) }))
  rememberSparseBlocks(viewed, [{ rowStart, indices, values }])
  const own: SparseRow[] = viewed.map((r) => ({ indices: r.indices.slice(), values: r.values.slice() }))
  const segmentOf = (sp: SparseRow[]): Segment => {
    const seg = new Segment(9 as SegmentId, 1, schema, heapAllocator)
    seg.appendColumns(new Map([['id', { kind: 'int64', values: BigInt64Array.from(sp, (_, i) => BigInt(i)), validBits: null }], ['sp', { kind: 'sparseVector', values: sp, validBits: null }]] as never), sp.length, 5n as never)
    return seg
  }
  const fromBlocks = segmentOf(viewed)
  assert.ok(sparseBlocksOf(fromBlocks.fields.get('sp')!.view().values as SparseRow[], rows.length) !== undefined, 'the segment kept the block')
  const bytes = await bytesOf(fromBlocks)
  assert.deepEqual(Buffer.from(bytes), Buffer.from(await bytesOf(segmentOf(own))))
  const back = decodeSegment(bytes, schema, heapAllocator, 'mem')
  assert.deepEqual(sparseOut(back), expected.map((e) => e ?? []))
})

test('a format 1 segment file (sparse rows as JSON text) still reads', async () => {
  const table = arrow.tableFromIPC(await bytesOf(segment()))
  // As format 1 wrote them: every row's JSON (a null row's placeholder is an empty row) and the null bitmap.
  const json = rows.map((r) => JSON.stringify({ i: r === null ? [] : [...r.indices], v: r === null ? [] : [...r.values] }))
  const text = Buffer.from(json.join(''))
  const valueOffsets = new Int32Array(json.length + 1)
  json.forEach((j, i) => (valueOffsets[i + 1] = valueOffsets[i]! + Buffer.byteLength(j)))
  const nullBitmap = Uint8Array.of(rows.reduce((bits, r, i) => (r === null ? bits : bits | (1 << i)), 0))
  const sp = arrow.makeVector(arrow.makeData({ type: new arrow.Utf8(), length: json.length, valueOffsets, data: text, nullBitmap }))
  const meta = JSON.parse(table.schema.metadata.get('quiver.segment')!) as { formatVersion: number }
  meta.formatVersion = 1
  const fields = [table.schema.fields[0]!, new arrow.Field('sp', new arrow.Utf8(), true)]
  const v1 = new arrow.Table(new arrow.Schema(fields, new Map([['quiver.segment', JSON.stringify(meta)]])), { id: table.getChild('id')!, sp })
  const back = decodeSegment(arrow.tableToIPC(v1, 'file'), schema, heapAllocator, 'v1')
  assert.deepEqual(sparseOut(back), expected)
})

test('a format 2 segment file (sparse rows as Arrow Binary: indices, then values) still reads', async () => {
  const table = arrow.tableFromIPC(await bytesOf(segment()))
  // As format 2 wrote them: per row its indices (u32) then its values (f32), a null row empty, and the null bitmap.
  const valueOffsets = new Int32Array(rows.length + 1)
  rows.forEach((r, i) => (valueOffsets[i + 1] = valueOffsets[i]! + 8 * (r?.indices.length ?? 0)))
  const words = new Uint32Array(valueOffsets[rows.length]! / 4)
  rows.forEach((r, i) => {
    if (r === null) return
    words.set(r.indices, valueOffsets[i]! / 4)
    new Float32Array(words.buffer).set(r.values, valueOffsets[i]! / 4 + r.indices.length)
  })
  const nullBitmap = Uint8Array.of(rows.reduce((bits, r, i) => (r === null ? bits : bits | (1 << i)), 0))
  const sp = arrow.makeVector(arrow.makeData({ type: new arrow.Binary(), length: rows.length, valueOffsets, data: new Uint8Array(words.buffer), nullBitmap }))
  const meta = JSON.parse(table.schema.metadata.get('quiver.segment')!) as { formatVersion: number }
  meta.formatVersion = 2
  const fields = [table.schema.fields[0]!, new arrow.Field('sp', new arrow.Binary(), true)]
  const v2 = new arrow.Table(new arrow.Schema(fields, new Map([['quiver.segment', JSON.stringify(meta)]])), { id: table.getChild('id')!, sp })
  const back = decodeSegment(arrow.tableToIPC(v2, 'file'), schema, heapAllocator, 'v2')
  assert.deepEqual(sparseOut(back), expected)
})

test('a segment file of a newer format is refused, naming its version', async () => {
  const table = arrow.tableFromIPC(await bytesOf(segment()))
  const meta = JSON.parse(table.schema.metadata.get('quiver.segment')!) as { formatVersion: number }
  meta.formatVersion = SEGMENT_FORMAT_VERSION + 1
  const newer = new arrow.Table(new arrow.Schema(table.schema.fields, new Map([['quiver.segment', JSON.stringify(meta)]])), { id: table.getChild('id')!, sp: table.getChild('sp')! })
  assert.throws(() => decodeSegment(arrow.tableToIPC(newer, 'file'), schema, heapAllocator, 'new'), /format version 4, expected one of 1, 2, 3/)
})
