// `quiver serve` with authorization on, as a user runs it (a child process, stopped by pid): it
// prints one warning line while root's password is the default, creates a new data directory 0700
// and its files 0600, and a password change rewrites an rbac.json an older version left 0644 as 0600.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { DEFAULT_ROOT_PASSWORD_WARNING } from '../../src/auth/default-root-password.ts'
import { tempDir } from '../support/temp-db.ts'

const isTs = import.meta.url.endsWith('.ts')
const main = fileURLToPath(new URL(isTs ? '../../src/cli/main.ts' : '../../src/cli/main.js', import.meta.url))
const execArgv = isTs ? ['--import', 'tsx'] : []
/** How long the child may take to print its address and the warning. */
const STARTUP_MS_MAX = 60_000
const posix = process.platform !== 'win32'

const dir = tempDir('quiver-serve-security-')
let child: ChildProcess | undefined
after(() => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  dir.cleanup()
})

/** Starts `quiver serve` with authorization on; resolves with its port once the warning was printed. */
function serveWithAuth(dataDir: string): Promise<{ port: number; output: () => string }> {
  child = spawn(process.execPath, [...execArgv, main, 'serve', '--port', '0', '--metrics-port', '0', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, QUIVER_COMMON_SECURITY_AUTHORIZATIONENABLED: 'true', QUIVER_LOG_FORMAT: 'json' },
  })
  let out = ''
  const c = child
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address and warning within ${STARTUP_MS_MAX} ms: ${out}`)), STARTUP_MS_MAX)
    const onData = (b: Buffer) => {
      out += b.toString()
      const m = /serving Milvus gRPC and REST v2 on [^:\s]+:(\d+)/.exec(out)
      if (m !== null && out.includes('default password')) {
        clearTimeout(timer)
        resolve({ port: Number(m[1]), output: () => out })
      }
    }
    c.stdout!.on('data', onData)
    c.stderr!.on('data', onData)
    c.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`quiver serve exited with ${code}: ${out}`))
    })
  })
}

const modeOf = (p: string) => statSync(p).mode & 0o777

function everyEntry(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).map((name) => join(root, name))
}

test('default-password warning, private data directory, rbac.json rewritten 0600', { skip: !posix }, async () => {
  const dataDir = join(dir.path, 'new', 'data')
  const { port, output } = await serveWithAuth(dataDir)
  const warnings = output().split('\n').filter((line) => line.includes('default password'))
  assert.equal(warnings.length, 1, output())
  const line = JSON.parse(warnings[0]!) as { level: number; msg: string }
  assert.deepEqual({ level: line.level, msg: line.msg }, { level: 40, msg: DEFAULT_ROOT_PASSWORD_WARNING }, 'a pino warning')

  assert.equal(modeOf(join(dir.path, 'new')), 0o700)
  assert.equal(modeOf(dataDir), 0o700)
  assert.equal(modeOf(join(dataDir, 'rbac.json')), 0o600)
  for (const p of everyEntry(dataDir)) assert.equal(modeOf(p) & 0o077, 0, `${p} is private`)

  chmodSync(join(dataDir, 'rbac.json'), 0o644) // as an older version left it
  const res = await fetch(`http://127.0.0.1:${port}/v2/vectordb/users/update_password`, {
    method: 'POST',
    headers: { Authorization: 'Bearer root:Milvus' },
    body: JSON.stringify({ userName: 'root', password: 'Milvus', newPassword: 'a-long-secret' }),
  })
  assert.equal(((await res.json()) as { code: number }).code, 0)
  assert.equal(modeOf(join(dataDir, 'rbac.json')), 0o600)

  const exited = once(child!, 'exit')
  process.kill(child!.pid!, 'SIGTERM')
  assert.deepEqual((await exited)[0], 0)
})
