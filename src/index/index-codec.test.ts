// The index file codec: encode → decode returns the spec, meta and every section (views when aligned,
// copies when not); truncation, a flipped bit, a wrong version or magic are MilvusError 2100.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { concatChunks, decodeIndexPayload, encodeIndexPayload, type IndexPayload, SectionReader } from './index-codec.ts'

const payload: IndexPayload = {
  spec: { indexType: 'IVF_PQ', metric: 'L2', dim: 8, params: { nlist: 2, m: 2, nbits: 8 } },
  rowCount: 3,
  meta: { ksub: 3, entryPoint: -1 },
  sections: [new Int32Array([1, -2, 3]), new Float32Array([0.5, Number.NaN]), new Uint8Array([1, 2, 3, 4, 5]), new Uint16Array([7]), new Int32Array(0)],
}

const isCorrupt = (e: unknown) => e instanceof MilvusError && e.code === ErrorCode.IoFailed && /index data is corrupt/.test(e.message)

test('round trip keeps spec, rows, meta and every section with its type', () => {
  const bytes = concatChunks(encodeIndexPayload(payload))
  assert.equal(bytes.length % 8, 4)
  const back = decodeIndexPayload(bytes)
  assert.deepEqual(back.spec, payload.spec)
  assert.deepEqual(back.meta, payload.meta)
  assert.equal(back.rowCount, 3)
  assert.equal(back.sections.length, payload.sections.length)
  back.sections.forEach((s, i) => {
    assert.equal(s.constructor, payload.sections[i]!.constructor)
    assert.deepEqual(Array.from(s), Array.from(payload.sections[i]!))
  })
  assert.equal(back.sections[0]!.buffer, bytes.buffer, 'aligned sections are views')
})

test('a misaligned buffer decodes through copies', () => {
  const bytes = concatChunks(encodeIndexPayload(payload))
  const shifted = new Uint8Array(bytes.length + 1).subarray(1)
  shifted.set(bytes)
  const back = decodeIndexPayload(shifted)
  assert.deepEqual(Array.from(back.sections[1]!), [0.5, Number.NaN])
})

test('the section reader checks type, length and that every section was read', () => {
  const back = decodeIndexPayload(concatChunks(encodeIndexPayload(payload)))
  const r = new SectionReader(back)
  assert.deepEqual(Array.from(r.int32(3)), [1, -2, 3])
  assert.throws(() => r.uint8(2), isCorrupt)
  const r2 = new SectionReader(back)
  r2.int32(-1)
  r2.float32(2)
  assert.throws(() => r2.done(), isCorrupt)
})

test('truncation, a flipped bit, another version or magic are corruption (2100)', () => {
  const bytes = concatChunks(encodeIndexPayload(payload))
  assert.throws(() => decodeIndexPayload(bytes.subarray(0, bytes.length - 1)), isCorrupt)
  assert.throws(() => decodeIndexPayload(bytes.subarray(0, 10)), isCorrupt)
  for (const at of [0, 4, 20, bytes.length - 10]) {
    const bad = bytes.slice()
    bad[at]! ^= 1
    assert.throws(() => decodeIndexPayload(bad), isCorrupt, `byte ${at}`)
  }
})
