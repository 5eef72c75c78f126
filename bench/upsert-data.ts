// The upsert benchmark's data (bench/README.md "Data"): seeded load and overwrite batches, identical to
// what bench/peers/*.mjs|py generate, checked by fingerprint.
import { randomFloats, seededRandom } from '../src/vector/seeded-random.ts'

export const dim = 128
/** `n` of an overwritten row is its key plus this (load rows have `n` = key). */
export const overwriteNOffset = 1_000_000_000_000n

/** Sum of the float32 bit patterns mod 2^32: equal sums prove the peers saw the same vectors. */
export function fingerprint(vecs: Float32Array): number {
  const bits = new Uint32Array(vecs.buffer, vecs.byteOffset, vecs.length)
  let sum = 0
  for (let i = 0; i < bits.length; i++) sum = (sum + bits[i]!) >>> 0
  return sum
}

export interface Batch {
  readonly id: BigInt64Array
  readonly n: BigInt64Array
  readonly title: string[]
  readonly vec: Float32Array
}

export function makeBatch(keys: BigInt64Array, vecs: Float32Array, version: 0 | 1): Batch {
  const offset = version === 1 ? overwriteNOffset : 0n
  const n = new BigInt64Array(keys.length)
  const title = new Array<string>(keys.length)
  for (let i = 0; i < keys.length; i++) {
    n[i] = keys[i]! + offset
    title[i] = `row ${keys[i]} v${version}`
  }
  return { id: keys, n, title, vec: vecs }
}

/** Key of overwrite row j: floor(j * rows / overwriteCount), spread evenly over the key space. */
export function overwriteKey(j: number, rows: number, overwriteCount: number): bigint {
  return BigInt(Math.floor((j * rows) / overwriteCount))
}

/** Yields the load batches, then the overwrite batches, each tagged with its phase. */
export function* batches(rows: number, overwriteCount: number, batchRows: number, seed: number, fp: { value: number }) {
  const loadRandom = seededRandom(seed)
  for (let start = 0; start < rows; start += batchRows) {
    const count = Math.min(batchRows, rows - start)
    const keys = new BigInt64Array(count)
    for (let i = 0; i < count; i++) keys[i] = BigInt(start + i)
    const vecs = randomFloats(loadRandom, count * dim)
    fp.value = (fp.value + fingerprint(vecs)) >>> 0
    yield { phase: 'load' as const, batch: makeBatch(keys, vecs, 0) }
  }
  const overwriteRandom = seededRandom(seed + 1)
  for (let start = 0; start < overwriteCount; start += batchRows) {
    const count = Math.min(batchRows, overwriteCount - start)
    const keys = new BigInt64Array(count)
    for (let i = 0; i < count; i++) keys[i] = overwriteKey(start + i, rows, overwriteCount)
    const vecs = randomFloats(overwriteRandom, count * dim)
    fp.value = (fp.value + fingerprint(vecs)) >>> 0
    yield { phase: 'overwrite' as const, batch: makeBatch(keys, vecs, 1) }
  }
}

