import { startQuiverServer } from '../server/quiver-server.ts'

export interface ServeCommandOptions {
  readonly port: string
  readonly host: string
  readonly data: string
}

/** Signals that stop the server cleanly. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const

/**
 * `quiver serve`: opens the data directory, serves Milvus's gRPC protocol, prints where, and on
 * SIGINT/SIGTERM stops accepting calls, lets in-flight ones finish and closes the database.
 */
export async function serveCommand(opts: ServeCommandOptions, quiverVersion: string): Promise<void> {
  const port = Number(opts.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer in [0, 65535], got ${opts.port}`)
  const log = (m: string) => process.stderr.write(`[quiver] ${m}\n`)
  const server = await startQuiverServer({ dataDir: opts.data, host: opts.host, port, quiverVersion, log })
  process.stdout.write(`Quiver ${quiverVersion} serving Milvus gRPC on ${server.grpc.host}:${server.grpc.port}\n`)
  process.stdout.write(`data directory: ${server.dataDir}\n`)
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    log(`${signal}: stopping (in-flight requests finish, then the database closes)`)
    server.close().then(
      () => {
        log('stopped cleanly')
        process.exit(0)
      },
      (e: unknown) => {
        log(`stop failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
        process.exit(1)
      },
    )
  }
  for (const s of STOP_SIGNALS) process.on(s, () => stop(s))
}
