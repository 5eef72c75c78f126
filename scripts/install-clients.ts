// Installs the client toolchains the compatibility suites use — the Python venvs (pymilvus 2.5/2.6/3.0,
// LangChain/LlamaIndex, milvus-cli, Milvus Lite, the README's pymilvus block) and the Go SDK modules —
// before `npm test`, so no test's timeout is spent on pip or the module proxy (.ci/run runs it; tests
// still install what is missing). Each venv is made exactly as its test makes it (`pythonVenv`: same
// path, requirements and probe, so the test finds it ready). A failure is printed and left to the test
// to report; this script always exits 0. Run: `npx tsx scripts/install-clients.ts`.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { pythonVenv } from '../test/compat/pymilvus-runner.ts'

const root = join(import.meta.dirname, '..')
const compat = join(root, 'test', 'compat')
const tmp = join(root, 'tmp')

const venvs: { venv: string; requirements: string; probe: string }[] = [
  { venv: 'pymilvus-venv', requirements: 'pymilvus/requirements.txt', probe: 'import pymilvus, pytest' },
  { venv: 'pymilvus26-venv', requirements: 'pymilvus/requirements-2.6.txt', probe: 'import pymilvus, pytest' },
  { venv: 'pymilvus30-venv', requirements: 'pymilvus/requirements-3.0.txt', probe: 'import pymilvus, pytest' },
  { venv: 'integrations-venv', requirements: 'integrations/requirements.txt', probe: 'import langchain_milvus, llama_index.vector_stores.milvus, pytest' },
  { venv: 'milvus-cli-venv', requirements: 'milvus-cli/requirements.txt', probe: 'import milvus_cli.scripts.milvus_client_cli' },
  { venv: 'readme-venv', requirements: 'pymilvus/requirements.txt', probe: 'import pymilvus' },
  { venv: 'milvus-lite-venv', requirements: 'differential/requirements.txt', probe: 'import milvus_lite, pymilvus' },
]

function timed(what: string, run: () => void): void {
  const startMs = Date.now()
  try {
    run()
    console.log(`install-clients: ${what} ready (${((Date.now() - startMs) / 1000).toFixed(0)} s)`)
  } catch (e) {
    console.log(`install-clients: ${what} not installed, its test will try again: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`)
  }
}

if (spawnSync('python3', ['--version']).status === 0) {
  for (const v of venvs) timed(v.venv, () => pythonVenv(join(tmp, v.venv), join(compat, v.requirements), v.probe))
} else {
  console.log('install-clients: python3 is not installed; the Python suites will skip')
}

if (spawnSync('go', ['version']).status === 0) {
  for (const dir of ['go', 'go-legacy']) {
    timed(`Go modules of test/compat/${dir}`, () => {
      const r = spawnSync('go', ['mod', 'download'], { cwd: join(compat, dir), env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' }, encoding: 'utf8', timeout: 600_000 })
      if (r.status !== 0) throw new Error(`go mod download failed: ${r.stderr}`)
    })
  }
} else {
  console.log('install-clients: go is not installed; the Go suites will skip')
}
