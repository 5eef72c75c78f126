// `quiver serve --config file.yaml` as an operator runs it: the YAML sets the ports, data directory and
// logs, QUIVER_* environment and flags override it, unknown keys are a logged warning, and /healthz
// and /metrics answer on the configured host; a bad value exits 2 naming the key. Stopped by pid.
import assert from 'node:assert/strict'
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { MilvusClient } from '@zilliz/milvus2-sdk-node'
import { metricSample } from '../../src/observability/metric-sample.ts'
import { tempDir } from '../support/temp-db.ts'
import { SDK_TIMEOUT_MS } from './server-fixture.ts'

const isTs = import.meta.url.endsWith('.ts')
const main = fileURLToPath(new URL(isTs ? '../../src/cli/main.ts' : '../../src/cli/main.js', import.meta.url))
const execArgv = isTs ? ['--import', 'tsx'] : []
/** How long a child may take to print its addresses, or to exit. */
const STARTUP_MS_MAX = 60_000

const dir = tempDir('quiver-serve-config-')
const children: ChildProcess[] = []
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  dir.cleanup()
})

async function freePort(): Promise<number> {
  const srv = createServer()
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const port = (srv.address() as { port: number }).port
  srv.close()
  await once(srv, 'close')
  return port
}

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [...execArgv, main, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  children.push(child)
  let out = ''
  let err = ''
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString()
  })
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString()
  })
  return { child, stdout: () => out, stderr: () => err }
}

/** Resolves once the child printed its gRPC address, ops address and data directory. */
async function started(r: ReturnType<typeof run>): Promise<{ grpc: string; ops: string }> {
  for (let waitedMs = 0; waitedMs < STARTUP_MS_MAX; waitedMs += 50) {
    const out = r.stdout()
    const grpc = /serving Milvus gRPC and REST v2 on (\S+)/.exec(out)
    const ops = /health and metrics on (http:\/\/\S+?)\/healthz/.exec(out)
    if (grpc !== null && ops !== null && out.includes('data directory:')) return { grpc: grpc[1]!, ops: ops[1]! }
    if (r.child.exitCode !== null) throw new Error(`quiver serve exited with ${r.child.exitCode}: ${r.stderr()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`quiver serve did not start within ${STARTUP_MS_MAX} ms: ${r.stderr()}`)
}

test('--config file with environment and flag overrides; warnings and logs as JSON; health and metrics served', async () => {
  const [filePort, envPort] = [await freePort(), await freePort()]
  const dataFromFlag = join(dir.path, 'data-flag')
  const config = join(dir.path, 'quiver.yaml')
  writeFileSync(
    config,
    [
      'proxy:',
      `  port: ${filePort}`,
      '  ip: 127.0.0.1',
      'metrics:',
      '  port: 0',
      'localStorage:',
      `  path: ${join(dir.path, 'data-file')}`,
      'log:',
      '  level: debug',
      '  format: json',
      'etcd:',
      '  endpoints: localhost:2379',
    ].join('\n'),
  )
  const r = run(['serve', '--config', config, '--data', dataFromFlag], { QUIVER_PROXY_PORT: String(envPort) })
  const { grpc, ops } = await started(r)
  assert.equal(grpc, `127.0.0.1:${envPort}`)
  assert.ok(ops.startsWith('http://127.0.0.1:'))
  assert.ok(existsSync(dataFromFlag))
  assert.ok(!existsSync(join(dir.path, 'data-file')))

  const client = new MilvusClient({ address: grpc, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
  try {
    assert.deepEqual((await client.listCollections()).data, [])
  } finally {
    await client.closeConnection()
  }
  const health = await fetch(`${ops}/healthz`)
  assert.deepEqual([health.status, await health.text()], [200, 'OK'])
  const metrics = await (await fetch(`${ops}/metrics`)).text()
  assert.equal(metricSample(metrics, 'milvus_proxy_req_count', { function_name: 'ShowCollections', status: 'success' }), 1)

  const exited = once(r.child, 'exit')
  process.kill(r.child.pid!, 'SIGTERM')
  const [code] = (await exited) as [number | null]
  assert.equal(code, 0)
  const lines = r
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string; method?: string })
  // A cluster key outside cluster mode gets its own warning (docs/cluster.md).
  assert.ok(lines.some((l) => l.level === 40 && /cluster keys \(etcd\.endpoints\) are used only by quiver serve --role all/.test(l.msg)), r.stderr())
  assert.ok(lines.some((l) => l.level === 20 && l.method === 'ShowCollections'), 'debug request line')
  assert.ok(lines.some((l) => l.msg === 'stopped cleanly'))
})

test('common.security.tlsMode 1 with tls.serverPemPath/serverKeyPath: the SDK connects over TLS', async () => {
  const [cert, key] = [join(dir.path, 'cert.pem'), join(dir.path, 'key.pem')]
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' })
  const config = join(dir.path, 'tls.yaml')
  writeFileSync(config, ['common:', '  security:', '    tlsMode: 1', 'tls:', `  serverPemPath: ${cert}`, `  serverKeyPath: ${key}`, 'metrics:', '  port: 0'].join('\n'))
  const r = run(['serve', '--config', config, '--port', '0', '--data', join(dir.path, 'data-tls'), '--log-level', 'warn'])
  const { grpc } = await started(r)
  const client = new MilvusClient({ address: grpc, ssl: true, tls: { rootCertPath: cert, serverName: 'localhost' }, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
  try {
    assert.deepEqual((await client.listCollections()).data, [])
  } finally {
    await client.closeConnection()
  }
  const exited = once(r.child, 'exit')
  process.kill(r.child.pid!, 'SIGTERM')
  assert.equal(((await exited) as [number | null])[0], 0)
})

test('a bad configuration value exits 2 with one line naming the key, the value and the source', async () => {
  const config = join(dir.path, 'bad.yaml')
  writeFileSync(config, 'proxy:\n  port: 19530\nmetrics:\n  port: lots\n')
  const r = run(['serve', '--config', config])
  const [code] = (await once(r.child, 'exit')) as [number | null]
  assert.equal(code, 2)
  assert.match(r.stderr(), /^quiver: invalid configuration value: expected an integer port in \[0, 65535\].*\[key=metrics\.port\]\[value="lots"\]\[source=.*bad\.yaml\]\n$/)
})
