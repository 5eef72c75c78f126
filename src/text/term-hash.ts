import { crc32 } from 'node:zlib'

/** Milvus hashes at most this many leading UTF-8 bytes of a term (`substringLengthForCRC`). */
const TERM_HASH_BYTES_MAX = 100

/**
 * Milvus's term hash: the sparse-vector dimension a term gets in a BM25 function's output and the
 * `hash` RunAnalyzer reports (`typeutil.HashString2LessUint32`): CRC-32 (IEEE) of the term's first
 * 100 UTF-8 bytes, modulo 2^32 - 1. An unsigned 32-bit integer.
 */
export function termHash(term: string): number {
  let h: number
  if (term.length * 3 <= TERM_HASH_BYTES_MAX) {
    h = crc32(term)
  } else {
    const bytes = Buffer.from(term, 'utf8')
    h = crc32(bytes.length > TERM_HASH_BYTES_MAX ? bytes.subarray(0, TERM_HASH_BYTES_MAX) : bytes)
  }
  return h === 0xffffffff ? 0 : h
}
