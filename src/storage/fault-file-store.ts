import { posix } from 'node:path'
import { seededRandom } from '../vector/seeded-random.ts'
import { DurableImage, type RollbackReport } from './durable-image.ts'
import { FaultAppendFile, type FaultGate, prefixOf, type Verdict } from './fault-append-file.ts'
import { ArmedFault, type Fault, type FaultOp, type FiredFault, faultOps, injectedError, mutatingOps, writeOps } from './fault-plan.ts'
import type { AppendFile, FileStore, StoredFile } from './file-store.ts'

export interface FaultFileStoreOptions {
  /** Seeds torn-write lengths, which half of an atomic write's sync fails, and kept unsynced tails. */
  readonly seed?: number
  readonly faults?: readonly Fault[]
  /**
   * What is durable on the machine, shared by the stores of successive processes on one directory:
   * after `kill()` the next store continues it (unsynced bytes stay unsynced), `powerCut()` applies it.
   */
  readonly image?: DurableImage
}

export interface PowerCutOptions {
  /** Keep a seeded part of every file's unsynced tail, as a partial page write-back would (default false). */
  readonly keepUnsyncedTail?: boolean
}

const mutating: ReadonlySet<FaultOp> = new Set(mutatingOps)
const writing: ReadonlySet<FaultOp> = new Set(writeOps)

/**
 * A `FileStore` that wraps another (normally `LocalFileStore`) and injects faults from a seeded plan
 * (see `Fault`), while it tracks what a power cut would leave (`DurableImage`). Two ways to die:
 * `kill()` (the process dies, the OS keeps what was written) and `powerCut()` (the real directory is
 * rolled back to what was durable). Either way the store is dead afterwards — every later mutation
 * is dropped — and the database is reopened on a new store (sharing `image`) over the same directory.
 * Counters say what was called and what fired.
 */
export class FaultFileStore implements FileStore, FaultGate {
  readonly inner: FileStore
  readonly image: DurableImage
  readonly #random: () => number
  readonly #armed: ArmedFault[] = []
  readonly #fired: FiredFault[] = []
  readonly #calls = Object.fromEntries(faultOps.map((op) => [op, 0])) as Record<FaultOp, number>
  readonly #landed = new Map<string, number>()
  readonly #inflight = new Set<Promise<unknown>>()
  readonly #openFiles = new Map<string, number>()
  #opCount = 0
  #droppedCount = 0
  #crashed = false
  #diskFull = false
  #tmpCount = 0

  constructor(inner: FileStore, options: FaultFileStoreOptions = {}) {
    this.inner = inner
    this.#random = seededRandom(options.seed ?? 1)
    this.image = options.image ?? new DurableImage()
    for (const f of options.faults ?? []) this.arm(f)
  }

  /** Adds a fault; its `at` counts matching operations from now on. */
  arm(fault: Fault): void {
    this.#armed.push(new ArmedFault(fault))
  }

  /** True once a `crash` fault fired or the store was killed: nothing reaches the disk any more. */
  get crashed(): boolean {
    return this.#crashed
  }

  /** True from a `diskFull` fault until `freeSpace()`. */
  get diskFull(): boolean {
    return this.#diskFull
  }

  /** Writes succeed again after a `diskFull` fault. */
  freeSpace(): void {
    this.#diskFull = false
  }

  /** The faults that fired, in order. */
  get fired(): readonly FiredFault[] {
    return this.#fired
  }

