import type { IncomingMessage, ServerResponse } from 'node:http'
import { MilvusError } from '../../errors/errors.ts'
import { ErrorCode } from '../../errors/error-code.ts'
import type { ReplicaRouting } from '../replica-routing.ts'
import { readBody } from './rest-request.ts'
import { REST_PREFIX } from './rest-routes.ts'

/** Request headers a forwarded REST call carries on. */
const FORWARDED_HEADERS = ['authorization', 'content-type', 'accept', 'request-timeout', 'accept-type-allow-int64', 'dbname']

/**
 * A read replica's REST call it does not answer itself (writes, DDL, …): the body as received, to the
 * same endpoint of the shard's writer, whose answer (status, body) goes back as it is. A writer that
 * cannot be reached is reported with 2 in Milvus's envelope (`MilvusError`, thrown to the caller).
 */
export async function forwardRest(req: IncomingMessage, res: ServerResponse, routing: ReplicaRouting, signal: AbortSignal): Promise<void> {
  const body = await readBody(req)
  const path = new URL(req.url ?? '/', 'http://x').pathname
  const endpoint = path.slice(path.indexOf(REST_PREFIX))
  const address = await routing.writerAddress()
  const headers: Record<string, string> = {}
  for (const h of FORWARDED_HEADERS) {
    const v = req.headers[h]
    if (typeof v === 'string') headers[h] = v
  }
  let answer: Response
  try {
    answer = await fetch(`http://${address}${endpoint}`, { method: 'POST', headers, body, signal })
  } catch (e) {
    routing.forget(address)
    throw new MilvusError(ErrorCode.ServiceUnavailable, `this node is a read replica and the shard's writer at ${address} is unreachable (${(e as Error).message}); retry: a standby takes over within the lease TTL`)
  }
  const bytes = Buffer.from(await answer.arrayBuffer())
  res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json; charset=utf-8' }).end(bytes)
}
