import type { FuzzRandom } from './fuzz-random.ts'

/** At most this many byte-level edits are stacked on one encoded request. */
export const BYTE_EDITS_MAX = 4

/**
 * Byte-level mutation of an encoded request: truncation, bit and byte flips, a splice with another
 * encoded request (`donors`), inserted garbage (including 10-byte varints and wire types 3/4/6/7
 * that no field uses), a duplicated or deleted range. Returns the new bytes and one note per edit.
 */
export function mutateBytes(input: Uint8Array, rnd: FuzzRandom, donors: readonly Uint8Array[]): { bytes: Uint8Array; notes: string[] } {
  let bytes = Buffer.from(input)
  const notes: string[] = []
  const edits = rnd.range(1, BYTE_EDITS_MAX)
  for (let e = 0; e < edits; e++) {
    const at = rnd.int(bytes.length + 1)
    switch (rnd.int(8)) {
      case 0:
        bytes = bytes.subarray(0, at)
        notes.push(`truncated at ${at}`)
        break
      case 1: {
        if (bytes.length === 0) break
        const i = rnd.int(bytes.length)
        bytes[i] = bytes[i]! ^ (1 << rnd.int(8))
        notes.push(`bit flipped at ${i}`)
        break
      }
      case 2: {
        if (bytes.length === 0) break
        const n = rnd.range(1, 8)
        for (let k = 0; k < n; k++) bytes[rnd.int(bytes.length)] = rnd.pick([0x00, 0xff, 0x7f, 0x80, rnd.int(256)])
        notes.push(`${n} bytes overwritten`)
        break
      }
      case 3: {
        const donor = donors.length > 0 ? rnd.pick(donors) : new Uint8Array(0)
        const from = rnd.int(donor.length + 1)
        bytes = Buffer.concat([bytes.subarray(0, at), donor.subarray(from)])
        notes.push(`spliced at ${at} with a donor's bytes from ${from}`)
        break
      }
      case 4: {
        const junk = rnd.pick([
          () => Buffer.from(rnd.bytes(rnd.range(1, 32))),
          () => Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
          () => Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
          () => Buffer.from([(rnd.range(1, 15) << 3) | rnd.pick([3, 4, 6, 7])]),
          () => Buffer.from([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
        ])()
        bytes = Buffer.concat([bytes.subarray(0, at), junk, bytes.subarray(at)])
        notes.push(`${junk.length} garbage bytes inserted at ${at}`)
        break
      }
      case 5: {
        const end = Math.min(bytes.length, at + rnd.range(1, 64))
        bytes = Buffer.concat([bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end)])
        notes.push(`range ${at}..${end} duplicated`)
        break
      }
      case 6: {
        const end = Math.min(bytes.length, at + rnd.range(1, 16))
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(end)])
        notes.push(`range ${at}..${end} deleted`)
        break
      }
      default:
        bytes = Buffer.from(rnd.bytes(rnd.range(0, 64)))
        notes.push('replaced by random bytes')
    }
  }
  return { bytes: new Uint8Array(bytes), notes }
}
