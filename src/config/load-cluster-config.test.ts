// Cluster keys from a milvus.yaml-shaped file and QUIVER_* environment variables: Milvus's defaults, the
// file's etcd/minio/mq sections, environment over file, clear 1100 errors naming key, value and source;
// then, against the real servers (started here, stopped by pid), the three stores opened from a loaded
// cluster.yaml work: the manifest in etcd, a file in S3, a record in the JetStream log.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { skipUnlessInstalled, startEtcd, startNats, startS3 } from '../../test/support/cluster-servers.ts'
import type { ManagedServer } from '../../test/support/managed-server.ts'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { NatsLog } from '../log/nats-log.ts'
import { EtcdConnection } from '../storage/etcd/etcd-connection.ts'
import { EtcdMetaStore } from '../storage/etcd/etcd-meta-store.ts'
import { S3FileStore } from '../storage/s3/s3-file-store.ts'
import { loadClusterConfig } from './load-cluster-config.ts'
import { loadConfig } from './load-config.ts'

function isInvalid(key: string, pattern: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof MilvusError, String(e))
    assert.equal(e.code, ErrorCode.ParameterInvalid)
    assert.match(e.message, new RegExp(`key=${key.replace('.', '\\.')}`))
    assert.match(e.message, pattern)
    return true
  }
}

describe('loadClusterConfig', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-cluster-config-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))
  const yaml = async (name: string, text: string) => {
    const file = join(dir, name)
    await writeFile(file, text)
    return file
  }

  it("uses Milvus's defaults when nothing is given", async () => {
    const { config } = await loadClusterConfig()
    assert.deepEqual(config.etcd, { endpoints: ['localhost:2379'], rootPath: 'by-dev', requestTimeoutMs: 5_000 })
    assert.equal(config.ownerLeaseTtlMs, 10_000)
    assert.equal(config.s3.endpoint, 'http://localhost:9000')
    assert.equal(config.s3.bucket, 'a-bucket')
    assert.equal(config.s3.rootPath, 'files')
    assert.deepEqual(config.log, { type: 'natsmq', url: 'nats://localhost:4222', replicas: 1, streamPrefix: 'QUIVER_by-dev', subjectPrefix: 'quiver.by-dev.dml' })
    assert.deepEqual(config.gc, { enabled: true, intervalMs: 3_600_000, missingToleranceMs: 86_400_000, dropToleranceMs: 10_800_000 })
  })

  it("reads a milvus.yaml's etcd, minio and mq sections; the environment wins over the file", async () => {
    const file = await yaml(
      'milvus.yaml',
      [
        'etcd:',
        '  endpoints: etcd-0:2379,etcd-1:2379',
        '  rootPath: prod',
        'minio:',
        '  address: s3.internal',
        '  port: 443',
        '  useSSL: true',
        '  bucketName: vectors',
        '  rootPath: quiver-files',
        '  accessKeyID: AK',
        '  secretAccessKey: SK',
        'mq:',
        '  type: natsmq',
        'common:',
        '  session:',
        '    ttl: 30',
        'natsmq:',
        '  address: nats://n1:4222,nats://n2:4222',
        '  replicas: 3',
        'proxy:',
        '  port: 19530',
        'dataCoord:',
        '  enableGarbageCollection: true',
        '  gc:',
        '    interval: 600',
        '    missingTolerance: 7200',
        '    dropTolerance: 1800',
      ].join('\n'),
    )
    const { config, origins } = await loadClusterConfig({ file, env: { QUIVER_ETCD_ROOTPATH: 'prod.v2', QUIVER_MINIO_PORT: '9443', QUIVER_DATACOORD_GC_DROPTOLERANCE: '900' } })
    assert.deepEqual(config.etcd.endpoints, ['etcd-0:2379', 'etcd-1:2379'])
    assert.equal(config.etcd.rootPath, 'prod.v2')
    assert.equal(origins.get('etcd.rootPath'), 'env QUIVER_ETCD_ROOTPATH')
    assert.equal(config.s3.endpoint, 'https://s3.internal:9443')
    assert.equal(config.s3.bucket, 'vectors')
    assert.equal(config.s3.accessKeyId, 'AK')
    assert.equal(config.log.url, 'nats://n1:4222,nats://n2:4222')
    assert.equal(config.log.replicas, 3)
    assert.equal(config.ownerLeaseTtlMs, 30_000)
    assert.equal(config.log.streamPrefix, 'QUIVER_prod_v2')
    assert.deepEqual(config.gc, { enabled: true, intervalMs: 600_000, missingToleranceMs: 7_200_000, dropToleranceMs: 900_000 })
    const list = await yaml('list.yaml', 'etcd:\n  endpoints: [a:1, b:2]\n')
    assert.deepEqual((await loadClusterConfig({ file: list })).config.etcd.endpoints, ['a:1', 'b:2'])
  })

  it('quiver serve names cluster keys apart from unknown ones, and is silent about them with --role all', async () => {
    const file = await yaml('both.yaml', 'etcd:\n  endpoints: e:2379\nqueryNode:\n  enableDisk: true\n')
    const standalone = await loadConfig({ file })
    assert.equal(standalone.warnings.length, 2)
    assert.match(standalone.warnings[0]!, /1 configuration key\(s\) Quiver does not use, ignored: queryNode.enableDisk$/)
    assert.match(standalone.warnings[1]!, /cluster keys \(etcd.endpoints\) are used only by quiver serve --role all/)
    const cluster = await loadConfig({ file, clusterKeysUsed: true })
    assert.deepEqual(cluster.warnings.length, 1)
  })

  it('refuses what cannot work with 1100 naming the key, the value and where it came from', async () => {
    await assert.rejects(loadClusterConfig({ file: await yaml('kafka.yaml', 'mq:\n  type: kafka\n') }), isInvalid('mq.type', /mq.type kafka is not supported.*set mq.type: natsmq/))
    await assert.rejects(loadClusterConfig({ file: await yaml('mq.yaml', 'mq:\n  type: zeromq\n') }), isInvalid('mq.type', /expected one of default, natsmq/))
    await assert.rejects(loadClusterConfig({ env: { QUIVER_ETCD_ENDPOINTS: 'etcd-0' } }), isInvalid('etcd.endpoints', /host:port entries.*"etcd-0".*env QUIVER_ETCD_ENDPOINTS/))
    await assert.rejects(loadClusterConfig({ file: await yaml('bucket.yaml', 'minio:\n  bucketName: My_Bucket\n') }), isInvalid('minio.bucketName', /S3 bucket name/))
    await assert.rejects(loadClusterConfig({ env: { QUIVER_MINIO_PORT: 'http' } }), isInvalid('minio.port', /integer port/))
    await assert.rejects(loadClusterConfig({ env: { QUIVER_NATSMQ_ADDRESS: 'localhost:4222' } }), isInvalid('natsmq.address', /nats:\/\/host:port/))
    await assert.rejects(loadClusterConfig({ env: { QUIVER_DATACOORD_GC_MISSINGTOLERANCE: '-1' } }), isInvalid('dataCoord.gc.missingTolerance', /a number >= 0/))
  })
})

