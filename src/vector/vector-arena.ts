import { readFile } from 'node:fs/promises'
import { assert } from '../common/assert.ts'
import { ErrorCode, errors, MilvusError } from '../errors/errors.ts'
import { FreeList } from './free-list.ts'
import { type WasmMemory, type WasmModule, wasm, wasmPageBytes, wasmPagesMax } from '../common/wasm-api.ts'

/** A distance kernel: scores `n` rows of `dim` floats at `basePtr` against `queryPtr` into `outPtr`. */
export type KernelFn = (queryPtr: number, basePtr: number, n: number, dim: number, outPtr: number) => void

/** The exports of `kernels.wasm` (see kernels.wat). Pointers are byte offsets in the arena. */
export interface VectorKernels {
  readonly l2sq: KernelFn
  readonly ip: KernelFn
  readonly cosine: KernelFn
}

export interface VectorArenaOptions {
  /** Bytes reserved up front (rounded up to 64 KiB pages). Default 1 MiB. */
  readonly initialBytes?: number
  /** The arena never grows past this (rounded up to pages, at most 4 GiB). Default 4 GiB. */
  readonly bytesMax?: number
}

/**
 * Gives the whole pages inside `bytes` back to the operating system (they read as zeros when next
 * touched) and returns how many bytes it gave back. The native addon's `discardPages` (madvise
 * MADV_DONTNEED on Linux); the engine wires it (`VectorArena.setPageDiscarder`).
 */
export type PageDiscarder = (bytes: Uint8Array) => number

/** Scratch slots reused across calls: a query copy, a block of rows, a block of scores. */
export type ScratchSlot = 'query' | 'block' | 'scores'

/** Every block starts on a 64-byte boundary (a cache line; 16-byte SIMD loads never straddle it). */
export const arenaAlignBytes = 64
/** Bytes [0, 64) are never handed out, so no allocation has byteOffset 0. */
const nullBlockBytes = arenaAlignBytes
/** The least the arena grows by at a time. */
const growPagesMin = 16
const initialBytesDefault = 1 << 20
/** Freed bytes after which the free ranges' pages are given back to the OS (`trim`). */
export const trimFreedBytesMin = 4 << 20
/** Free ranges smaller than this keep their pages (reused soon; not worth a system call). */
export const trimRangeBytesMin = 64 << 10
const bytesMaxDefault = wasmPagesMax * wasmPageBytes

let kernelModule: Promise<WasmModule> | undefined

/** Compiles kernels.wasm once per process (retried if it failed). */
function compileKernels(): Promise<WasmModule> {
  kernelModule ??= readFile(new URL('./kernels.wasm', import.meta.url))
    .catch((cause: unknown) => {
      throw errors.io('cannot read kernels.wasm (build it with `node scripts/build-wasm.mjs`)', cause)
    })
    .then((bytes) => wasm.compile(bytes))
    .catch((e: unknown) => {
      kernelModule = undefined
      throw e
    })
  return kernelModule
}

let sharedArena: VectorArena | undefined
let sharedArenaOpening: Promise<VectorArena> | undefined

/**
 * Float vectors living inside one shared WebAssembly memory, next to the SIMD kernels that scan them.
 * The memory is a SharedArrayBuffer, which is never detached: views handed out stay valid (and keep
 * their data) when the memory grows. Blocks come from a first-fit free list with coalescing, each
 * 64-byte aligned; the memory grows by whole pages up to `bytesMax`, then allocation throws
 * MemoryQuotaExhausted (code 9).
 *
 * Two ways to get one: `await VectorArena.open(options)` for a private arena (tests, workers), or the
 * process-wide arena: `await VectorArena.init()` once at start-up, then `VectorArena.shared()`
 * synchronously anywhere. Not thread-safe: one arena per thread.
 */
export class VectorArena {
  readonly memory: WasmMemory
  readonly kernels: VectorKernels
  readonly bytesMax: number
  private buffer: ArrayBuffer | SharedArrayBuffer
  /** Every buffer object the memory has had; a view belongs to the arena iff its buffer is here. */
  private readonly buffers = new WeakSet<object>()
  private readonly freeList = new FreeList()
  /** Allocated blocks: byte offset → size in bytes (a multiple of 64). */
  private readonly blocks = new Map<number, number>()
  private blockBytesTotal = 0
  private discardPages: PageDiscarder | null = null
  /** Bytes freed since the last `trim`. */
  private freedSinceTrimBytes = 0
  /** Blocks freed since the last `trim`, as (offset, size) pairs: only free ranges holding one are discarded again. */
  private freedBlocks: number[] = []
  /** Freed bytes given back to the OS by every `trim` so far (a block's bytes count each time it is freed and trimmed). */
  private discardedBytesTotal = 0
  private trimCountTotal = 0
  private readonly scratchOffsets: Record<ScratchSlot, number> = { query: 0, block: 0, scores: 0 }
  private readonly scratchBytes: Record<ScratchSlot, number> = { query: 0, block: 0, scores: 0 }

