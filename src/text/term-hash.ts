/** Milvus hashes at most this many leading UTF-8 bytes of a term (`substringLengthForCRC`). */
export const TERM_HASH_BYTES_MAX = 100

/** CRC-32 (IEEE, reflected polynomial 0xEDB88320) byte table. */
export const crcTable = (() => {
  const t = new Int32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c
  }
  return t
})()

/**
 * Milvus's term hash: the sparse-vector dimension a term gets in a BM25 function's output and the
 * `hash` RunAnalyzer reports (`typeutil.HashString2LessUint32`): CRC-32 (IEEE) of the term's first
 * 100 UTF-8 bytes, modulo 2^32 - 1. An unsigned 32-bit integer. The UTF-8 bytes are produced on the
 * fly into one scratch array (a lone surrogate as U+FFFD, as Buffer encodes it): no allocation per term.
 */
export function termHash(term: string): number {
  const buf = scratch
  let n = 0
  for (let i = 0; i < term.length && n < TERM_HASH_BYTES_MAX; i++) {
    let c = term.charCodeAt(i)
    if (c < 0x80) {
      buf[n++] = c
      continue
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < term.length ? term.charCodeAt(i + 1) : 0
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00)
        i++
        buf[n++] = 0xf0 | (c >> 18)
        buf[n++] = 0x80 | ((c >> 12) & 0x3f)
        buf[n++] = 0x80 | ((c >> 6) & 0x3f)
        buf[n++] = 0x80 | (c & 0x3f)
        continue
      }
      c = 0xfffd
    }
    if (c < 0x800) {
      buf[n++] = 0xc0 | (c >> 6)
      buf[n++] = 0x80 | (c & 0x3f)
    } else {
      buf[n++] = 0xe0 | (c >> 12)
      buf[n++] = 0x80 | ((c >> 6) & 0x3f)
      buf[n++] = 0x80 | (c & 0x3f)
    }
  }
  if (n > TERM_HASH_BYTES_MAX) n = TERM_HASH_BYTES_MAX
  let crc = -1
  for (let k = 0; k < n; k++) crc = crcTable[(crc ^ buf[k]!) & 0xff]! ^ (crc >>> 8)
  const h = (crc ^ -1) >>> 0
  return h === 0xffffffff ? 0 : h
}

/** The UTF-8 bytes of the term being hashed (100 + room for the last character's 4 bytes). */
const scratch = new Uint8Array(TERM_HASH_BYTES_MAX + 4)
