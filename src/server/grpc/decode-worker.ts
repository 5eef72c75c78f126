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
    if (m.typeName === 'milvus.proto.milvus.InsertRequest' || m.typeName === 'milvus.proto.milvus.UpsertRequest') int64ColumnsAsTyped(message)
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

/**
 * The Int64 columns of a write (`fields_data[i].scalars.long_data`, no `valid_data`) as BigInt64Arrays
 * parsed here, off the event loop: the codec gives int64 as decimal strings, and parsing 100,000 keys
 * on the main thread took 30–70 ms there (the column builder takes a BigInt64Array as it is).
 */
function int64ColumnsAsTyped(message: object): void {
  const fields = (message as { fields_data?: unknown }).fields_data
  if (!Array.isArray(fields)) return
  for (const fd of fields as { type?: unknown; valid_data?: unknown[]; scalars?: { data?: string; long_data?: { data?: unknown } } }[]) {
    if (fd.type !== 'Int64' && fd.type !== 5) continue
    if (Array.isArray(fd.valid_data) && fd.valid_data.length > 0) continue
    const longs = fd.scalars?.data === 'long_data' ? fd.scalars.long_data : undefined
    const values = longs?.data
    if (!Array.isArray(values) || values.length === 0) continue
    const typed = new BigInt64Array(values.length)
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      if (typeof v !== 'string' && typeof v !== 'number') return
      typed[i] = BigInt(v)
    }
    longs!.data = typed
  }
}