  private constructor(memory: WasmMemory, kernels: VectorKernels, bytesMax: number) {
    this.memory = memory
    this.kernels = kernels
    this.bytesMax = bytesMax
    this.buffer = memory.buffer
    this.buffers.add(this.buffer)
    this.freeList.give(nullBlockBytes, this.buffer.byteLength - nullBlockBytes)
  }

  /** A new private arena with its own memory and kernel instance. */
  static async open(options: VectorArenaOptions = {}): Promise<VectorArena> {
    const pagesMax = Math.min(wasmPagesMax, Math.max(1, pagesFor(options.bytesMax ?? bytesMaxDefault)))
    const initialPages = Math.min(pagesMax, Math.max(1, pagesFor(options.initialBytes ?? initialBytesDefault)))
    const memory = new wasm.Memory({ initial: initialPages, maximum: pagesMax, shared: true })
    const instance = await wasm.instantiate(await compileKernels(), { env: { memory } })
    const { l2sq, ip, cosine } = instance.exports
    assert(typeof l2sq === 'function' && typeof ip === 'function' && typeof cosine === 'function')
    const kernels = { l2sq, ip, cosine } as unknown as VectorKernels
    return new VectorArena(memory, kernels, pagesMax * wasmPageBytes)
  }

  /** Opens the process-wide arena (idempotent); after it resolves `shared()` may be called. */
  static init(): Promise<VectorArena> {
    sharedArenaOpening ??= VectorArena.open().then((arena) => {
      sharedArena = arena
      return arena
    })
    return sharedArenaOpening
  }

  /** The process-wide arena; `await VectorArena.init()` must have completed (a programmer error otherwise). */
  static shared(): VectorArena {
    assert(sharedArena !== undefined, 'VectorArena.shared() called before `await VectorArena.init()`')
    return sharedArena
  }

  /** The process-wide arena, or undefined when `init()` has not completed (stats, metrics). */
  static sharedOrUndefined(): VectorArena | undefined {
    return sharedArena
  }

  /**
   * Lets the arena give freed pages back to the OS: WebAssembly memory never shrinks, so without it
   * every byte the arena ever held stays resident (its high-water mark). Null turns it off.
   */
  setPageDiscarder(discard: PageDiscarder | null): void {
    this.discardPages = discard
  }

  /**
   * Gives back to the OS the pages of every free range of at least `trimRangeBytesMin` that holds a
   * block freed since the last trim (ranges trimmed before and untouched since are left alone);
   * returns the freed blocks' bytes given back (0 without a page discarder). Runs by itself once
   * `trimFreedBytesMin` bytes were freed since the last time.
   */
  trim(): number {
    this.freedSinceTrimBytes = 0
    const freed = this.freedBlocks
    this.freedBlocks = []
    const discard = this.discardPages
    if (discard === null || freed.length === 0) return 0
    const order = Array.from({ length: freed.length / 2 }, (_, i) => i).sort((a, b) => freed[2 * a]! - freed[2 * b]!)
    let next = 0
    let bytes = 0
    const buffer = this.buffer
    this.freeList.forEachRange((offset, sizeBytes) => {
      const end = offset + sizeBytes
      let freedInside = 0
      // Freed blocks are in offset order; one lying across this range's end (partly reused since) is looked at again for the next range.
      while (next < order.length) {
        const start = freed[2 * order[next]!]!
        const stop = start + freed[2 * order[next]! + 1]!
        if (start >= end) break
        freedInside += Math.max(0, Math.min(stop, end) - Math.max(start, offset))
        if (stop > end) break
        next++
      }
      if (freedInside === 0 || sizeBytes < trimRangeBytesMin) return
      bytes += Math.min(freedInside, discard(new Uint8Array(buffer, offset, sizeBytes)))
    })
    this.discardedBytesTotal += bytes
    this.trimCountTotal++
    return bytes
  }

  /** Trims so far, and the bytes they gave back to the OS (metrics, tests). */
  get trimStats(): { readonly trims: number; readonly discardedBytes: number } {
    return { trims: this.trimCountTotal, discardedBytes: this.discardedBytesTotal }
  }

  /** Bytes in allocated blocks (scratch included), each rounded up to 64. */
  get bytesUsed(): number {
    return this.blockBytesTotal
  }

  /** Bytes of memory the arena holds now (its current size). */
  get bytesReserved(): number {
    return this.memory.buffer.byteLength
  }

