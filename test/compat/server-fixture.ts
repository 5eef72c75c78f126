import { MilvusClient } from '@zilliz/milvus2-sdk-node'
import { type QuiverServer, startQuiverServer } from '../../src/server/quiver-server.ts'
import { tempDir } from '../support/temp-db.ts'

/** Per-call deadline the SDK clients of the tests use (ms): a hang fails fast instead of at 15 s. */
export const SDK_TIMEOUT_MS = 10_000

export interface TestServer {
  readonly server: QuiverServer
  readonly address: string
  readonly dataDir: string
  /** A new official-SDK client of this server (closed by `stop`). */
  connect(options?: { database?: string }): MilvusClient
  /** Closes every client, stops the server, and removes the data directory unless `keepData`. */
  stop(keepData?: boolean): Promise<void>
}

/** Quiver served on 127.0.0.1 at a free port over a fresh data directory. */
export async function startTestServer(dataDir?: string): Promise<TestServer> {
  const dir = dataDir === undefined ? tempDir('quiver-server-') : { path: dataDir, cleanup: () => {} }
  const server = await startQuiverServer({ dataDir: dir.path, host: '127.0.0.1', port: 0, quiverVersion: '0.0.0-test', log: () => {} })
  const address = `127.0.0.1:${server.grpc.port}`
  const clients: MilvusClient[] = []
  return {
    server,
    address,
    dataDir: dir.path,
    connect: (options = {}) => {
      const c = new MilvusClient({ address, timeout: SDK_TIMEOUT_MS, logLevel: 'error', ...(options.database === undefined ? {} : { database: options.database }) })
      clients.push(c)
      return c
    },
    stop: async (keepData = false) => {
      for (const c of clients) await c.closeConnection()
      await server.close()
      if (!keepData) dir.cleanup()
    },
  }
}

/** Deterministic vectors (mulberry32), values in [-1, 1). */
export function vectors(seed: number, count: number, dim: number): number[][] {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return Array.from({ length: count }, () => Array.from({ length: dim }, () => next() * 2 - 1))
}
