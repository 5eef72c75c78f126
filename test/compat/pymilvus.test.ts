// The pymilvus suite (test/compat/pymilvus/, pytest) against a real `quiver serve` started here on a
// free 127.0.0.1 port. pymilvus is pinned in requirements.txt and installed into a virtualenv under
// tmp/ (QUIVER_PYTHON overrides the interpreter); only a machine without Python skips, saying so.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { startTestServer } from './server-fixture.ts'

/** Creating the virtualenv and installing pymilvus (needs PyPI). */
const INSTALL_MS_MAX = 600_000
/** The pytest run. */
const PYTEST_MS_MAX = 300_000

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir)
  return dir
}

const root = repoRoot()
const suite = join(root, 'test', 'compat', 'pymilvus')
const venv = join(root, 'tmp', 'pymilvus-venv')

function hasPython(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { encoding: 'utf8' }).status === 0
}

/** The interpreter with pymilvus: QUIVER_PYTHON, else tmp/pymilvus-venv (created when missing). */
function pythonWithPymilvus(): string {
  if (process.env.QUIVER_PYTHON !== undefined && process.env.QUIVER_PYTHON !== '') return process.env.QUIVER_PYTHON
  const py = join(venv, 'bin', 'python')
  const ready = existsSync(py) && spawnSync(py, ['-c', 'import pymilvus, pytest'], { encoding: 'utf8' }).status === 0
  if (ready) return py
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', venv]],
    [py, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', join(suite, 'requirements.txt')]],
  ]
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: INSTALL_MS_MAX })
    assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`)
  }
  return py
}

/** Runs pytest asynchronously (this process keeps serving meanwhile); resolves with its exit code and output. */
function pytest(python: string, address: string): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', suite], {
      env: { ...process.env, QUIVER_ADDRESS: address, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    const append = (b: Buffer) => {
      out += b.toString()
    }
    child.stdout.on('data', append)
    child.stderr.on('data', append)
    const timer = setTimeout(() => child.kill('SIGKILL'), PYTEST_MS_MAX)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, out })
    })
  })
}

const pythonMissing = !hasPython('python3') && (process.env.QUIVER_PYTHON ?? '') === ''
if (pythonMissing) console.log('# pymilvus suite skipped: python3 is not installed on this machine')

test('pymilvus (pytest) against quiver serve', { skip: pythonMissing ? 'python3 is not installed' : false }, async () => {
  const python = pythonWithPymilvus()
  const env = await startTestServer()
  try {
    const r = await pytest(python, env.address)
    assert.equal(r.status, 0, `pytest failed:\n${r.out}`)
    assert.match(r.out, /\d+ passed/)
  } finally {
    await env.stop()
  }
})
