import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { startWorker } from '../common/start-worker.ts'
import type { AnalyzerParams } from './analyzer.ts'
import type { TermFrequencyCsr, Utf8Texts } from './term-frequencies.ts'

/** The BM25 function over a column: its analyzer (or multi analyzer with each row's language), its UTF-8 texts. */
export interface TermFrequencyJob {
  /** `analyzer_params` (absent: the standard analyzer). */
  readonly analyzer?: AnalyzerParams
  /** `multi_analyzer_params`; then `languages` holds each row's analyzer name (null: `default`). */
  readonly multi?: AnalyzerParams
  readonly languages?: readonly (string | null)[]
  /** Backed by SharedArrayBuffers: the workers read them in place. */
  readonly texts: Utf8Texts
  readonly rowCount: number
  /** Per row, 1 for a null text (an empty output row). */
  readonly nulls?: Uint8Array
}

/** A message to a worker (term-frequency-worker.ts): rows [from, to) of a job. */
export interface TermFrequencyRequest {
  readonly id: number
  readonly analyzer?: AnalyzerParams
  readonly multi?: AnalyzerParams
  /** Rows [from, to) only. */
  readonly languages?: readonly (string | null)[]
  readonly bytes: Uint8Array
  readonly offsets: Int32Array
  readonly from: number
  readonly to: number
  /** Rows [from, to) only. */
  readonly nulls?: Uint8Array
}

export type TermFrequencyReply = { readonly id: number; readonly csr: TermFrequencyCsr } | { readonly id: number; readonly error: string }

interface Slot {
  readonly worker: Worker
  ready: boolean
  readonly waiting: Map<number, { resolve: (csr: TermFrequencyCsr) => void; reject: (e: unknown) => void }>
}

/**
 * Worker threads that compute the BM25 function for large writes, so the writer's thread neither
 * analyzes nor hashes: a column is cut into one slice of about equal bytes per worker, and the
 * slices' CSR blocks come back in row order. Started on first use and unref'd while idle (they never
 * keep the process alive); `ready` is false until every worker has loaded its modules, and callers
 * compute inline meanwhile. A worker that fails or exits rejects what it had and is replaced on the
 * next use.
 */
export class TermFrequencyPool {
  readonly size: number
  /** Jobs run (tests and benchmarks check the pool was used). */
  jobCount = 0
  #slots: (Slot | undefined)[]
  #nextId = 1
  #readyWaiters: (() => void)[] = []

  constructor(size: number) {
    this.size = size
    this.#slots = new Array<Slot | undefined>(size).fill(undefined)
  }

  /** True when every worker is up; otherwise starts the missing ones and answers false. */
  ready(): boolean {
    let all = true
    for (let i = 0; i < this.size; i++) {
      const slot = this.#slots[i] ?? this.#start(i)
      if (!slot.ready) all = false
    }
    return all
  }

  /** Resolves once every worker is up (starting them; they keep the process alive until then). */
  whenReady(): Promise<void> {
    if (this.ready()) return Promise.resolve()
    for (const slot of this.#slots) slot?.worker.ref()
    return new Promise((resolve) => this.#readyWaiters.push(resolve))
  }

  /** The job's CSR blocks, one per slice, in row order (row numbers in each block start at 0). */
  run(job: TermFrequencyJob): Promise<TermFrequencyCsr[]> {
    this.ready()
    this.jobCount++
    const cuts = sliceRows(job.texts.offsets, job.rowCount, this.size)
    const parts: Promise<TermFrequencyCsr>[] = []
    for (let i = 0; i + 1 < cuts.length; i++) {
      const from = cuts[i]!
      const to = cuts[i + 1]!
      const request: TermFrequencyRequest = {
        id: this.#nextId++,
        ...(job.analyzer === undefined ? {} : { analyzer: job.analyzer }),
        ...(job.multi === undefined ? {} : { multi: job.multi, languages: job.languages!.slice(from, to) }),
        bytes: job.texts.bytes,
        offsets: job.texts.offsets,
        from,
        to,
        ...(job.nulls === undefined ? {} : { nulls: job.nulls.slice(from, to) }),
      }
      parts.push(this.#send(this.#slots[i] ?? this.#start(i), request))
    }
    return Promise.all(parts)
  }

  /** Terminates the workers; what they had rejects. */
  async close(): Promise<void> {
    const slots = this.#slots.filter((s) => s !== undefined)
    this.#slots = new Array<Slot | undefined>(this.size).fill(undefined)
    for (const s of slots) fail(s, new Error('the term-frequency pool is closed'))
    await Promise.all(slots.map((s) => s.worker.terminate()))
  }

  #send(slot: Slot, request: TermFrequencyRequest): Promise<TermFrequencyCsr> {
    return new Promise((resolve, reject) => {
      if (slot.waiting.size === 0) slot.worker.ref()
      slot.waiting.set(request.id, { resolve, reject })
      slot.worker.postMessage(request)
    })
  }

  #start(i: number): Slot {
    const worker = startWorker(import.meta.url, 'term-frequency-worker')
    const slot: Slot = { worker, ready: false, waiting: new Map() }
    worker.on('message', (m: TermFrequencyReply | { ready: true }) => {
      if ('ready' in m) {
        slot.ready = true
        if (this.#slots.every((s) => s?.ready === true) && this.#readyWaiters.length > 0) {
          for (const s of this.#slots) if (s!.waiting.size === 0) s!.worker.unref()
          for (const w of this.#readyWaiters.splice(0)) w()
        }
        return
      }
      const w = slot.waiting.get(m.id)
      if (w === undefined) return
      slot.waiting.delete(m.id)
      if (slot.waiting.size === 0) worker.unref()
      if ('error' in m) w.reject(new Error(`term-frequency worker: ${m.error}`))
      else w.resolve(m.csr)
    })
    const drop = (e: Error): void => {
      if (this.#slots[i] === slot) this.#slots[i] = undefined
      fail(slot, e)
    }
    worker.on('error', drop)
    worker.on('exit', (code) => drop(new Error(`term-frequency worker exited with code ${code}`)))
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref()
    this.#slots[i] = slot
    return slot
  }
}

function fail(slot: Slot, e: unknown): void {
  for (const w of slot.waiting.values()) w.reject(e)
  slot.waiting.clear()
}

/** Row cuts [0, …, rowCount] into at most `parts` slices of about equal bytes (none empty). */
export function sliceRows(offsets: Int32Array, rowCount: number, parts: number): number[] {
  const cuts = [0]
  const total = offsets[rowCount]! - offsets[0]!
  for (let p = 1; p < parts; p++) {
    const target = offsets[0]! + (total * p) / parts
    let r = cuts.at(-1)!
    while (r < rowCount && offsets[r]! < target) r++
    if (r > cuts.at(-1)! && r < rowCount) cuts.push(r)
  }
  cuts.push(rowCount)
  return cuts
}

let shared: TermFrequencyPool | undefined

/** The process's pool: one worker per core, 1–4. */
export function termFrequencyPool(): TermFrequencyPool {
  shared ??= new TermFrequencyPool(Math.max(1, Math.min(4, availableParallelism())))
  return shared
}
