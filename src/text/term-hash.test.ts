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

describe('termHash against zlib over random text', () => {
  it('equals CRC-32 of the first 100 UTF-8 bytes for ASCII, BMP, astral and lone-surrogate text', async () => {
    const { crc32 } = await import('node:zlib')
    const alphabet = ['a', 'Z', '0', 'é', 'ß', '中', '文', '😀', '𝒳', '\ud800', '\udc00', ' ']
    let seed = 7
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff)
    for (let n = 0; n < 2000; n++) {
      let s = ''
      const len = next() % 60
      for (let k = 0; k < len; k++) s += alphabet[next() % alphabet.length]
      const expected = crc32(Buffer.from(s, 'utf8').subarray(0, 100)) % 0xffffffff
      assert.equal(termHash(s), expected, JSON.stringify(s))
    }
  })
})
