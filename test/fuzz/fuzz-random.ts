import { seededRandom } from '../../src/vector/seeded-random.ts'

/** The two streams of a run: gRPC cases and REST cases are numbered separately. */
export type FuzzStream = 'grpc' | 'rest'

const STREAM_SALT: Record<FuzzStream, number> = { grpc: 0x67727063, rest: 0x72657374 }

/** murmur3's 32-bit finaliser over the parts: nearby seeds and indexes give unrelated streams. */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x9e3779b9
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
  }
  return h >>> 0
}

/**
 * A seeded source of choices (mulberry32 from `src/vector/seeded-random.ts`). Each fuzz case draws
 * from its own `FuzzRandom.forCase(runSeed, stream, index)`, so a case depends on nothing but those
 * three numbers: any case of any run is regenerated alone, whatever the server answered before it.
 */
export class FuzzRandom {
  private readonly next: () => number

  constructor(seed: number) {
    this.next = seededRandom(seed)
  }

  static forCase(runSeed: number, stream: FuzzStream, index: number): FuzzRandom {
    return new FuzzRandom(mixSeed(runSeed, STREAM_SALT[stream], index))
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next()
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[this.int(items.length)]!
  }

  /** One of `items`, each with its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0
    for (const [, w] of items) total += w
    let at = this.next() * total
    for (const [item, w] of items) {
      at -= w
      if (at < 0) return item
    }
    return items[items.length - 1]![0]
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = this.int(256)
    return out
  }
}
