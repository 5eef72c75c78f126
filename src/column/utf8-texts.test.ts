// A varchar column encoded once for the BM25 function is written to the WAL as those same bytes: the
// batch codec's output is byte-identical with and without the shared encoding, and decodes to the texts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeBatch, encodeBatch } from './batch-codec.ts'
import type { ColumnBatch } from './column.ts'
import { encodedUtf8, encodeUtf8Column } from '../text/utf8-texts.ts'

const concat = (chunks: readonly Uint8Array[]): Buffer => Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)))

function batchOf(texts: string[]): ColumnBatch {
  return { rowCount: texts.length, columns: new Map([['text', { kind: 'varchar', values: texts, validBits: null }]]) }
}

test('the WAL bytes of a varchar column are the same whether or not it was encoded for the BM25 function', () => {
  const texts = Array.from({ length: 500 }, (_, i) => (i % 7 === 0 ? '' : `row ${i}: naïve 中文 😀 ${'x'.repeat(i % 300)}`))
  const plain = concat(encodeBatch(batchOf([...texts])))
  const shared = texts.slice()
  const utf8 = encodeUtf8Column(shared)
  assert.equal(encodedUtf8(shared), utf8)
  assert.ok(utf8.bytes.buffer instanceof SharedArrayBuffer)
  assert.equal(utf8.offsets[500], Buffer.byteLength(texts.join(''), 'utf8'))
  const reused = concat(encodeBatch(batchOf(shared)))
  assert.deepEqual(reused, plain)
  const back = decodeBatch(reused).columns.get('text')!
  assert.equal(back.kind, 'varchar')
  assert.deepEqual(back.kind === 'varchar' ? back.values : [], texts)
})

test('a lone surrogate: encoded as U+FFFD as Buffer does, and the column marked not well-formed', () => {
  const texts = ['ok', 'bad \ud800 here', 'fine']
  const utf8 = encodeUtf8Column(texts)
  assert.equal(utf8.wellFormed, false)
  assert.equal(Buffer.from(utf8.bytes.subarray(utf8.offsets[1], utf8.offsets[2])).toString('utf8'), 'bad \ufffd here')
  assert.equal(encodeUtf8Column(['ok', 'fine']).wellFormed, true)
})
