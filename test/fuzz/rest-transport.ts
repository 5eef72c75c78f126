import { connect } from 'node:net'

/** What came back on one connection. */
export interface RestAnswer {
  /** Every byte the server sent. */
  readonly raw: Buffer
  /** The first response, when one was complete. */
  readonly response?: { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: Buffer }
  /** The connection was still open, with no complete response, when the time ran out. */
  readonly timedOut: boolean
  readonly ms: number
}

/**
 * Writes raw bytes on a fresh connection to 127.0.0.1:port and reads until the first response is
 * complete (Content-Length or chunked), the server closes, or `timeoutMs` passes; then closes.
 */
export function sendRaw(port: number, bytes: Uint8Array, timeoutMs: number): Promise<RestAnswer> {
  const started = performance.now()
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let done = false
    const socket = connect({ host: '127.0.0.1', port })
    const finish = (timedOut: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      const raw = Buffer.concat(chunks)
      const response = parseResponse(raw)
      resolve({ raw, ...(response === undefined ? {} : { response }), timedOut: timedOut && response === undefined, ms: performance.now() - started })
    }
    const timer = setTimeout(() => finish(true), timeoutMs)
    socket.on('connect', () => socket.write(bytes))
    socket.on('data', (b: Buffer) => {
      chunks.push(b)
      if (parseResponse(Buffer.concat(chunks)) !== undefined) finish(false)
    })
    socket.on('error', () => finish(false))
    socket.on('close', () => finish(false))
  })
}

/** The first complete HTTP/1.x response in `raw`, or undefined. */
export function parseResponse(raw: Buffer): RestAnswer['response'] | undefined {
  const end = raw.indexOf('\r\n\r\n')
  if (end < 0 || !raw.subarray(0, 5).equals(Buffer.from('HTTP/'))) return undefined
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n')
  const status = Number(statusLine.split(' ')[1])
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const i = line.indexOf(':')
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
  }
  const rest = raw.subarray(end + 4)
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const body = dechunk(rest)
    return body === undefined ? undefined : { status, headers, body }
  }
  const length = headers['content-length'] === undefined ? 0 : Number(headers['content-length'])
  if (rest.length < length) return undefined
  return { status, headers, body: rest.subarray(0, length) }
}

function dechunk(raw: Buffer): Buffer | undefined {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const eol = raw.indexOf('\r\n', at)
    if (eol < 0) return undefined
    const size = Number.parseInt(raw.subarray(at, eol).toString('latin1'), 16)
    if (!Number.isFinite(size)) return Buffer.concat(parts)
    if (size === 0) return Buffer.concat(parts)
    if (raw.length < eol + 2 + size + 2) return undefined
    parts.push(raw.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
}
