// The index build worker (started by index-builder.ts): for each BuildRequest, builds the index with
// its own vector arena, answers with the encoded bytes (transferred) or the error, and waits for the
// next (index-builder.ts keeps it a short while, then terminates it).
import { parentPort } from 'node:worker_threads'
import { isMilvusError } from '../errors/milvus-error.ts'
import { VectorArena } from '../vector/vector-arena.ts'
import { concatChunks } from './index-codec.ts'
import type { BuildReply, BuildRequest } from './index-builder.ts'
import { buildIndex } from './vector-index.ts'

async function run(request: BuildRequest): Promise<BuildReply> {
  if (request.hold !== undefined) Atomics.wait(request.hold, 0, 0, request.holdMs)
  await VectorArena.init()
  const { spec, kind, buffer, byteOffset, length, rowCount } = request
  const vectors = kind === 'float' ? new Float32Array(buffer, byteOffset, length) : new Uint8Array(buffer, byteOffset, length)
  const index = buildIndex(spec, vectors, rowCount)
  try {
    return { ok: true, bytes: concatChunks(index.encode()) }
  } finally {
    index.release()
  }
}

function failure(e: unknown): BuildReply {
  const message = e instanceof Error ? e.message : String(e)
  const stack = e instanceof Error ? (e.stack ?? message) : message
  return { ok: false, code: isMilvusError(e) ? e.code : 65535, message, stack }
}

parentPort?.on('message', (request: BuildRequest) => {
  run(request)
    .catch(failure)
    .then((reply) => {
      const transfer = reply.ok ? [reply.bytes.buffer as ArrayBuffer] : []
      parentPort?.postMessage(reply, transfer)
    })
})
