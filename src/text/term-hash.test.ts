import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { termHash } from './term-hash.ts'

describe('termHash (Milvus HashString2LessUint32)', () => {
  it('is CRC-32 (IEEE) of the UTF-8 bytes', () => {
    // Reference values: Python `zlib.crc32(term.encode()) % 0xFFFFFFFF`.
    assert.equal(termHash('apple'), 2838417488)
    assert.equal(termHash('milvus'), 725768567)
    assert.equal(termHash('would'), 1060636614)
    assert.equal(termHash('中文'), 1510599991)
  })

  it('hashes only the first 100 bytes', () => {
    assert.equal(termHash('a'.repeat(150)), 2943384164)
    assert.equal(termHash('a'.repeat(150)), termHash('a'.repeat(100)))
    assert.notEqual(termHash('a'.repeat(99)), termHash('a'.repeat(100)))
    assert.equal(termHash('中'.repeat(40)), termHash('中'.repeat(34)))
  })
})
