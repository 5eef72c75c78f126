// The scrypt worker thread (started by scrypt-thread.ts): derives one key per message with
// scryptSync (or checks a bcrypt hash restored from a Milvus backup), one at a time, so password hashing never occupies libuv's thread pool, where the
// WAL's fsyncs and every other file operation of the server run.
import { scryptSync } from 'node:crypto'
import { parentPort } from 'node:worker_threads'
import { verifySync } from '@node-rs/bcrypt'
import type { BcryptRequest, ScryptReply, ScryptRequest } from './scrypt-thread.ts'

function derive(req: ScryptRequest): ScryptReply {
  try {
    const key = scryptSync(req.password, req.salt, req.keyBytes, { N: req.cost, r: req.blockSize, p: req.parallelization, maxmem: req.memoryBytesMax })
    return { id: req.id, key: new Uint8Array(key.buffer, key.byteOffset, key.byteLength) }
  } catch (e) {
    return { id: req.id, error: e instanceof Error ? e.message : String(e) }
  }
}

function checkBcrypt(req: BcryptRequest): ScryptReply {
  try {
    return { id: req.id, matches: verifySync(req.password, req.hash) }
  } catch (e) {
    return { id: req.id, error: e instanceof Error ? e.message : String(e) }
  }
}

parentPort?.on('message', (req: ScryptRequest | BcryptRequest) => {
  parentPort?.postMessage('kind' in req ? checkBcrypt(req) : derive(req))
})
