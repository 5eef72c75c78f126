import { awaitTurn } from '../../common/loop-turns.ts'
import type { Worker } from 'node:worker_threads'
import { startWorker } from '../../common/start-worker.ts'
import { errors } from '../../errors/errors.ts'

/** Requests at least this large are decoded on the decode thread (smaller ones cost less than the hop). */
export const THREAD_DECODE_BYTES_MIN = 1024 * 1024

/** A request message's full type name (`milvus.proto.milvus.InsertRequest`). */
export type RequestTypeName = string

/** A message to the worker (decode-worker.ts). */
export interface DecodeRequest {
  readonly id: number
  readonly typeName: RequestTypeName
  readonly bytes: Uint8Array
}

export type DecodeReply = { readonly id: number; readonly message: object } | { readonly id: number; readonly error: string }

interface Waiter {
  readonly resolve: (message: object) => void
  readonly reject: (e: unknown) => void
}

/**
 * One worker thread that decodes large requests (tens of MB of vectors, or a million int64 ids, take
 * the codec hundreds of milliseconds to seconds), so the event loop keeps serving others meanwhile. The request bytes are
 * copied to the worker; the decoded vectors come back transferred, not copied. Started on first use,
 * referenced only while decodes are pending; one that fails or exits rejects what it had and is
 * replaced on the next call.
 */
export class DecodeThread {
  #worker: Worker | undefined
  readonly #waiting = new Map<number, Waiter>()
  #nextId = 1

  async decode(typeName: RequestTypeName, bytes: Buffer): Promise<object> {
    const copy = await copySliced(bytes)
    const worker = this.#worker ?? this.#start()
    const id = this.#nextId++
    const request: DecodeRequest = { id, typeName, bytes: copy }
    return new Promise<object>((resolve, reject) => {
      if (this.#waiting.size === 0) worker.ref()
      this.#waiting.set(id, { resolve, reject })
      worker.postMessage(request, [copy.buffer])
    })
  }

  async close(): Promise<void> {
    const worker = this.#worker
    if (worker === undefined) return
    this.#fail(worker, new Error('the decode thread is closed'))
    await worker.terminate()
  }

  #start(): Worker {
    const worker = startWorker(import.meta.url, 'decode-worker')
    worker.on('message', (m: DecodeReply) => {
      const w = this.#waiting.get(m.id)
      if (w === undefined) return
      this.#waiting.delete(m.id)
      if (this.#waiting.size === 0) worker.unref()
      if ('error' in m) w.reject(errors.invalid(`the request could not be decoded: ${m.error}`))
      else w.resolve(asBuffers(m.message) as object)
    })
    worker.on('error', (e) => this.#fail(worker, e))
    worker.on('exit', () => this.#fail(worker, new Error('the decode thread exited')))
    // Unref'd after its listeners are added (a listener added later may ref the thread again): an idle
    // decode thread never keeps the process alive; `decode` refs it while a request waits.
    worker.unref()
    this.#worker = worker
    return worker
  }

  #fail(worker: Worker, e: unknown): void {
    if (this.#worker !== worker) return
    this.#worker = undefined
    for (const w of this.#waiting.values()) w.reject(e)
    this.#waiting.clear()
  }
}

/**
 * The codec gives `bytes` fields as Buffers; structured clone turns them into plain Uint8Arrays.
 * Views of the same memory are made Buffers again (no copy), so the message equals the codec's.
 */
function asBuffers(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength)
  if (ArrayBuffer.isView(v)) return v
  if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === 'object') for (let i = 0; i < v.length; i++) v[i] = asBuffers(v[i])
    return v
  }
  const o = v as Record<string, unknown>
  for (const k of Object.keys(o)) o[k] = asBuffers(o[k])
  return o
}

/** Bytes copied per event-loop turn when a request is handed to the decode thread (~1–3 ms each). */
const COPY_CHUNK_BYTES = 4 << 20

/**
 * A copy of the request's bytes the worker can own (the received buffer stays grpc-js's), made 4 MiB
 * per event-loop turn: a 54 MB insert was one 80 ms block of copying on a busy machine.
 */
async function copySliced(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const copy = new Uint8Array(bytes.length)
  for (let at = 0; at < bytes.length; at += COPY_CHUNK_BYTES) {
    if (at > 0) await awaitTurn()
    copy.set(bytes.subarray(at, Math.min(bytes.length, at + COPY_CHUNK_BYTES)), at)
  }
  return copy
}
