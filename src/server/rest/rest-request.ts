import { jsonLimits, jsonNestingDepth } from '../../common/bounded-json.ts'
import type { IncomingMessage } from 'node:http'
import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import { limits } from '../../schema/limits.ts'
import type { RestBody } from './rest-params.ts'

/** Bodies up to this size are read (as gRPC: Milvus's 64 MiB); larger ones answer 1102. */
export const BODY_BYTES_MAX = limits.requestBytesMax

/** Thrown for a body over BODY_BYTES_MAX: the rest of it is not read, so the connection must close. */
export class BodyTooLarge extends MilvusError {
  constructor(sizeBytes: number) {
    super(ErrorCode.ParameterTooLarge, `the request body is more than ${BODY_BYTES_MAX} bytes (${sizeBytes} read)`)
  }
}

/**
 * The connection failed before the whole body arrived (the client closed it, or sent a broken
 * chunk): nobody is left to read an answer, and it is no server fault, so it is not logged as one.
 */
export class BodyCutShort extends MilvusError {
  constructor(sizeBytes: number, cause: unknown) {
    super(ErrorCode.IncorrectParameterFormat, `the request body was cut short after ${sizeBytes} bytes`, {}, { cause })
  }
}

/** Reads the body, at most `bytesMax` bytes. */
export function readBody(req: IncomingMessage, bytesMax = BODY_BYTES_MAX): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > bytesMax) return reject(new BodyTooLarge(declared))
    const chunks: Buffer[] = []
    let sizeBytes = 0
    const onData = (chunk: Buffer) => {
      sizeBytes += chunk.length
      if (sizeBytes > bytesMax) {
        req.off('data', onData)
        req.pause()
        reject(new BodyTooLarge(sizeBytes))
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.on('end', () => resolve(Buffer.concat(chunks, sizeBytes)))
    req.on('error', (e) => reject(new BodyCutShort(sizeBytes, e)))
  })
}

/** Nesting of a REST body, in levels: the body object and its values (JSON fields of rows sit three levels down). */
export const REST_BODY_NESTING_DEPTH_MAX = jsonLimits.jsonNestingDepthMax + 4

/** The body as a JSON object, whatever the Content-Type (the Node SDK sends `ContentType`, so fetch says text/plain). Empty means `{}`. */
export function parseBody(raw: Buffer): RestBody {
  const text = raw.toString('utf8')
  if (text.trim() === '') return {}
  const depth = jsonNestingDepth(text)
  if (depth > REST_BODY_NESTING_DEPTH_MAX) throw new MilvusError(ErrorCode.IncorrectParameterFormat, `the body is nested ${depth} levels deep, more than ${REST_BODY_NESTING_DEPTH_MAX}`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new MilvusError(ErrorCode.IncorrectParameterFormat, `the body is not valid JSON (${(e as Error).message})`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MilvusError(ErrorCode.IncorrectParameterFormat, 'the body must be a JSON object')
  }
  return value as RestBody
}

/** Body `dbName`, else the `DB-Name` header, else `default` (Milvus's rule). */
export function databaseOf(body: RestBody, req: IncomingMessage): string {
  const v = body.dbName
  if (typeof v === 'string' && v !== '') return v
  const header = req.headers['db-name']
  if (typeof header === 'string' && header !== '') return header
  return 'default'
}

/** `Accept-Type-Allow-Int64: true` asks for int64 values as JSON numbers. */
export function allowsInt64(req: IncomingMessage): boolean {
  return String(req.headers['accept-type-allow-int64'] ?? '').toLowerCase() === 'true'
}

/**
 * `Authorization: Bearer <user:password>` (the scheme case-insensitive, as HTTP has it); undefined
 * when the header is absent, empty or only the scheme. Any other scheme, or a bare token, is refused
 * (1400; the REST server answers 1800): the token is taken only after `Bearer `.
 */
export function credentialsOf(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization
  if (typeof h !== 'string' || h === '' || /^Bearer$/i.test(h)) return undefined
  const m = /^Bearer +(.*)$/is.exec(h)
  if (m === null) throw new MilvusError(ErrorCode.Unauthenticated, 'the Authorization header must be `Bearer <user:password>`')
  return m[1] === '' ? undefined : m[1]
}