describe('stores opened from a loaded cluster.yaml, on the real servers', { skip: skipUnlessInstalled('etcd', 's3', 'nats'), timeout: 60_000 }, () => {
  let dir: string
  const servers: ManagedServer[] = []
  let file: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-cluster-stores-'))
    const etcd = await startEtcd(dir)
    const s3 = await startS3(dir, ['quiver-data'])
    const nats = await startNats(dir)
    servers.push(etcd.server, s3.server, nats.server)
    const [host, port] = s3.endpoint.replace('http://', '').split(':')
    file = join(dir, 'cluster.yaml')
    await writeFile(
      file,
      [
        `etcd: { endpoints: "${etcd.endpoint}", rootPath: test-cluster }`,
        `minio: { address: ${host}, port: ${port}, bucketName: quiver-data, rootPath: files, accessKeyID: ${s3.accessKeyId}, secretAccessKey: ${s3.secretAccessKey} }`,
        'mq: { type: natsmq }',
        `natsmq: { address: "${nats.url}" }`,
      ].join('\n'),
    )
  })
  after(async () => {
    for (const s of servers) await s.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('the manifest goes to etcd, files to S3 and records to the log, each where the keys say', async () => {
    const { config } = await loadClusterConfig({ file })
    const etcd = new EtcdConnection(config.etcd)
    const s3 = new S3FileStore(config.s3)
    const log = await NatsLog.open({ url: config.log.url, stream: `${config.log.streamPrefix}_0`, subject: `${config.log.subjectPrefix}.0` })
    try {
      const meta = new EtcdMetaStore(etcd)
      await meta.save({ checkpointLsn: 1 })
      assert.deepEqual(await meta.load(), { checkpointLsn: 1 })
      assert.ok((await etcd.client.get('test-cluster/quiver/meta/manifest').buffer()) !== null)
      await s3.writeFile('segments/1/1/rows.arrow', new Uint8Array([1, 2, 3]))
      assert.deepEqual(await s3.readFile('segments/1/1/rows.arrow'), new Uint8Array([1, 2, 3]))
      assert.equal(log.stream, 'QUIVER_test-cluster_0')
      assert.equal(await log.append(new Uint8Array([9])), 1)
      assert.deepEqual((await log.read(0, 10)).map((r) => r.position), [1])
    } finally {
      await log.close()
      s3.close()
      etcd.close()
    }
  })
})
