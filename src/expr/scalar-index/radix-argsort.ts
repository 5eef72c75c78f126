/** Below this many entries a comparison sort beats clearing the 65,536-bucket histograms. */
const radixEntriesMin = 512
const digitBuckets = 65536

/**
 * The permutation that sorts entries by the unsigned 64-bit key (`hi`, `lo`) (or the 32-bit key `lo`
 * when `hi` is null), stable: equal keys keep their entry order. LSD radix sort on 16-bit digits,
 * skipping digits that are the same for every entry — O(n) per pass, no comparator calls.
 */
export function radixArgsort(lo: Uint32Array, hi: Uint32Array | null, n: number): Uint32Array {
  let perm = new Uint32Array(n)
  for (let i = 0; i < n; i++) perm[i] = i
  if (n < radixEntriesMin) return comparisonArgsort(perm, lo, hi)
  let spare = new Uint32Array(n)
  const counts = new Uint32Array(digitBuckets)
  const words = hi === null ? [lo] : [lo, hi]
  for (const w of words) {
    for (let shift = 0; shift < 32; shift += 16) {
      if (!histogram(w, n, shift, counts)) continue
      let sum = 0
      for (let d = 0; d < digitBuckets; d++) {
        const c = counts[d]!
        counts[d] = sum
        sum += c
      }
      for (let i = 0; i < n; i++) {
        const e = perm[i]!
        spare[counts[(w[e]! >>> shift) & 0xffff]!++] = e
      }
      const t = perm
      perm = spare
      spare = t
    }
  }
  return perm
}

/** Fills the digit histogram; false when every entry has the same digit (the pass changes nothing). */
function histogram(w: Uint32Array, n: number, shift: number, counts: Uint32Array): boolean {
  counts.fill(0)
  for (let i = 0; i < n; i++) counts[(w[i]! >>> shift) & 0xffff]!++
  return counts[(w[0]! >>> shift) & 0xffff] !== n
}

function comparisonArgsort(perm: Uint32Array, lo: Uint32Array, hi: Uint32Array | null): Uint32Array {
  return perm.sort((a, b) => {
    if (hi !== null && hi[a] !== hi[b]) return hi[a]! < hi[b]! ? -1 : 1
    if (lo[a] !== lo[b]) return lo[a]! < lo[b]! ? -1 : 1
    return a - b
  })
}

/** Unsigned sort keys of doubles: positive ones with the sign bit set, negative ones inverted. */
export function doubleSortKeys(values: Float64Array, n: number): { lo: Uint32Array; hi: Uint32Array } {
  const bits = new Uint32Array(values.buffer, values.byteOffset, n * 2)
  const lo = new Uint32Array(n)
  const hi = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    const h = bits[2 * i + 1]!
    const l = bits[2 * i]!
    if ((h & 0x80000000) !== 0) {
      hi[i] = ~h >>> 0
      lo[i] = ~l >>> 0
    } else {
      hi[i] = (h | 0x80000000) >>> 0
      lo[i] = l
    }
  }
  return { lo, hi }
}

/** Unsigned sort keys of int64s (two's complement with the sign bit flipped). */
export function int64SortKeys(values: BigInt64Array, n: number): { lo: Uint32Array; hi: Uint32Array } {
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2)
  const lo = new Uint32Array(n)
  const hi = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    lo[i] = words[2 * i]!
    hi[i] = (words[2 * i + 1]! ^ 0x80000000) >>> 0
  }
  return { lo, hi }
}

/** Unsigned sort keys of values that are all int32 (sign bit flipped). */
export function int32SortKeys(values: Float64Array, n: number): Uint32Array {
  const lo = new Uint32Array(n)
  for (let i = 0; i < n; i++) lo[i] = (values[i]! ^ 0x80000000) >>> 0
  return lo
}
