// The README's code blocks run as pasted: the TypeScript blocks through the package's own name
// (`quiverdb` resolves to the built dist/ by self-reference) with tsx, the Python block with pymilvus,
// the curl block with bash — each against a real server on a free 127.0.0.1 port, the only rewrite
// being 19530 → that port. The quick start stays exactly two command lines.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { hasCommand, pythonVenv, repoRoot, runChild } from './compat/pymilvus-runner.ts'
import { startTestServer, type TestServer } from './compat/server-fixture.ts'

const root = repoRoot()
const RUN_MS_MAX = 120_000
const blocks = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, code: m[2]! }))
const tsx = import.meta.resolve('tsx')
let server: TestServer
/** The README's snippets import `quiverdb`: they must sit inside the package to resolve it by self-reference. */
const scratch = join(root, 'tmp', 'readme')

before(async () => {
  server = await startTestServer()
  mkdirSync(scratch, { recursive: true })
})
after(async () => {
  await server.stop()
})

const port = () => server.address.split(':')[1]!
const onTestPort = (code: string) => code.replaceAll('19530', port())

async function runTs(name: string, code: string, cwd: string) {
  const file = join(scratch, `${name}.mts`)
  writeFileSync(file, code)
  return runChild(process.execPath, ['--import', tsx, file], { cwd, env: process.env, timeoutMs: RUN_MS_MAX })
}

test('the quick start is two command lines: npm ci && npm start, npm ci && npm test', () => {
  const lines = blocks[0]!.code.trim().split('\n').map((l) => l.replace(/\s+#.*$/, ''))
  assert.equal(blocks[0]!.lang, 'sh')
  assert.deepEqual(lines, ['npm ci && npm start', 'npm ci && npm test'])
})

test('the embedded TypeScript block runs as pasted (in an empty working directory)', async () => {
  assert.ok(existsSync(join(root, 'dist', 'src', 'index.js')), 'dist/ is built (npm run build) before this test')
  const block = blocks.find((b) => b.lang === 'ts' && b.code.includes("from 'quiverdb'"))
  assert.ok(block !== undefined)
  const cwd = mkdtempSync(join(tmpdir(), 'quiver-readme-'))
  try {
    const r = await runTs('embedded', block.code, cwd)
    assert.equal(r.status, 0, r.out)
    assert.match(r.out, /book_name: 'Dune'/)
    assert.match(r.out, /1100 .*book_intro/)
    assert.ok(existsSync(join(cwd, 'quiver-data', 'wal')), 'the data directory is ./quiver-data')
  } finally {
    rmSync(cwd, { recursive: true, force: true })
  }
})

test('the Node SDK block runs against the server', async () => {
  const block = blocks.find((b) => b.lang === 'ts' && b.code.includes('@zilliz/milvus2-sdk-node'))
  assert.ok(block !== undefined)
  const r = await runTs('node-sdk', onTestPort(block.code), root)
  assert.equal(r.status, 0, r.out)
  assert.match(r.out, /isHealthy: true/)
})

const pythonMissing = !hasCommand('python3')
test('the pymilvus block runs against the server', { skip: pythonMissing ? 'python3 is not installed' : false, timeout: 900_000 + RUN_MS_MAX }, async () => {
  const block = blocks.find((b) => b.lang === 'python')
  assert.ok(block !== undefined)
  // Its own venv: the pymilvus suite may be creating tmp/pymilvus-venv at the same time.
  const py = pythonVenv(join(root, 'tmp', 'readme-venv'), join(root, 'test', 'compat', 'pymilvus', 'requirements.txt'), 'import pymilvus', process.env.QUIVER_PYTHON)
  const file = join(scratch, 'readme_pymilvus.py')
  writeFileSync(file, `${onTestPort(block.code)}\nassert client.has_collection("book")\nprint(client.describe_collection("book")["fields"][1]["params"])\n`)
  const r = await runChild(py, [file], { env: process.env, timeoutMs: RUN_MS_MAX })
  assert.equal(r.status, 0, r.out)
  assert.match(r.out, /'dim': 8/)
})

test('the curl block runs against the server and answers what its comment shows', { skip: hasCommand('curl') ? false : 'curl is not installed' }, async () => {
  const block = blocks.find((b) => b.lang === 'sh' && b.code.includes('curl'))
  assert.ok(block !== undefined)
  const r = await runChild('bash', ['-euo', 'pipefail', '-c', onTestPort(block.code)], { env: process.env, timeoutMs: RUN_MS_MAX })
  assert.equal(r.status, 0, r.out)
  const answers = r.out.replaceAll('}{', '}\n{').trim().split('\n').map((l) => JSON.parse(l) as { code: number; data?: unknown })
  assert.deepEqual(answers.map((a) => a.code), [0, 0, 0])
  const shown = JSON.parse(/^# (\{.*\})/m.exec(block.code)![1]!) as { data: { id: string; title: string; distance: number }[] }
  assert.deepEqual(answers[2]!.data, shown.data)
})
