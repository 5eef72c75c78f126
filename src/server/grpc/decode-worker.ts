import { parentPort } from 'node:worker_threads'
import { loaderOptions, loadMilvusProto } from './milvus-proto.ts'
import { fastFloatDecodingAvailable, writeRequestDeserializer } from './write-request-decoder.ts'
import type { DecodeReply, DecodeRequest } from './decode-thread.ts'

/**
 * The decode thread's worker: decodes one request at a time as the service would (writes with the
 * float-array decoder); typed arrays go back transferred.
 */
const decoders: Record<string, (buf: Buffer) => object> = fastFloatDecodingAvailable()
  ? {
      'milvus.proto.milvus.InsertRequest': writeRequestDeserializer('milvus.proto.milvus.InsertRequest'),
      'milvus.proto.milvus.UpsertRequest': writeRequestDeserializer('milvus.proto.milvus.UpsertRequest'),
    }
  : {}

function decoderOf(typeName: string): (buf: Buffer) => object {
  let d = decoders[typeName]
  if (d === undefined) {
    const type = loadMilvusProto().root.lookupType(typeName)
    d = (buf) => type.toObject(type.decode(buf), loaderOptions)
    decoders[typeName] = d
  }
  return d
}

parentPort!.on('message', (m: DecodeRequest) => {
  try {
    const message = decoderOf(m.typeName)(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength))
    const reply: DecodeReply = { id: m.id, message }
    parentPort!.postMessage(reply, buffersOf(message))
  } catch (e) {
    const reply: DecodeReply = { id: m.id, error: e instanceof Error ? e.message : String(e) }
    parentPort!.postMessage(reply)
  }
})

/** The distinct ArrayBuffers under the typed arrays of a decoded message (each may back several views). */
function buffersOf(root: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>()
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const v = stack.pop()
    if (v === null || typeof v !== 'object') continue
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) out.add(v.buffer)
      continue
    }
    if (Array.isArray(v)) {
      // Arrays of numbers or strings hold no buffers: look at their first element only.
      if (v.length > 0 && (typeof v[0] === 'object' || typeof v[v.length - 1] === 'object')) for (const x of v) stack.push(x)
      continue
    }
    for (const x of Object.values(v)) stack.push(x)
  }
  return [...out]
}