  /** A view of `length` floats inside the arena (zeroed unless `zeroed` is false), 64-byte aligned. `length` 0 gives an empty view. */
  allocFloat32(length: number, zeroed = true): Float32Array {
    assert(Number.isSafeInteger(length) && length >= 0, `allocFloat32: bad length ${length}`)
    if (length === 0) return new Float32Array(this.buffer, 0, 0)
    const offset = this.allocBytes(length * 4) // first: it may grow the memory and replace this.buffer
    const view = new Float32Array(this.buffer, offset, length)
    if (zeroed) view.fill(0)
    return view
  }

  /** Returns the block of a view from `allocFloat32` (an empty view is ignored). */
  free(view: ArrayBufferView): void {
    assert(this.contains(view), 'free: the view is not inside this arena')
    if (view.byteLength === 0 && view.byteOffset === 0) return
    const sizeBytes = this.blocks.get(view.byteOffset)
    assert(sizeBytes !== undefined, `free: no block at byte offset ${view.byteOffset} (double free?)`)
    assert(view.byteLength <= sizeBytes, 'free: the view is larger than its block')
    this.freeBlock(view.byteOffset)
  }

  /** True when `view` lies in this arena's memory, so kernels can read it at `view.byteOffset`. */
  contains(view: ArrayBufferView): boolean {
    return this.buffers.has(view.buffer)
  }

  /**
   * A view of `length` floats in a scratch slot, contents unspecified. It stays valid until the next
   * request for the same slot, which may move it (only when it must grow).
   */
  scratchFloat32(slot: ScratchSlot, length: number): Float32Array {
    const needBytes = Math.max(length * 4, arenaAlignBytes)
    if (this.scratchBytes[slot] < needBytes) {
      if (this.scratchBytes[slot] > 0) this.freeBlock(this.scratchOffsets[slot])
      const sizeBytes = Math.max(needBytes, this.scratchBytes[slot] * 2)
      this.scratchOffsets[slot] = this.allocBytes(sizeBytes)
      this.scratchBytes[slot] = roundUp(sizeBytes, arenaAlignBytes)
    }
    return new Float32Array(this.buffer, this.scratchOffsets[slot], length)
  }

  /** Offset of a new block of at least `bytes` (rounded up to 64), growing the memory if needed. */
  private allocBytes(bytes: number): number {
    const sizeBytes = roundUp(bytes, arenaAlignBytes)
    let offset = this.freeList.take(sizeBytes)
    if (offset < 0) {
      this.grow(sizeBytes)
      offset = this.freeList.take(sizeBytes)
      assert(offset >= 0, 'allocBytes: no block after growing')
    }
    this.blocks.set(offset, sizeBytes)
    this.blockBytesTotal += sizeBytes
    return offset
  }

  private freeBlock(offset: number): void {
    const sizeBytes = this.blocks.get(offset)
    assert(sizeBytes !== undefined, `freeBlock: no block at ${offset}`)
    this.blocks.delete(offset)
    this.blockBytesTotal -= sizeBytes
    this.freeList.give(offset, sizeBytes)
    if (this.discardPages !== null) this.freedBlocks.push(offset, sizeBytes)
    this.freedSinceTrimBytes += sizeBytes
    if (this.freedSinceTrimBytes >= trimFreedBytesMin) this.trim()
  }

  /** Grows the memory so that a free range of `sizeBytes` exists at its end. */
  private grow(sizeBytes: number): void {
    const endBytes = this.memory.buffer.byteLength
    const needPages = pagesFor(sizeBytes - this.freeList.bytesEndingAt(endBytes))
    const availablePages = (this.bytesMax - endBytes) / wasmPageBytes
    if (needPages > availablePages) throw this.quotaError(sizeBytes)
    const growPages = Math.min(availablePages, Math.max(needPages, growPagesMin))
    try {
      this.memory.grow(growPages)
    } catch (cause) {
      throw this.quotaError(sizeBytes, cause)
    }
    this.buffer = this.memory.buffer
    this.buffers.add(this.buffer)
    this.freeList.give(endBytes, growPages * wasmPageBytes)
  }

  private quotaError(sizeBytes: number, cause?: unknown): MilvusError {
    const details = { requestedBytes: sizeBytes, usedBytes: this.blockBytesTotal, bytesMax: this.bytesMax }
    const detail = 'vector arena is full'
    if (cause === undefined) return new MilvusError(ErrorCode.MemoryQuotaExhausted, detail, details)
    return new MilvusError(ErrorCode.MemoryQuotaExhausted, detail, details, { cause })
  }
}

function pagesFor(bytes: number): number {
  return Math.ceil(bytes / wasmPageBytes)
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple
}
