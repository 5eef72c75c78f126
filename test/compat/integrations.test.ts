// LangChain (langchain-milvus) and LlamaIndex (llama-index-vector-stores-milvus) vector stores
// (test/compat/integrations/, pytest, pinned in requirements.txt, own virtualenv under tmp/) against a
// real `quiver serve` on a free 127.0.0.1 port. Only a machine without Python skips, saying so.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { hasCommand, INSTALL_MS_MAX, pythonVenv, repoRoot, runChild } from './pymilvus-runner.ts'
import { startTestServer } from './server-fixture.ts'

/** The pytest run. */
const PYTEST_MS_MAX = 300_000

const root = repoRoot()
const suite = join(root, 'test', 'compat', 'integrations')

const pythonMissing = !hasCommand('python3') && (process.env.QUIVER_PYTHON_INTEGRATIONS ?? '') === ''
if (pythonMissing) console.log('# LangChain/LlamaIndex suite skipped: python3 is not installed on this machine')

test('LangChain and LlamaIndex Milvus stores (pytest) against quiver serve', { skip: pythonMissing ? 'python3 is not installed' : false, timeout: INSTALL_MS_MAX + PYTEST_MS_MAX }, async () => {
  const probe = 'import langchain_milvus, llama_index.vector_stores.milvus, pytest'
  const python = pythonVenv(join(root, 'tmp', 'integrations-venv'), join(suite, 'requirements.txt'), probe, process.env.QUIVER_PYTHON_INTEGRATIONS)
  const env = await startTestServer()
  try {
    const r = await runChild(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', suite], {
      env: { ...process.env, QUIVER_ADDRESS: env.address, PYTHONDONTWRITEBYTECODE: '1' },
      timeoutMs: PYTEST_MS_MAX,
    })
    assert.equal(r.status, 0, `pytest failed:\n${r.out}`)
    assert.match(r.out, /\d+ passed/)
    assert.doesNotMatch(r.out, /\d+ skipped/)
  } finally {
    await env.stop()
  }
})
