// A compaction worker (started by compaction-workers.ts): for each job it receives, decodes the source
// segment files, copies their rows not purged at the horizon into one new segment, encodes it as a
// segment file and answers with the bytes (transferred) and the row source map — or the error.
import { parentPort } from 'node:worker_threads'
import { isMilvusError } from '../errors/milvus-error.ts'
import { heapAllocator } from '../segment/column-store.ts'
import { decodeSegment, encodeSegment } from '../segment/segment-file.ts'
import type { SegmentId } from '../segment/segment.ts'
import type { CompactionJobReply, CompactionJobRequest } from './compaction-job.ts'
import { rewriteSegments } from './rewrite-segments.ts'

async function run(request: CompactionJobRequest): Promise<CompactionJobReply> {
  holdIfAsked(request)
  if (request.hooks.fault === 'throw') throw new Error('compaction worker fault injected by a test hook')
  if (request.hooks.fault === 'exit') process.exit(3)
  const inputs = request.inputs.map((input) => ({
    segment: decodeSegment(input.fileBytes, request.schema, heapAllocator, input.path),
    deleteStamps: input.deleteStamps,
  }))
  const target = { id: request.targetId as SegmentId, partitionId: request.partitionId, schema: request.schema }
  const { output, sourceInput, sourceRow, rowsIn } = rewriteSegments(inputs, request.horizon, target, heapAllocator)
  const chunks = await encodeSegment(output, output.rowCount, output.insertRuns, 'sealed')()
  return { kind: 'done', fileBytes: concat(chunks), rowCount: output.rowCount, rowsIn, sourceInput, sourceRow }
}

function holdIfAsked(request: CompactionJobRequest): void {
  const hold = request.hooks.hold
  if (hold === undefined) return
  parentPort?.postMessage({ kind: 'held' } satisfies CompactionJobReply)
  Atomics.wait(hold, 0, 0, request.hooks.holdMs ?? 30_000)
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0
  for (const c of chunks) n += c.byteLength
  const out = new Uint8Array(n)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

function failure(e: unknown): CompactionJobReply {
  const message = e instanceof Error ? e.message : String(e)
  const stack = e instanceof Error ? (e.stack ?? message) : message
  return { kind: 'failed', code: isMilvusError(e) ? e.code : 65535, message, stack }
}

parentPort?.on('message', (request: CompactionJobRequest) => {
  run(request)
    .catch(failure)
    .then((reply) => {
      const transfer = reply.kind === 'done' ? [reply.fileBytes.buffer as ArrayBuffer, reply.sourceInput.buffer as ArrayBuffer, reply.sourceRow.buffer as ArrayBuffer] : []
      parentPort?.postMessage(reply, transfer)
    })
})
