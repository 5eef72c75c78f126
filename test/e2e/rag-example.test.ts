// The RAG example (examples/rag-hybrid.ts) runs end to end as its own process: a collection with a
// dense vector and a BM25 function, hybrid search (dense + BM25, RRF), the context put into a prompt.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { tempDir } from '../support/temp-db.ts'

const run = promisify(execFile)

test('examples/rag-hybrid.ts retrieves the BM25 passage first and builds the prompt', async () => {
  const dir = tempDir('quiver-rag-')
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/rag-hybrid.ts', 'How does BM25 full-text search rank documents?'], {
      env: { ...process.env, QUIVER_DATA: `${dir.path}/data` },
      timeout: 50_000,
    })
    const [first, ...prompt] = stdout.trim().split('\n')
    const summary = JSON.parse(first!) as { bm25: string[]; hybrid: { id: string; score: number }[] }
    assert.equal(summary.bm25[0], '3', 'the passage about BM25 ranking is the best keyword match')
    assert.equal(summary.hybrid.length, 3)
    assert.equal(summary.hybrid[0]!.id, '3', 'and the best fused match')
    for (let i = 1; i < 3; i++) assert.ok(summary.hybrid[i - 1]!.score >= summary.hybrid[i]!.score)
    assert.match(prompt.join('\n'), /\[1\] Full-text search ranks documents by BM25/)
    assert.match(prompt.at(-1)!, /^Question: How does BM25/)
  } finally {
    dir.cleanup()
  }
})
