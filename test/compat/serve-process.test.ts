// `quiver serve` as a user runs it: a child process on a free 127.0.0.1 port, used by the official
// Node SDK, stopped by pid with SIGTERM (it exits 0 after a clean shutdown), restarted on the same
// data directory and port: the same SDK client reconnects and finds every acknowledged row.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { after, test } from 'node:test'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DataType, ErrorCode, MilvusClient } from '@zilliz/milvus2-sdk-node'
import { tempDir } from '../support/temp-db.ts'
import { SDK_TIMEOUT_MS, vectors } from './server-fixture.ts'

const isTs = import.meta.url.endsWith('.ts')
const main = fileURLToPath(new URL(isTs ? '../../src/cli/main.ts' : '../../src/cli/main.js', import.meta.url))
const execArgv = isTs ? ['--import', 'tsx'] : []
/** How long a child may take to print its address. */
const STARTUP_MS_MAX = 60_000

async function freePort(): Promise<number> {
  const srv = createServer()
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const port = (srv.address() as { port: number }).port
  srv.close()
  await once(srv, 'close')
  return port
}

interface Served {
  readonly child: ChildProcess
  readonly address: string
  readonly stdout: () => string
  readonly stderr: () => string
}

/** Starts `quiver serve` and resolves once it printed where it listens. */
function serve(port: number, dataDir: string): Promise<Served> {
  const child = spawn(process.execPath, [...execArgv, main, 'serve', '--port', String(port), '--metrics-port', '0', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString()
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`quiver serve did not start within ${STARTUP_MS_MAX} ms: ${err}`))
    }, STARTUP_MS_MAX)
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /serving Milvus gRPC and REST v2 on (\S+)/.exec(out)
      if (m !== null && out.includes('data directory:')) {
        clearTimeout(timer)
        resolve({ child, address: m[1]!, stdout: () => out, stderr: () => err })
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`quiver serve exited with ${code} before starting: ${err}`))
    })
  })
}

/** SIGTERM by pid; resolves with the exit code. */
async function stop(s: Served): Promise<number | null> {
  const exited = once(s.child, 'exit')
  process.kill(s.child.pid!, 'SIGTERM')
  const [code] = (await exited) as [number | null]
  return code
}

const dir = tempDir('quiver-serve-')
const started: Served[] = []
after(() => {
  for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL')
  dir.cleanup()
})

test('quiver serve: SIGTERM stops it cleanly; a restart keeps the data and the client reconnects', async () => {
  const port = await freePort()
  const first = await serve(port, dir.path)
  started.push(first)
  assert.equal(first.address, `127.0.0.1:${port}`)
  assert.match(first.stdout(), new RegExp(`data directory: ${dir.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
  // Authorization off (the default): the users document is not opened at start.
  assert.equal(existsSync(join(dir.path, 'rbac.json')), false)
  const c = new MilvusClient({ address: first.address, timeout: SDK_TIMEOUT_MS, logLevel: 'error' })
  try {
    await c.createCollection({
      collection_name: 'kept',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vec', data_type: DataType.FloatVector, dim: 4 },
      ],
    })
    const rows = vectors(5, 200, 4).map((vec, id) => ({ id, vec }))
    const ins = await c.insert({ collection_name: 'kept', data: rows })
    assert.equal(ins.insert_cnt, '200')
    await c.delete({ collection_name: 'kept', ids: [0] })

    assert.equal(await stop(first), 0)
    assert.match(first.stderr(), /stopped cleanly/)
    assert.equal(`${first.stdout()}${first.stderr()}`.includes('default password'), false, 'no default-password warning with authorization off')

    const second = await serve(port, dir.path)
    started.push(second)
    const count = await c.count({ collection_name: 'kept' })
    assert.equal(count.status.error_code, ErrorCode.SUCCESS)
    assert.equal(count.data, 199)
    const hit = await c.search({ collection_name: 'kept', data: rows[7]!.vec, limit: 1, metric_type: 'L2' })
    assert.equal(hit.results[0]!.id, '7')
    assert.equal(await stop(second), 0)
  } finally {
    await c.closeConnection()
  }
})
