// The interim training worker (started by interim-trainer.ts): receives one InterimTrainRequest, trains
// and assigns with its own vector arena (rows copied in from the parts, which may be the main thread's
// arena memory), writes centroids and lists into the request's shared output, answers ok or the error.
import { parentPort } from 'node:worker_threads'
import { VectorArena } from '../../vector/vector-arena.ts'
import type { InterimTrainReply, InterimTrainRequest } from './interim-trainer.ts'
import { trainInterim } from './interim-train.ts'

async function run(request: InterimTrainRequest): Promise<InterimTrainReply> {
  await VectorArena.init()
  const parts = request.parts.map((p) => new Float32Array(p.buffer, p.byteOffset, p.length))
  const { centroids, lists } = trainInterim(VectorArena.shared(), request.metric, request.dim, request.listCount, parts, request.rowCount)
  const { output } = request
  output.centroids.set(centroids)
  output.lists.set(lists)
  Atomics.store(output.done, 0, 1)
  return { ok: true }
}

parentPort?.once('message', (request: InterimTrainRequest) => {
  run(request)
    .catch((e: unknown): InterimTrainReply => ({ ok: false, message: e instanceof Error ? (e.stack ?? e.message) : String(e) }))
    .then((reply) => parentPort?.postMessage(reply))
})
