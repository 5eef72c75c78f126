import { isAlphanumeric } from './char-classes.ts'
import { crcTable, TERM_HASH_BYTES_MAX } from './term-hash.ts'

/** Term hashes of one text, appended to a growable scratch array. */
export interface HashSink {
  hashes: Uint32Array
  count: number
}

export function createHashSink(capacity = 1024): HashSink {
  return { hashes: new Uint32Array(capacity), count: 0 }
}

/** 1: ASCII letter or digit; 0: any other ASCII character. */
const asciiAlnum = (() => {
  const t = new Uint8Array(128)
  for (let c = 0; c < 128; c++) t[c] = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ? 1 : 0
  return t
})()

/**
 * Appends `termHash` of every token `standardTokenize(text)` gives (its alphanumeric runs), in
 * order, without making the tokens: the CRC-32 of each run's UTF-8 bytes (its first
 * `TERM_HASH_BYTES_MAX`) is computed while the run is scanned. `text` is already lower-cased.
 * Equal to hashing the tokenizer's output (tested against it); no allocation but the sink growing.
 */
export function scanStandardTermHashes(text: string, sink: HashSink): void {
  const n = text.length
  let inToken = false
  let crc = -1
  let bytes = 0
  for (let i = 0; i < n; i++) {
    let cp = text.charCodeAt(i)
    let width = 1
    let alnum: boolean
    if (cp < 0x80) alnum = asciiAlnum[cp] === 1
    else {
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
        cp = text.codePointAt(i)!
        width = cp > 0xffff ? 2 : 1
      }
      alnum = isAlphanumeric(cp)
    }
    if (alnum) {
      if (!inToken) {
        inToken = true
        crc = -1
        bytes = 0
      }
      if (bytes < TERM_HASH_BYTES_MAX) {
        if (cp < 0x80) {
          crc = crcTable[(crc ^ cp) & 0xff]! ^ (crc >>> 8)
          bytes++
        } else {
          // A lone surrogate cannot be alphanumeric, so `cp` is a scalar value.
          if (cp < 0x800) {
            crc = put(crc, 0xc0 | (cp >> 6), bytes++)
            crc = put(crc, 0x80 | (cp & 0x3f), bytes++)
          } else if (cp < 0x10000) {
            crc = put(crc, 0xe0 | (cp >> 12), bytes++)
            crc = put(crc, 0x80 | ((cp >> 6) & 0x3f), bytes++)
            crc = put(crc, 0x80 | (cp & 0x3f), bytes++)
          } else {
            crc = put(crc, 0xf0 | (cp >> 18), bytes++)
            crc = put(crc, 0x80 | ((cp >> 12) & 0x3f), bytes++)
            crc = put(crc, 0x80 | ((cp >> 6) & 0x3f), bytes++)
            crc = put(crc, 0x80 | (cp & 0x3f), bytes++)
          }
        }
      }
    } else if (inToken) {
      push(sink, crc)
      inToken = false
    }
    i += width - 1
  }
  if (inToken) push(sink, crc)
}

/** One more byte into the CRC, unless the term's first `TERM_HASH_BYTES_MAX` bytes are already in. */
function put(crc: number, byte: number, at: number): number {
  return at < TERM_HASH_BYTES_MAX ? crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8) : crc
}

function push(sink: HashSink, crc: number): void {
  const h = (crc ^ -1) >>> 0
  if (sink.count === sink.hashes.length) {
    const grown = new Uint32Array(sink.hashes.length * 2)
    grown.set(sink.hashes)
    sink.hashes = grown
  }
  sink.hashes[sink.count++] = h === 0xffffffff ? 0 : h
}

/** Per ASCII byte: the lower-cased byte if it is a letter or digit, else 0 (a separator). */
const asciiLowerAlnum = (() => {
  const t = new Uint8Array(128)
  for (let c = 0; c < 128; c++) {
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a)) t[c] = c
    else if (c >= 0x41 && c <= 0x5a) t[c] = c + 0x20
  }
  return t
})()

/**
 * `scanStandardTermHashes` of the lower-cased text whose UTF-8 bytes are `bytes[from, to)`, straight
 * from the bytes, when they are all ASCII (lower-casing ASCII is one table look-up and cannot change
 * the split). At the first byte ≥ 0x80 it stops and returns false: the sink then holds a partial
 * row, which the caller discards (reset `count`) before taking the string path.
 */
export function scanAsciiTermHashes(bytes: Uint8Array, from: number, to: number, sink: HashSink): boolean {
  let inToken = false
  let crc = -1
  let n = 0
  for (let i = from; i < to; i++) {
    const b = bytes[i]!
    if (b >= 0x80) return false
    const c = asciiLowerAlnum[b]!
    if (c !== 0) {
      if (!inToken) {
        inToken = true
        crc = -1
        n = 0
      }
      if (n < TERM_HASH_BYTES_MAX) {
        crc = crcTable[(crc ^ c) & 0xff]! ^ (crc >>> 8)
        n++
      }
    } else if (inToken) {
      push(sink, crc)
      inToken = false
    }
  }
  if (inToken) push(sink, crc)
  return true
}
