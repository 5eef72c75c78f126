import { resolve } from 'node:path'
import { Quiver } from '../engine/quiver.ts'
import { type GrpcServer, startGrpcServer } from './grpc/grpc-server.ts'

export interface ServeOptions {
  /** Data directory (created if missing). */
  readonly dataDir: string
  readonly host: string
  /** 0 picks a free port. */
  readonly port: number
  readonly quiverVersion: string
  readonly log?: (message: string) => void
}

export interface QuiverServer {
  readonly client: Quiver
  readonly grpc: GrpcServer
  /** The data directory, absolute. */
  readonly dataDir: string
  /** Stops the server (in-flight calls finish), then closes the database (WAL synced, checkpoint written). */
  close(): Promise<void>
}

/** Opens the data directory and serves it over Milvus's gRPC protocol. */
export async function startQuiverServer(opts: ServeOptions): Promise<QuiverServer> {
  const dataDir = resolve(opts.dataDir)
  const client = await Quiver.open({ path: dataDir, ...(opts.log === undefined ? {} : { log: opts.log }) })
  let grpc: GrpcServer
  try {
    grpc = await startGrpcServer({ client, host: opts.host, port: opts.port, dataDir, quiverVersion: opts.quiverVersion, ...(opts.log === undefined ? {} : { log: opts.log }) })
  } catch (e) {
    await client.close()
    throw e
  }
  let closing: Promise<void> | undefined
  return {
    client,
    grpc,
    dataDir,
    close: () => {
      closing ??= grpc.close().then(() => client.close())
      return closing
    },
  }
}
