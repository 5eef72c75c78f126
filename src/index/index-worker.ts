// The index build worker (started by index-builder.ts): for each BuildRequest, builds the index with
// its own vector arena, answers with the encoded bytes (a sparse index asked with `postings`: its
// posting lists) transferred, or the error, and waits for the
// next (index-builder.ts keeps it a short while, then terminates it). Index modules are loaded by the
// first build that needs them: a sparse index (the BM25 function's, built right after a collection's
// first flush) does not wait for every dense family and the vector arena to load.
import { parentPort } from 'node:worker_threads'
import { isMilvusError } from '../errors/milvus-error.ts'
import { concatChunks } from './index-codec.ts'
import type { BuildReply, BuildRequest, WarmRequest } from './index-builder.ts'
import { isSparseIndexType } from './index-type.ts'
import type { VectorIndex } from './vector-index.ts'

async function build(request: BuildRequest, vectors: Float32Array | Uint8Array): Promise<VectorIndex> {
  const { spec, rowCount } = request
  if (isSparseIndexType(spec.indexType)) {
    const { SparseInvertedIndex } = await import('./sparse/sparse-inverted-index.ts')
    return SparseInvertedIndex.build(spec, vectors, rowCount)
  }
  const [{ VectorArena }, { buildIndex }] = await Promise.all([import('../vector/vector-arena.ts'), import('./vector-index.ts')])
  await VectorArena.init()
  return buildIndex(spec, vectors, rowCount)
}

async function run(request: BuildRequest): Promise<BuildReply> {
  if (request.hold !== undefined) Atomics.wait(request.hold, 0, 0, request.holdMs)
  const { kind, buffer, byteOffset, length } = request
  const vectors = kind === 'float' ? new Float32Array(buffer, byteOffset, length) : new Uint8Array(buffer, byteOffset, length)
  if (request.postings === true && isSparseIndexType(request.spec.indexType)) {
    const [{ readSparseCsr }, { buildSparsePostings }] = await Promise.all([import('./sparse/sparse-csr.ts'), import('./sparse/sparse-postings.ts')])
    return { ok: true, postings: buildSparsePostings(readSparseCsr(vectors as Uint8Array)) }
  }
  const index = await build(request, vectors)
  try {
    return { ok: true, bytes: concatChunks(index.encode()) }
  } finally {
    index.release()
  }
}

/** The buffers a reply hands over (transferred, not copied). */
function transferOf(reply: BuildReply): ArrayBuffer[] {
  if (!reply.ok) return []
  if ('bytes' in reply) return [reply.bytes.buffer as ArrayBuffer]
  const p = reply.postings
  return [p.dims, p.postStart, p.postRows, p.postValues, p.maxValue, p.minValue].map((a) => a.buffer as ArrayBuffer)
}

function failure(e: unknown): BuildReply {
  const message = e instanceof Error ? e.message : String(e)
  const stack = e instanceof Error ? (e.stack ?? message) : message
  return { ok: false, code: isMilvusError(e) ? e.code : 65535, message, stack }
}

parentPort?.on('message', (request: BuildRequest | WarmRequest) => {
  if ('warm' in request) {
    // Loaded ahead of the build (what a `postings` build runs); a failure here is the build's to report.
    Promise.all([import('./sparse/sparse-csr.ts'), import('./sparse/sparse-postings.ts')]).catch(() => {})
    return
  }
  run(request)
    .catch(failure)
    .then((reply) => {
      parentPort?.postMessage(reply, transferOf(reply))
    })
})
