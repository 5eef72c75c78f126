import { hashInt64 } from '../common/hash.ts'

/** Where the current version of a key lives: `segmentId * 2^32 + row` (exact in a double). */
export type RowLocation = number

const ROW_SPAN = 2 ** 32

export function encodeLocation(segmentId: number, row: number): RowLocation {
  return segmentId * ROW_SPAN + row
}

export function locationSegment(loc: RowLocation): number {
  return Math.floor(loc / ROW_SPAN)
}

export function locationRow(loc: RowLocation): number {
  return loc % ROW_SPAN
}

/** Keys of one batch: int64 keys as a BigInt64Array, varchar keys as strings. */
export type PkColumn = BigInt64Array | string[]

/**
 * The primary-key index: key → location of the key's current (live) row, for the whole collection.
 * Int64 keys sit in an open-addressing table on typed arrays (no per-key objects, no BigInt math);
 * VarChar keys in a Map.
 */
export interface PkIndex {
  readonly size: number
  /** Location of keys[i], or -1. */
  get(keys: PkColumn, i: number): RowLocation
  set(keys: PkColumn, i: number, loc: RowLocation): void
  remove(keys: PkColumn, i: number): void
  /** Calls `fn` with every location held. */
  forEachLocation(fn: (loc: RowLocation) => void): void
}

export function createPkIndex(kind: 'int64' | 'varchar'): PkIndex {
  return kind === 'int64' ? new Int64PkIndex() : new VarcharPkIndex()
}

const EMPTY = 0
const FULL = 1
const TOMB = 2

export class Int64PkIndex implements PkIndex {
  size = 0
  private tombs = 0
  private keys = new Int32Array(2 * 1024)
  private locs = new Float64Array(1024)
  private state = new Uint8Array(1024)
  private mask = 1023

  get(keys: PkColumn, i: number): RowLocation {
    const k = halves(keys as BigInt64Array)
    const slot = this.find(k[2 * i]!, k[2 * i + 1]!)
    return slot < 0 ? -1 : this.locs[slot]!
  }

  set(keys: PkColumn, i: number, loc: RowLocation): void {
    const k = halves(keys as BigInt64Array)
    this.put(k[2 * i]!, k[2 * i + 1]!, loc)
  }

  remove(keys: PkColumn, i: number): void {
    const k = halves(keys as BigInt64Array)
    const slot = this.find(k[2 * i]!, k[2 * i + 1]!)
    if (slot < 0) return
    this.state[slot] = TOMB
    this.size--
    this.tombs++
  }

  forEachLocation(fn: (loc: RowLocation) => void): void {
    for (let s = 0; s <= this.mask; s++) if (this.state[s] === FULL) fn(this.locs[s]!)
  }

  private find(lo: number, hi: number): number {
    const keys = this.keys
    const state = this.state
    let s = hashInt64(lo, hi) & this.mask
    for (;;) {
      const st = state[s]
      if (st === EMPTY) return -1
      if (st === FULL && keys[2 * s] === lo && keys[2 * s + 1] === hi) return s
      s = (s + 1) & this.mask
    }
  }

  private put(lo: number, hi: number, loc: RowLocation): void {
    if ((this.size + this.tombs + 1) * 4 > (this.mask + 1) * 3) this.rehash()
    const keys = this.keys
    const state = this.state
    let s = hashInt64(lo, hi) & this.mask
    let firstTomb = -1
    for (;;) {
      const st = state[s]
      if (st === EMPTY) break
      if (st === TOMB) {
        if (firstTomb < 0) firstTomb = s
      } else if (keys[2 * s] === lo && keys[2 * s + 1] === hi) {
        this.locs[s] = loc
        return
      }
      s = (s + 1) & this.mask
    }
    if (firstTomb >= 0) {
      s = firstTomb
      this.tombs--
    }
    keys[2 * s] = lo
    keys[2 * s + 1] = hi
    this.locs[s] = loc
    state[s] = FULL
    this.size++
  }

  private rehash(): void {
    const oldKeys = this.keys
    const oldLocs = this.locs
    const oldState = this.state
    const cap = (this.size + 1) * 2 > this.mask + 1 ? (this.mask + 1) * 2 : this.mask + 1
    this.keys = new Int32Array(2 * cap)
    this.locs = new Float64Array(cap)
    this.state = new Uint8Array(cap)
    this.mask = cap - 1
    this.size = 0
    this.tombs = 0
    for (let s = 0; s < oldState.length; s++) {
      if (oldState[s] === FULL) this.put(oldKeys[2 * s]!, oldKeys[2 * s + 1]!, oldLocs[s]!)
    }
  }
}

let lastKeys: BigInt64Array | null = null
let lastHalves: Int32Array = new Int32Array(0)

/** Little-endian 32-bit halves of int64 keys, without copying (the last view is reused). */
function halves(keys: BigInt64Array): Int32Array {
  if (keys !== lastKeys || lastHalves.length !== keys.length * 2) {
    lastKeys = keys
    lastHalves = new Int32Array(keys.buffer, keys.byteOffset, keys.length * 2)
  }
  return lastHalves
}

export class VarcharPkIndex implements PkIndex {
  private readonly map = new Map<string, RowLocation>()

  get size(): number {
    return this.map.size
  }

  get(keys: PkColumn, i: number): RowLocation {
    return this.map.get((keys as string[])[i]!) ?? -1
  }

  set(keys: PkColumn, i: number, loc: RowLocation): void {
    this.map.set((keys as string[])[i]!, loc)
  }

  remove(keys: PkColumn, i: number): void {
    this.map.delete((keys as string[])[i]!)
  }

  forEachLocation(fn: (loc: RowLocation) => void): void {
    for (const loc of this.map.values()) fn(loc)
  }
}
