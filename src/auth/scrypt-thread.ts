import type { Worker } from 'node:worker_threads'
import { startWorker } from '../common/start-worker.ts'
import { ErrorCode, MilvusError } from '../errors/errors.ts'

/** scrypt's cost parameters: N (CPU/memory cost), r (block size), p (parallelisation). */
export interface ScryptParams {
  readonly cost: number
  readonly blockSize: number
  readonly parallelization: number
}

/** Memory one derivation may use (scrypt needs 128·N·r bytes: 16 MiB at N=2^14, r=8). */
export const SCRYPT_MEMORY_BYTES_MAX = 64 * 1024 * 1024

/** A message to the worker (scrypt-worker.ts). */
export interface ScryptRequest extends ScryptParams {
  readonly id: number
  /** Already NFC-normalised. */
  readonly password: string
  readonly salt: Uint8Array
  readonly keyBytes: number
  readonly memoryBytesMax: number
}

/** A bcrypt check (a hash restored from a Milvus RBAC backup), run on the same thread. */
export interface BcryptRequest {
  readonly id: number
  readonly kind: 'bcrypt'
  readonly password: string
  readonly hash: string
}

export type ScryptReply =
  | { readonly id: number; readonly key: Uint8Array }
  | { readonly id: number; readonly matches: boolean }
  | { readonly id: number; readonly error: string }

interface Waiter {
  readonly resolve: (value: Buffer | boolean) => void
  readonly reject: (e: unknown) => void
}

/**
 * One worker thread that runs scrypt, one derivation at a time, in the order asked. Password
 * hashing is CPU work the server must not let crowd out I/O: node:crypto's async scrypt runs on
 * libuv's four-thread pool, the pool the WAL's fsyncs wait for, so a flood of logins stalled writes.
 * The worker is started on first use and kept, referenced only while derivations are pending (an
 * idle one never keeps the process alive); one that fails or exits rejects what it had and is
 * replaced on the next call.
 */
export class ScryptThread {
  #worker: Worker | undefined
  readonly #waiting = new Map<number, Waiter>()
  #nextId = 1
  #runCount = 0
  #closed = false

  /** Derivations asked for and not yet answered (the one running included). */
  get pendingCount(): number {
    return this.#waiting.size
  }

  /** Derivations completed since start. */
  get runCount(): number {
    return this.#runCount
  }

  derive(password: string, salt: Uint8Array, params: ScryptParams, keyBytes: number): Promise<Buffer> {
    if (this.#closed) return Promise.reject(new MilvusError(ErrorCode.NotReady, 'the password worker is closed'))
    const worker = this.#worker ?? this.#start()
    const id = this.#nextId++
    const request: ScryptRequest = { id, password, salt, keyBytes, memoryBytesMax: SCRYPT_MEMORY_BYTES_MAX, ...params }
    return this.#post(worker, request) as Promise<Buffer>
  }

  /** True when `password` matches a bcrypt `hash` (`$2b$10$…`); the hash's cost is bounded by the caller. */
  verifyBcrypt(password: string, hash: string): Promise<boolean> {
    if (this.#closed) return Promise.reject(new MilvusError(ErrorCode.NotReady, 'the password worker is closed'))
    const worker = this.#worker ?? this.#start()
    const request: BcryptRequest = { id: this.#nextId++, kind: 'bcrypt', password, hash }
    return this.#post(worker, request) as Promise<boolean>
  }

  #post(worker: Worker, request: ScryptRequest | BcryptRequest): Promise<Buffer | boolean> {
    return new Promise<Buffer | boolean>((resolve, reject) => {
      if (this.#waiting.size === 0) worker.ref()
      this.#waiting.set(request.id, { resolve, reject })
      worker.postMessage(request)
    })
  }

  /** Terminates the worker; pending derivations reject. */
  async close(): Promise<void> {
    this.#closed = true
    const worker = this.#worker
    if (worker === undefined) return
    this.#fail(worker, new MilvusError(ErrorCode.NotReady, 'the password worker is closed'))
    await worker.terminate()
  }

  #start(): Worker {
    const worker = startWorker(import.meta.url, 'scrypt-worker')
    worker.unref()
    worker.on('message', (reply: ScryptReply) => this.#answer(reply))
    worker.on('error', (e: Error) => this.#fail(worker, new MilvusError(ErrorCode.Unexpected, `the password worker failed: ${e.message}`, {}, { cause: e })))
    worker.on('exit', (code: number) => this.#fail(worker, new MilvusError(ErrorCode.Unexpected, `the password worker exited with code ${code}`)))
    this.#worker = worker
    return worker
  }

  #answer(reply: ScryptReply): void {
    const waiter = this.#waiting.get(reply.id)
    if (waiter === undefined) return
    this.#waiting.delete(reply.id)
    if (this.#waiting.size === 0) this.#worker?.unref()
    if ('error' in reply) return waiter.reject(new MilvusError(ErrorCode.Unexpected, `scrypt failed: ${reply.error}`))
    this.#runCount++
    if ('matches' in reply) return waiter.resolve(reply.matches)
    waiter.resolve(Buffer.from(reply.key.buffer, reply.key.byteOffset, reply.key.byteLength))
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

let shared: ScryptThread | undefined

/** The process's scrypt thread: every password hash and verification runs there. */
export function sharedScryptThread(): ScryptThread {
  shared ??= new ScryptThread()
  return shared
}
