// The pymilvus suite (test/compat/pymilvus/, pytest) against a real `quiver serve` started here on a
// free 127.0.0.1 port, once per pinned pymilvus (2.5.x: requirements.txt, 2.6.x: requirements-2.6.txt,
// 3.0.x: requirements-3.0.txt),
// each in its own virtualenv under tmp/. Only a machine without Python skips, saying so.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { hasCommand, INSTALL_MS_MAX, pythonVenv, repoRoot, runChild } from './pymilvus-runner.ts'
import { startTestServer } from './server-fixture.ts'

/** One pytest run. */
const PYTEST_MS_MAX = 300_000

const root = repoRoot()
const suite = join(root, 'test', 'compat', 'pymilvus')

/** Each pinned pymilvus: its requirements file, its virtualenv, and the env var naming an interpreter instead. */
const pins = [
  { version: '2.5', requirements: 'requirements.txt', venv: 'pymilvus-venv', override: 'QUIVER_PYTHON' },
  { version: '2.6', requirements: 'requirements-2.6.txt', venv: 'pymilvus26-venv', override: 'QUIVER_PYTHON_26' },
  { version: '3.0', requirements: 'requirements-3.0.txt', venv: 'pymilvus30-venv', override: 'QUIVER_PYTHON_30' },
] as const

const pythonMissing = !hasCommand('python3')
if (pythonMissing) console.log('# pymilvus suite skipped: python3 is not installed on this machine')

for (const pin of pins) {
  const skip = pythonMissing && (process.env[pin.override] ?? '') === ''
  test(`pymilvus ${pin.version}.x (pytest) against quiver serve`, { skip: skip ? 'python3 is not installed' : false, timeout: INSTALL_MS_MAX + PYTEST_MS_MAX }, async () => {
    const python = pythonVenv(join(root, 'tmp', pin.venv), join(suite, pin.requirements), 'import pymilvus, pytest', process.env[pin.override])
    const version = await runChild(python, ['-c', 'import pymilvus; print(pymilvus.__version__)'], { env: process.env, timeoutMs: 60_000 })
    assert.match(version.out, new RegExp(`^${pin.version.replace('.', '\\.')}\\.`), `expected pymilvus ${pin.version}.x, got ${version.out}`)
    const env = await startTestServer()
    try {
      const r = await runChild(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', suite], {
        env: { ...process.env, QUIVER_ADDRESS: env.address, PYTHONDONTWRITEBYTECODE: '1' },
        timeoutMs: PYTEST_MS_MAX,
      })
      assert.equal(r.status, 0, `pytest failed:\n${r.out}`)
      assert.match(r.out, /\d+ passed/)
    } finally {
      await env.stop()
    }
  })
}
