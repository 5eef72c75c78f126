// What a first run trips over, as a user sees it: `quiver serve` on a port already taken (gRPC or
// metrics) or on a data directory it cannot use prints one line naming the port or the path and
// exits 2, never a stack trace nor an endless loop; `quiver inspect` refuses what is not a Quiver
// data directory and changes nothing in one that is.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Quiver } from '../index.ts'
import { FaultFileStore } from '../storage/fault-file-store.ts'
import { LocalFileStore } from '../storage/local-file-store.ts'
import { freePort } from '../../test/support/serve-child.ts'

const main = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './main.ts' : './main.js', import.meta.url))
// tsx by its absolute URL: some runs start in another working directory.
const execArgv = main.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : []
/** Far above a start (~1 s), far below "endless". */
const RUN_MS_MAX = 45_000

const root = mkdtempSync(join(tmpdir(), 'quiver-first-run-'))
chmodSync(root, 0o755)
after(() => rmSync(root, { recursive: true, force: true }))

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the CLI to its end (killed by pid after RUN_MS_MAX: a hang fails the test with code null). */
async function quiver(args: string[], options: { cwd?: string; uid?: number } = {}): Promise<Run> {
  const child = spawn(process.execPath, [...execArgv, main, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid, env: { ...process.env, HOME: root } }),
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  const timer = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), RUN_MS_MAX)
  const [code] = (await once(child, 'close')) as [number | null]
  clearTimeout(timer)
  return { code, stdout, stderr }
}

/** Exit 2 and exactly one stderr line starting `quiver:` that contains every `parts`. */
function assertOneLine(run: Run, ...parts: string[]): void {
  assert.equal(run.code, 2, `exit code (stderr: ${run.stderr})`)
  const lines = run.stderr.trimEnd().split('\n')
  assert.equal(lines.length, 1, `one line, got:\n${run.stderr}`)
  assert.match(lines[0]!, /^quiver: /)
  for (const p of parts) assert.ok(lines[0]!.includes(p), `${JSON.stringify(p)} in ${lines[0]}`)
  assert.doesNotMatch(run.stderr, /\n\s+at /)
}

async function serve(dataDir: string, port: number, metricsPort: number, options: { cwd?: string; uid?: number } = {}): Promise<Run> {
  return quiver(['serve', '--host', '127.0.0.1', '--port', String(port), '--metrics-port', String(metricsPort), '--data', dataDir], options)
}

test('quiver serve on a gRPC or metrics port in use: one line naming the port and the flag, exit 2', async () => {
  const taken = createServer().listen(0, '127.0.0.1')
  await once(taken, 'listening')
  const port = (taken.address() as { port: number }).port
  try {
    const dir = join(root, 'ports')
    assertOneLine(await serve(dir, port, await freePort()), `gRPC and REST port ${port} on 127.0.0.1 is already in use`, '--port')
    assertOneLine(await serve(dir, await freePort(), port), `metrics port ${port} on 127.0.0.1 is already in use`, '--metrics-port')
    // The directory it opened was closed again: its lock is gone, a later start owns it.
    assert.deepEqual(readdirSync(dir).filter((n) => n === 'LOCK'), [])
  } finally {
    taken.close()
  }
})

test('quiver serve on a data directory it cannot use: one line naming the path, exit 2, no endless loop', async () => {
  const file = join(root, 'a-file')
  writeFileSync(file, 'not a directory')
  const [port, metricsPort] = [await freePort(), await freePort()]
  assertOneLine(await serve('/proc/quiver-data', port, metricsPort), `data directory '/proc/quiver-data' cannot be created`)
  assertOneLine(await serve(file, port, metricsPort), `data directory '${file}' is not a directory`)
  assertOneLine(await serve(join(file, 'below'), port, metricsPort), `data directory '${join(file, 'below')}' is not a directory`)
})

/**
 * As root every directory is writable, so the no-permission case runs the CLI as `nobody` (uid 65534),
 * which must be able to read the code: not so when the checkout sits under a private directory.
 */
function permissionRun(): { uid?: number } | string {
  if (process.getuid?.() !== 0) return {}
  const probe = spawnSync(process.execPath, [...execArgv, '-e', `require('node:fs').accessSync(${JSON.stringify(main)})`], { uid: 65534, gid: 65534, cwd: tmpdir(), encoding: 'utf8' })
  return probe.status === 0 ? { uid: 65534 } : `running as root and user nobody cannot read ${main}`
}
const asUser = permissionRun()

test('quiver serve on a data directory without write permission: one line naming the path', { skip: typeof asUser === 'string' ? asUser : false }, async () => {
  const user = asUser as { uid?: number }
  const [port, metricsPort] = [await freePort(), await freePort()]
  const locked = join(root, 'locked')
  mkdirSync(locked, { mode: 0o555 })
  chmodSync(locked, 0o555)
  assertOneLine(await serve(join(locked, 'data'), port, metricsPort, user), `data directory '${join(locked, 'data')}'`, 'permission denied')
  // `.` names the absolute path.
  assertOneLine(await serve('.', port, metricsPort, { cwd: locked, ...user }), `data directory '${locked}' is not writable`)
})

/** Every file under `dir` with its SHA-256 (and every directory), to prove nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name)
    out[name] = statSync(p).isDirectory() ? 'dir' : createHash('sha256').update(readFileSync(p)).digest('hex')
  }
  return out
}

test('quiver inspect refuses what is not a Quiver data directory and creates nothing', async () => {
  const missing = join(root, 'missing')
  assertOneLine(await quiver(['inspect', '--data', missing]), `'${missing}' is not a Quiver data directory`, 'does not exist')
  assert.throws(() => statSync(missing), /ENOENT/)
  const plain = join(root, 'plain')
  mkdirSync(plain)
  writeFileSync(join(plain, 'notes.txt'), 'hello')
  assertOneLine(await quiver(['inspect', '--data', plain]), `'${plain}' is not a Quiver data directory`, 'no manifest.json or wal/')
  assert.deepEqual(readdirSync(plain), ['notes.txt'])
})

test('quiver inspect is read-only: a directory left with unflushed WAL records is byte for byte the same after', async () => {
  const dir = join(root, 'wal-only')
  const store = new FaultFileStore(new LocalFileStore(dir))
  const client = await Quiver.open({ path: dir, fileStore: store })
  await client.createCollection({ collection_name: 'c', dimension: 2 })
  await client.collection('c').upsert([{ id: 1, vector: [1, 2] }, { id: 2, vector: [3, 4] }, { id: 3, vector: [5, 6] }])
  await client.collection('c').delete([3])
  // The process dies (nothing more reaches the disk, no closing checkpoint): the rows are only in the WAL.
  await store.kill()
  await client.close()
  const before = snapshot(dir)
  const run = await quiver(['inspect', '--data', dir])
  assert.equal(run.code, 0, run.stderr)
  const report = JSON.parse(run.stdout) as { collections: { name: string; liveRows: number }[] }
  assert.deepEqual(report.collections.map((c) => [c.name, c.liveRows]), [['c', 2]])
  assert.deepEqual(snapshot(dir), before)
  assert.ok(!('manifest.json' in before), 'the recovery inspect ran would have written a manifest')
})
