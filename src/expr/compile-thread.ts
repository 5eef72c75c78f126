import type { Worker } from 'node:worker_threads'
import { startWorker } from '../common/start-worker.ts'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import type { CollectionSchema } from '../schema/collection-schema.ts'
import { type CompileReply, type CompileRequest, decodeError } from './compile-wire.ts'
import type { ExprPlan } from './expr-plan.ts'

interface Waiter {
  readonly resolve: (plan: ExprPlan) => void
  readonly reject: (e: unknown) => void
}

/**
 * One worker thread that compiles filters (`compileFilter`), one at a time, in the order asked: big
 * filters are parsed and planned there, so the main event loop only pays to copy the text over and
 * the plan back (structured clone; a plan is plain data). Started on first use and kept (a start
 * costs 0.1–2 s of module loading, off the main thread); referenced only while compiles are pending,
 * so an idle one never keeps the process alive. One that fails or exits rejects what it had and is
 * replaced on the next call. Errors come back as the same MilvusError (code, message, cause).
 */
export class CompileThread {
  #worker: Worker | undefined
  readonly #waiting = new Map<number, Waiter>()
  #nextId = 1
  #startCount = 0
  #closed = false

  /** Compiles asked for and not yet answered (the one running included). */
  get pendingCount(): number {
    return this.#waiting.size
  }

  /** Workers started so far (1 unless one failed). */
  get startCount(): number {
    return this.#startCount
  }

  /**
   * `compileFilter(text, schema, params)` on the worker. Params that cannot be copied to a thread
   * (a function, a symbol: never valid template values) throw DataCloneError synchronously; the
   * caller compiles in-line then.
   */
  compile(text: string, schema: CollectionSchema, params?: Readonly<Record<string, unknown>>): Promise<ExprPlan> {
    if (this.#closed) return Promise.reject(new MilvusError(ErrorCode.NotReady, 'the filter compiler thread is closed'))
    const worker = this.#worker ?? this.#start()
    const id = this.#nextId++
    const request: CompileRequest = params === undefined ? { id, text, schema } : { id, text, schema, params }
    worker.postMessage(request)
    return new Promise<ExprPlan>((resolve, reject) => {
      if (this.#waiting.size === 0) worker.ref()
      this.#waiting.set(id, { resolve, reject })
    })
  }

  /** Terminates the worker; pending compiles reject. */
  async close(): Promise<void> {
    this.#closed = true
    const worker = this.#worker
    if (worker === undefined) return
    this.#fail(worker, new MilvusError(ErrorCode.NotReady, 'the filter compiler thread is closed'))
    await worker.terminate()
  }

  #start(): Worker {
    const worker = startWorker(import.meta.url, 'compile-worker')
    this.#startCount++
    worker.unref()
    worker.on('message', (reply: CompileReply) => this.#answer(reply))
    worker.on('error', (e: Error) => this.#fail(worker, new MilvusError(ErrorCode.Unexpected, `the filter compiler thread failed: ${e.message}`, {}, { cause: e })))
    worker.on('exit', (code: number) => this.#fail(worker, new MilvusError(ErrorCode.Unexpected, `the filter compiler thread exited with code ${code}`)))
    this.#worker = worker
    return worker
  }

  #answer(reply: CompileReply): void {
    const waiter = this.#waiting.get(reply.id)
    if (waiter === undefined) return
    this.#waiting.delete(reply.id)
    if (this.#waiting.size === 0) this.#worker?.unref()
    if ('error' in reply) waiter.reject(decodeError(reply.error))
    else waiter.resolve(reply.plan)
  }

  /** Drops `worker` (if still the current one) and rejects everything it had. */
  #fail(worker: Worker, e: MilvusError): void {
    if (this.#worker !== worker) return
    this.#worker = undefined
    void worker.terminate()
    const waiting = [...this.#waiting.values()]
    this.#waiting.clear()
    for (const w of waiting) w.reject(e)
  }
}

let shared: CompileThread | undefined

/** The process's filter compiler thread (every `compileFilterAsync` that leaves the event loop). */
export function sharedCompileThread(): CompileThread {
  shared ??= new CompileThread()
  return shared
}

/** Terminates the shared thread (tests, shutdown); a later compile starts a new one. */
export async function closeSharedCompileThread(): Promise<void> {
  const t = shared
  shared = undefined
  await t?.close()
}
