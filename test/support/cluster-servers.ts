import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { findBinary, httpAnswers, ManagedServer, missingBinaryReason } from './managed-server.ts'
import { freePort } from './serve-child.ts'

/** The real servers cluster mode runs on (docs/design/0011-cluster.md), each found or a skip reason. */
export const clusterBinaries = {
  etcd: { name: 'etcd', envVar: 'QUIVER_ETCD_BIN', install: 'apt-get install etcd-server' },
  s3: { name: 'versitygw', envVar: 'QUIVER_VERSITYGW_BIN', install: 'go install github.com/versity/versitygw/cmd/versitygw@v1.8.0' },
  nats: { name: 'nats-server', envVar: 'QUIVER_NATS_BIN', install: 'go install github.com/nats-io/nats-server/v2@v2.15.3' },
} as const

export type ClusterBinary = keyof typeof clusterBinaries

/** undefined when every named binary is there, else the printed reason to skip. */
export function skipUnlessInstalled(...which: ClusterBinary[]): string | undefined {
  for (const w of which) {
    const b = clusterBinaries[w]
    if (findBinary(b.name, b.envVar) === undefined) return missingBinaryReason(b.name, b.envVar, b.install)
  }
  return undefined
}

function binaryOf(w: ClusterBinary): string {
  const b = clusterBinaries[w]
  const path = findBinary(b.name, b.envVar)
  if (path === undefined) throw new Error(missingBinaryReason(b.name, b.envVar, b.install))
  return path
}

export interface EtcdServer {
  readonly server: ManagedServer
  /** `127.0.0.1:<client port>` */
  readonly endpoint: string
}

/** A one-member etcd on loopback with its data in `dir` (fast elections: 50 ms heartbeats). */
export async function startEtcd(dir: string): Promise<EtcdServer> {
  const clientPort = await freePort()
  const peerPort = await freePort()
  const client = `http://127.0.0.1:${clientPort}`
  const peer = `http://127.0.0.1:${peerPort}`
  const server = await ManagedServer.start({
    name: 'etcd',
    binary: binaryOf('etcd'),
    args: [
      '--name', 'n0', '--data-dir', join(dir, 'etcd'),
      '--listen-client-urls', client, '--advertise-client-urls', client,
      '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `n0=${peer}`, '--initial-cluster-state', 'new',
      '--heartbeat-interval', '50', '--election-timeout', '500', '--log-level', 'warn',
    ],
    ready: () => httpAnswers(`${client}/health`, 200),
  })
  return { server, endpoint: `127.0.0.1:${clientPort}` }
}

/**
 * A `size`-member etcd cluster on loopback (data in `dir/etcd-<i>`), started together (a member is
 * ready once the cluster has a leader). Members are stopped, killed and restarted one by one.
 */
export async function startEtcdCluster(dir: string, size = 3): Promise<{ members: ManagedServer[]; endpoints: string[] }> {
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), peer: await freePort() })))
  const initialCluster = ports.map((p, i) => `m${i}=http://127.0.0.1:${p.peer}`).join(',')
  const members = await Promise.all(
    ports.map((p, i) => {
      const client = `http://127.0.0.1:${p.client}`
      const peer = `http://127.0.0.1:${p.peer}`
      return ManagedServer.start({
        name: `etcd member m${i}`,
        binary: binaryOf('etcd'),
        args: [
          '--name', `m${i}`, '--data-dir', join(dir, `etcd-${i}`),
          '--listen-client-urls', client, '--advertise-client-urls', client,
          '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
          '--initial-cluster', initialCluster, '--initial-cluster-state', 'new', '--initial-cluster-token', 'quiver-test',
          '--heartbeat-interval', '50', '--election-timeout', '500', '--log-level', 'warn',
        ],
        ready: () => httpAnswers(`${client}/health`, 200),
      })
    }),
  )
  return { members, endpoints: ports.map((p) => `127.0.0.1:${p.client}`) }
}

export interface S3Server {
  readonly server: ManagedServer
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** The directory whose subdirectories are the buckets. */
  readonly root: string
}

/** versitygw, a real S3 gateway, serving the POSIX directory `dir/s3` (one subdirectory per bucket). */
export async function startS3(dir: string, buckets: readonly string[] = []): Promise<S3Server> {
  const port = await freePort()
  const root = join(dir, 's3')
  await mkdir(root, { recursive: true })
  for (const b of buckets) await mkdir(join(root, b), { recursive: true })
  const accessKeyId = 'quivertest'
  const secretAccessKey = 'quivertest-secret'
  const endpoint = `http://127.0.0.1:${port}`
  const server = await ManagedServer.start({
    name: 'versitygw',
    binary: binaryOf('s3'),
    args: ['--access', accessKeyId, '--secret', secretAccessKey, '--port', `127.0.0.1:${port}`, '--quiet', 'posix', root],
    ready: () => httpAnswers(`${endpoint}/`),
  })
  return { server, endpoint, accessKeyId, secretAccessKey, root }
}

export interface NatsServer {
  readonly server: ManagedServer
  /** `nats://127.0.0.1:<port>` */
  readonly url: string
}

/**
 * nats-server with JetStream on loopback, its streams in `dir/nats`, **fsync before every
 * acknowledgement** (`sync_interval: always`: the default 2 min loses acknowledged writes on power
 * loss; docs/design/0011-cluster.md §3).
 */
export async function startNats(dir: string): Promise<NatsServer> {
  const port = await freePort()
  const monitorPort = await freePort()
  const storeDir = join(dir, 'nats')
  await mkdir(storeDir, { recursive: true })
  const config = join(dir, 'nats.conf')
  await writeFile(
    config,
    [
      `listen: "127.0.0.1:${port}"`,
      `http: "127.0.0.1:${monitorPort}"`,
      // NATS's largest message (its default is 1 MB): the biggest write the log takes in one record.
      'max_payload: 64MB',
      'jetstream {',
      `  store_dir: ${JSON.stringify(storeDir)}`,
      '  sync_interval: always',
      '  max_memory_store: 64MB',
      '  max_file_store: 1GB',
      '}',
      '',
    ].join('\n'),
  )
  const server = await ManagedServer.start({
    name: 'nats-server',
    binary: binaryOf('nats'),
    args: ['-c', config],
    ready: () => httpAnswers(`http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`, 200),
  })
  return { server, url: `nats://127.0.0.1:${port}` }
}

/** The three servers cluster mode runs on (etcd, S3 with `buckets`, NATS JetStream), started side by side in `dir`; `servers` stops them. */
export async function startClusterServers(dir: string, buckets: readonly string[] = ['quiver']): Promise<{ etcd: EtcdServer; s3: S3Server; nats: NatsServer; servers: ManagedServer[] }> {
  const etcd = await startEtcd(dir)
  const s3 = await startS3(dir, buckets)
  const nats = await startNats(dir)
  return { etcd, s3, nats, servers: [etcd.server, s3.server, nats.server] }
}
