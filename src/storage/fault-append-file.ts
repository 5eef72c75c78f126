import type { DurableImage } from './durable-image.ts'
import type { AppendFile } from './file-store.ts'
import { type FaultKind, type FaultOp, injectedError } from './fault-plan.ts'

/** What the store decided for one operation. */
export type Verdict =
  | { readonly action: 'pass' }
  /** Crashed: the operation resolves without effect. */
  | { readonly action: 'drop' }
  /** `first`: the operation that fired the fault (a disk-full write then stores a prefix). */
  | { readonly action: 'fault'; readonly kind: FaultKind; readonly osCode: string; readonly first: boolean }

/** The part of `FaultFileStore` its append files use. */
export interface FaultGate {
  enter(op: FaultOp, path: string): Verdict
  /** Registers a running operation (from its first synchronous step), so `crash()` can wait for it. */
  track<T>(work: Promise<T>): Promise<T>
  readonly image: DurableImage
  /** A seeded integer in [0, n). */
  randomBelow(n: number): number
  /** Records that bytes of a write reached the real store. */
  landed(path: string): void
  /** Records that an append file was closed. */
  closedFile(path: string): void
}

/** An `AppendFile` behind a `FaultFileStore`; `inner` is undefined when it was opened after a crash. */
export class FaultAppendFile implements AppendFile {
  readonly #gate: FaultGate
  readonly #inner: AppendFile | undefined
  readonly #path: string
  #size: number

  constructor(gate: FaultGate, path: string, inner: AppendFile | undefined, size: number) {
    this.#gate = gate
    this.#path = path
    this.#inner = inner
    this.#size = size
  }

  get size(): number {
    return this.#size
  }

  append(chunks: readonly Uint8Array[]): Promise<void> {
    return this.#gate.track(this.#append(chunks))
  }

  async #append(chunks: readonly Uint8Array[]): Promise<void> {
    const verdict = this.#gate.enter('append', this.#path)
    let bytes = 0
    for (const c of chunks) bytes += c.byteLength
    if (verdict.action === 'drop' || this.#inner === undefined) {
      this.#size += bytes
      return
    }
    if (verdict.action === 'pass') return this.#write(this.#inner, chunks)
    if (verdict.kind === 'tear' || (verdict.kind === 'diskFull' && verdict.first)) {
      await this.#write(this.#inner, prefixOf(chunks, this.#gate.randomBelow(bytes)))
    }
    throw injectedError('append', this.#path, verdict.osCode)
  }

  sync(): Promise<void> {
    return this.#gate.track(this.#sync())
  }

  async #sync(): Promise<void> {
    const verdict = this.#gate.enter('sync', this.#path)
    if (verdict.action === 'drop' || this.#inner === undefined) return
    if (verdict.action === 'fault') throw injectedError('sync', this.#path, verdict.osCode)
    const sizeBytes = this.#inner.size
    await this.#inner.sync()
    this.#gate.image.synced(this.#path, sizeBytes)
  }

  truncate(size: number): Promise<void> {
    return this.#gate.track(this.#truncate(size))
  }

  async #truncate(size: number): Promise<void> {
    const verdict = this.#gate.enter('truncate', this.#path)
    if (verdict.action === 'drop' || this.#inner === undefined) {
      this.#size = size
      return
    }
    if (verdict.action === 'fault') throw injectedError('truncate', this.#path, verdict.osCode)
    await this.#inner.truncate(size)
    this.#gate.image.truncated(this.#path, size)
    this.#size = size
  }

  async close(): Promise<void> {
    this.#gate.enter('close', this.#path)
    this.#gate.closedFile(this.#path)
    if (this.#inner !== undefined) await this.#inner.close()
  }

  async #write(inner: AppendFile, chunks: readonly Uint8Array[]): Promise<void> {
    const sizeBefore = inner.size
    try {
      if (chunks.length > 0) await inner.append(chunks)
    } finally {
      if (inner.size > sizeBefore) {
        this.#gate.image.appended(this.#path, sizeBefore)
        this.#gate.landed(this.#path)
      }
      this.#size = inner.size
    }
  }
}

/** The first `count` bytes of `chunks`, as views. */
export function prefixOf(chunks: readonly Uint8Array[], count: number): Uint8Array[] {
  const out: Uint8Array[] = []
  let left = count
  for (const c of chunks) {
    if (left === 0) break
    const part = c.byteLength <= left ? c : c.subarray(0, left)
    out.push(part)
    left -= part.byteLength
  }
  return out
}
