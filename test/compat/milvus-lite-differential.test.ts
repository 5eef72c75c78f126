// Differential check against Milvus Lite: test/compat/differential/differential.py sends one pymilvus
// MilvusClient request sequence to Milvus Lite and to a `quiver serve` started here, and every step whose
// outcome differs must be listed on purpose in docs/compat.md ("Differences from Milvus Lite").
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { startTestServer } from './server-fixture.ts'

/** Creating the virtualenv and installing milvus-lite + pymilvus (needs PyPI). */
const INSTALL_MS_MAX = 600_000
/** One run of the script (both systems). */
const RUN_MS_MAX = 300_000

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir)
  return dir
}

const root = repoRoot()
const suite = join(root, 'test', 'compat', 'differential')
const venv = join(root, 'tmp', 'milvus-lite-venv')

interface Difference {
  readonly step: string
  readonly lite: unknown
  readonly quiver: unknown
}
interface Report {
  readonly steps: number
  readonly differences: Difference[]
  readonly lite_version: string
  readonly pymilvus_version: string
}

/** QUIVER_LITE_PYTHON, else tmp/milvus-lite-venv (created from requirements.txt when missing). Throws with the reason. */
function pythonWithMilvusLite(): string {
  const override = process.env.QUIVER_LITE_PYTHON ?? ''
  if (override !== '') return override
  const py = join(venv, 'bin', 'python')
  const ready = existsSync(py) && spawnSync(py, ['-c', 'import milvus_lite, pymilvus'], { encoding: 'utf8' }).status === 0
  if (ready) return py
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', venv]],
    [py, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', join(suite, 'requirements.txt')]],
    [py, ['-c', 'import milvus_lite, pymilvus']],
  ]
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: INSTALL_MS_MAX })
    assert.equal(r.status, 0, `milvus-lite cannot run on this machine: ${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`)
  }
  return py
}

/** Runs the script without blocking this process (the server it talks to lives here). */
function runScript(python: string, quiverUrl: string, liteDb: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(python, [join(suite, 'differential.py'), '--quiver', quiverUrl, '--lite-db', liteDb], {
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString()
    })
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_MS_MAX)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
  })
}

/** Step names (in backticks) of the first column of docs/compat.md's "Differences from Milvus Lite" table. */
function documentedSteps(markdown: string): Set<string> {
  const start = markdown.indexOf('## Differences from Milvus Lite')
  assert.ok(start >= 0, 'docs/compat.md has a "## Differences from Milvus Lite" section')
  const rest = markdown.slice(start + 3)
  const end = rest.indexOf('\n## ')
  const section = end < 0 ? rest : rest.slice(0, end)
  const steps = new Set<string>()
  for (const line of section.split('\n')) {
    if (!line.startsWith('|')) continue
    const firstCell = line.split('|')[1] ?? ''
    for (const m of firstCell.matchAll(/`([a-z0-9_]+)`/g)) if (m[1] !== undefined) steps.add(m[1])
  }
  return steps
}

const pythonMissing = spawnSync('python3', ['--version'], { encoding: 'utf8' }).status !== 0 && (process.env.QUIVER_LITE_PYTHON ?? '') === ''
if (pythonMissing) console.log('# Milvus Lite differential skipped: python3 is not installed on this machine')

test('Milvus Lite and Quiver answer the same pymilvus sequence alike, except for the documented differences', { skip: pythonMissing ? 'python3 is not installed' : false }, async () => {
  const python = pythonWithMilvusLite()
  const liteDir = mkdtempSync(join(tmpdir(), 'quiver-milvus-lite-'))
  const env = await startTestServer()
  try {
    const r = await runScript(python, `http://${env.address}`, join(liteDir, 'm.db'))
    assert.equal(r.status, 0, `differential.py failed:\n${r.stderr}`)
    const lastLine = r.stdout.trim().split('\n').at(-1) ?? ''
    const report = JSON.parse(lastLine) as Report
    assert.ok(report.steps >= 40, `the sequence ran (${report.steps} steps)`)
    const documented = documentedSteps(readFileSync(join(root, 'docs', 'compat.md'), 'utf8'))
    const undocumented = report.differences.filter((d) => !documented.has(d.step))
    const detail = undocumented.map((d) => `${d.step}: lite=${JSON.stringify(d.lite)} quiver=${JSON.stringify(d.quiver)}`).join('\n')
    assert.deepEqual(undocumented.map((d) => d.step), [], `differences not listed in docs/compat.md (milvus-lite ${report.lite_version}):\n${detail}`)
    const stale = [...documented].filter((s) => !report.differences.some((d) => d.step === s))
    assert.deepEqual(stale, [], 'rows of the docs table whose difference is gone (remove them)')
  } finally {
    await env.stop()
    rmSync(liteDir, { recursive: true, force: true })
  }
})