  /** Calls per operation; `total` counts every call, `dropped` those a crash swallowed. */
  get counts(): Readonly<Record<FaultOp, number>> & { readonly total: number; readonly dropped: number } {
    return { ...this.#calls, total: this.#opCount, dropped: this.#droppedCount }
  }

  /** Writes (whole or torn) whose bytes reached the real store, on paths starting with `prefix`. */
  landedWrites(prefix = ''): number {
    let n = 0
    for (const [path, count] of this.#landed) if (path.startsWith(prefix)) n += count
    return n
  }

  /** Append files opened through this store and not closed yet, by path. */
  get openFiles(): readonly string[] {
    return [...this.#openFiles].flatMap(([path, n]) => Array.from({ length: n }, () => path))
  }

  /**
   * The process dies (kill -9): waits for operations already running on the real store, then drops
   * every later mutation. Unsynced bytes stay on disk (in the OS page cache) but stay unsynced in `image`.
   */
  async kill(): Promise<void> {
    this.#crashed = true
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight])
  }

  /**
   * Power cut: `kill()`, then the real directory is rolled back to what was durable (`image`),
   * keeping with `keepUnsyncedTail` a seeded part of each file's unsynced tail.
   */
  async powerCut(options: PowerCutOptions = {}): Promise<RollbackReport> {
    await this.kill()
    const keep = options.keepUnsyncedTail === true ? (n: number) => Math.floor(this.#random() * (n + 1)) : () => 0
    return this.image.rollback(this.inner, keep)
  }

  // ---- FaultGate ------------------------------------------------------------------------------

  enter(op: FaultOp, path: string): Verdict {
    this.#calls[op]++
    const opIndex = ++this.#opCount
    let due: ArmedFault | undefined
    for (const armed of this.#armed) if (armed.count(op, path) && due === undefined) due = armed
    if (due !== undefined && !(this.#crashed && mutating.has(op))) {
      due.fired = true
      this.#fired.push({ kind: due.fault.kind, op, path, opIndex })
      if (due.fault.kind === 'crash') this.#crashed = true
      if (due.fault.kind === 'diskFull') this.#diskFull = true
    }
    if (this.#crashed && mutating.has(op)) {
      this.#droppedCount++
      return { action: 'drop' }
    }
    if (this.#diskFull && writing.has(op)) return { action: 'fault', kind: 'diskFull', osCode: 'ENOSPC', first: due?.fault.kind === 'diskFull' }
    if (due === undefined) return { action: 'pass' }
    return { action: 'fault', kind: due.fault.kind, osCode: due.fault.osCode ?? 'EIO', first: true }
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.#inflight.add(work)
    const done = (): void => {
      this.#inflight.delete(work)
    }
    work.then(done, done)
    return work
  }

  randomBelow(n: number): number {
    return Math.floor(this.#random() * n)
  }

  closedFile(path: string): void {
    const n = (this.#openFiles.get(path) ?? 0) - 1
    if (n > 0) this.#openFiles.set(path, n)
    else this.#openFiles.delete(path)
  }

  landed(path: string): void {
    this.#landed.set(path, (this.#landed.get(path) ?? 0) + 1)
  }

  // ---- FileStore ------------------------------------------------------------------------------

  readFile(path: string): Promise<Uint8Array> {
    const v = this.enter('readFile', path)
    if (v.action === 'fault') return Promise.reject(injectedError('readFile', path, v.osCode))
    return this.inner.readFile(path)
  }

  writeFile(path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    return this.track(this.#writeFile(path, data))
  }

  async #writeFile(path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const v = this.enter('writeFile', path)
    if (v.action === 'drop') return
    const chunks = data instanceof Uint8Array ? [data] : data
    if (v.action === 'pass') {
      await this.#writeInner(path, chunks)
      this.image.wroteDurably(path)
      return
    }
    if (v.kind === 'syncFail') await this.#writeInner(path, chunks)
    else if (v.kind === 'tear' || (v.kind === 'diskFull' && v.first)) await this.#writeInner(path, prefixOf(chunks, this.randomBelow(byteCount(chunks))))
    if (v.kind === 'syncFail' || v.kind === 'tear' || (v.kind === 'diskFull' && v.first)) this.image.wroteVolatile(path)
    throw injectedError('writeFile', path, v.osCode)
  }

  writeFileAtomic(path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    return this.track(this.#writeFileAtomic(path, data))
  }

  async #writeFileAtomic(path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const v = this.enter('writeFileAtomic', path)
    if (v.action === 'drop') return
    const chunks = data instanceof Uint8Array ? [data] : data
    if (v.action === 'pass') {
      await this.inner.writeFileAtomic(path, chunks)
      this.landed(path)
      this.image.dirSynced(posix.dirname(path))
      this.image.wroteDurably(path)
      return
    }
    if (v.kind === 'tear') {
      // A crash mid-write leaves the temporary file (not durable) and the old content.
      const tmp = `${path}.tmp-fault-${++this.#tmpCount}`
      await this.#writeInner(tmp, prefixOf(chunks, this.randomBelow(byteCount(chunks))))
      this.image.wroteVolatile(tmp)
    }
    if (v.kind === 'syncFail' && this.randomBelow(2) === 1) return this.#renamedButDirSyncFailed(path, chunks)
    throw injectedError('writeFileAtomic', path, v.osCode)
  }

  openAppend(path: string): Promise<AppendFile> {
    return this.track(this.#openAppend(path))
  }

  async #openAppend(path: string): Promise<AppendFile> {
    const v = this.enter('openAppend', path)
    if (v.action === 'fault') throw injectedError('openAppend', path, v.osCode)
    const existed = await this.inner.exists(path)
    const file = v.action === 'drop' ? undefined : await this.inner.openAppend(path)
    if (file !== undefined && !existed) this.image.created(path)
    this.#openFiles.set(path, (this.#openFiles.get(path) ?? 0) + 1)
    return new FaultAppendFile(this, path, file, file?.size ?? (existed ? await this.inner.size(path) : 0))
  }

  list(dir: string): Promise<string[]> {
    const v = this.enter('list', dir)
    if (v.action === 'fault') return Promise.reject(injectedError('list', dir, v.osCode))
    return this.inner.list(dir)
  }

  listFiles(dir: string): Promise<StoredFile[]> {
    const v = this.enter('list', dir)
    if (v.action === 'fault') return Promise.reject(injectedError('list', dir, v.osCode))
    return this.inner.listFiles(dir)
  }

  exists(path: string): Promise<boolean> {
    const v = this.enter('exists', path)
    if (v.action === 'fault') return Promise.reject(injectedError('exists', path, v.osCode))
    return this.inner.exists(path)
  }

  remove(path: string): Promise<void> {
    return this.track(this.#remove(path))
  }

  async #remove(path: string): Promise<void> {
    const v = this.enter('remove', path)
    if (v.action === 'drop') return
    if (v.action === 'fault') throw injectedError('remove', path, v.osCode)
    if (!(await this.inner.exists(path))) return
    const before = this.image.durablePart(path, await this.inner.readFile(path))
    await this.inner.remove(path)
    this.image.entryChanged(path, before.slice())
  }

  removeDir(path: string): Promise<void> {
    return this.track(this.#removeDir(path))
  }

  async #removeDir(path: string): Promise<void> {
    const v = this.enter('removeDir', path)
    if (v.action === 'drop') return
    if (v.action === 'fault') throw injectedError('removeDir', path, v.osCode)
    await this.inner.removeDir(path)
    this.image.dirRemoved(path)
  }

  mkdirp(dir: string): Promise<void> {
    return this.track(this.#mkdirp(dir))
  }

  async #mkdirp(dir: string): Promise<void> {
    const v = this.enter('mkdirp', dir)
    if (v.action === 'drop') return
    if (v.action === 'fault') throw injectedError('mkdirp', dir, v.osCode)
    await this.inner.mkdirp(dir)
  }

  size(path: string): Promise<number> {
    const v = this.enter('size', path)
    if (v.action === 'fault') return Promise.reject(injectedError('size', path, v.osCode))
    return this.inner.size(path)
  }

  syncDir(dir: string): Promise<void> {
    return this.track(this.#syncDir(dir))
  }

  async #syncDir(dir: string): Promise<void> {
    const v = this.enter('syncDir', dir)
    if (v.action === 'drop') return
    if (v.action === 'fault') throw injectedError('syncDir', dir, v.osCode)
    await this.inner.syncDir(dir)
    this.image.dirSynced(dir)
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** `inner.writeFile`, recording a new entry and that bytes landed. */
  async #writeInner(path: string, chunks: readonly Uint8Array[]): Promise<void> {
    const existed = await this.inner.exists(path)
    if (!existed) this.image.created(path)
    await this.inner.writeFile(path, chunks)
    this.landed(path)
  }

  /** The rename happened but the directory fsync failed: the new content is there, not durably. */
  async #renamedButDirSyncFailed(path: string, chunks: readonly Uint8Array[]): Promise<never> {
    const before = (await this.inner.exists(path)) ? this.image.durablePart(path, await this.inner.readFile(path)).slice() : null
    await this.inner.writeFileAtomic(path, chunks)
    this.landed(path)
    this.image.entryChanged(path, before)
    throw injectedError('syncDir', posix.dirname(path), 'EIO')
  }
}

function byteCount(chunks: readonly Uint8Array[]): number {
  let n = 0
  for (const c of chunks) n += c.byteLength
  return n
}
