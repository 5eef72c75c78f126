// The filter worker thread (started by compile-thread.ts): compiles one filter per message with
// `compileFilter` and posts back the plan (plain data: structured-cloned to the main thread) or the
// error as data (`encodeError`), so a big filter's parse and plan never hold the main event loop.
import { parentPort } from 'node:worker_threads'
import { compileFilter } from './compile-filter.ts'
import { type CompileReply, type CompileRequest, encodeError } from './compile-wire.ts'

function compile(req: CompileRequest): CompileReply {
  try {
    return { id: req.id, plan: compileFilter(req.text, req.schema, req.params) }
  } catch (e) {
    return { id: req.id, error: encodeError(e) }
  }
}

parentPort?.on('message', (req: CompileRequest) => {
  const reply = compile(req)
  try {
    parentPort?.postMessage(reply)
  } catch (e) {
    // A plan that cannot be cloned is a bug; say so rather than leave the caller waiting.
    parentPort?.postMessage({ id: req.id, error: encodeError(e) } satisfies CompileReply)
  }
})
