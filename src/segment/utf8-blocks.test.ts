// A growing varchar column keeps the UTF-8 its appends came with (a BM25 function's input, encoded
// once for the analysis and the WAL); the sealed segment's file copies it instead of encoding every
// string again: the same file bytes, and the blocks are let go once written. An append without an
// encoding, or past the cap, and the column encodes at the seal as before.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createCollectionSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import { encodeUtf8Column, utf8BlocksOf } from '../text/utf8-texts.ts'
import { ColumnStore, heapAllocator, UTF8_BLOCK_BYTES_MAX } from './column-store.ts'
import { decodeSegment, encodeSegment } from './segment-file.ts'
import { Segment, type SegmentId } from './segment.ts'

const schema = createCollectionSchema({
  name: 'c',
  fields: [
    { name: 'id', dataType: DataType.Int64, isPrimaryKey: true },
    { name: 'text', dataType: DataType.VarChar, maxLength: 200, nullable: true },
    { name: 'v', dataType: DataType.FloatVector, dim: 2 },
  ],
})

const batches = [['héllo wörld', '', 'plain'], ['日本語のテキスト', 'x'], ['last one']]

function segmentOf(encoded: boolean): Segment {
  const seg = new Segment(4 as SegmentId, 1, schema, heapAllocator)
  let id = 0
  for (const texts of batches) {
    const values = [...texts]
    if (encoded) encodeUtf8Column(values)
    seg.appendColumns(new Map([['id', { kind: 'int64', values: BigInt64Array.from(values, () => BigInt(id++)), validBits: null }], ['text', { kind: 'varchar', values, validBits: null }], ['v', { kind: 'floatVector', dim: 2, values: new Float32Array(2 * values.length), validBits: null }]] as never), values.length, 5n as never)
  }
  return seg
}

const bytesOf = async (seg: Segment, state: 'sealed' | 'growing'): Promise<Buffer> => Buffer.concat(await encodeSegment(seg, seg.rowCount, seg.insertRuns, state)())

test("a sealed segment's file copies the texts' UTF-8 from the inserts: the same bytes, then let go", async () => {
  const kept = segmentOf(true)
  const store = kept.fields.get('text')!
  const rows = batches.flat().length
  assert.equal(utf8BlocksOf(store.view().values as string[], rows)?.length, batches.length)
  const plain = await bytesOf(segmentOf(false), 'sealed')
  // A growing segment's checkpoint reads them and leaves them; the sealed segment's file takes them.
  assert.deepEqual(await bytesOf(kept, 'growing'), await bytesOf(segmentOf(false), 'growing'))
  assert.notEqual(utf8BlocksOf(store.view().values as string[], rows), undefined)
  const sealed = await bytesOf(kept, 'sealed')
  assert.deepEqual(sealed, plain)
  assert.equal(utf8BlocksOf(store.view().values as string[], rows), undefined, 'let go once the file has them')
  assert.equal(store.takeUtf8Blocks(), undefined)
  const back = decodeSegment(sealed, schema, heapAllocator, 'mem').column('text')!
  assert.deepEqual(back.values, batches.flat())
})

test('an append without its UTF-8 or past the cap: the column encodes at the seal', () => {
  const seg = segmentOf(true)
  seg.appendColumns(new Map([['id', { kind: 'int64', values: BigInt64Array.of(99n), validBits: null }], ['text', { kind: 'varchar', values: ['no encoding'], validBits: null }], ['v', { kind: 'floatVector', dim: 2, values: new Float32Array(2), validBits: null }]] as never), 1, 6n as never)
  const store = seg.fields.get('text')!
  assert.equal(store.takeUtf8Blocks(), undefined)

  const capped = new ColumnStore('varchar', 0, false, heapAllocator)
  const big = ['a'.repeat(1024 * 1024)]
  let appended = 0
  for (; appended * big[0]!.length <= UTF8_BLOCK_BYTES_MAX; appended++) {
    const values = [...big]
    encodeUtf8Column(values)
    capped.append({ kind: 'varchar', values, validBits: null })
  }
  assert.equal(utf8BlocksOf(capped.view().values as string[], appended), undefined, 'over the cap: not kept')
})
