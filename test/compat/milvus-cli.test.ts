// The Milvus CLI (PyPI `milvus-cli` 1.2.1, on pymilvus 3.0.2) against a real `quiver serve` on a free
// 127.0.0.1 port: milvus-cli/session.txt is typed into the CLI's own command processor (drive.py runs
// each line as its prompt loop does, prompts answered by the lines after it): connect, create (schema
// file) / list / show / delete collection, partitions, insert from CSV into a collection and a
// partition, create and list an HNSW index, load, query (filter, partition, output fields), search,
// delete entities. Only a machine without python3 skips, saying so.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { hasCommand, INSTALL_MS_MAX, pythonVenv, repoRoot, runChild } from './pymilvus-runner.ts'
import { startTestServer } from './server-fixture.ts'

const RUN_MS_MAX = 180_000
const dir = join(repoRoot(), 'test', 'compat', 'milvus-cli')
const pythonMissing = !hasCommand('python3')
if (pythonMissing) console.log('# milvus-cli suite skipped: python3 is not installed on this machine')

/** The outputs of each command of the session, by its command line (in order, for a repeated command). */
function byCommand(out: string): Map<string, string[]> {
  const sections = new Map<string, string[]>()
  for (const chunk of out.split(/^### /m).slice(1)) {
    const nl = chunk.indexOf('\n')
    const cmd = nl < 0 ? chunk : chunk.slice(0, nl)
    sections.set(cmd, [...(sections.get(cmd) ?? []), nl < 0 ? '' : chunk.slice(nl + 1)])
  }
  return sections
}

test('milvus-cli 1.2.1 drives quiver serve: collections, partitions, CSV insert, index, load, query, search, delete', { skip: pythonMissing ? 'python3 is not installed' : false, timeout: INSTALL_MS_MAX + RUN_MS_MAX + 60_000 }, async () => {
  const python = pythonVenv(join(repoRoot(), 'tmp', 'milvus-cli-venv'), join(dir, 'requirements.txt'), 'import milvus_cli.scripts.milvus_client_cli', process.env.QUIVER_MILVUS_CLI_PYTHON)
  const env = await startTestServer()
  try {
    const r = await runChild(python, [join(dir, 'drive.py'), join(dir, 'session.txt'), env.address], { cwd: dir, env: { ...process.env, HOME: join(repoRoot(), 'tmp') }, timeoutMs: RUN_MS_MAX })
    assert.equal(r.status, 0, r.out)
    const s = byCommand(r.out)
    const out = (cmd: string, i = 0) => {
      const v = s.get(cmd)?.[i]
      assert.ok(v !== undefined, `no output for "${cmd}" #${i} in:\n${r.out}`)
      return v
    }
    assert.match(out('connect -uri http://QUIVER_ADDRESS'.replace('QUIVER_ADDRESS', env.address)), /Connect Milvus successfully/)
    assert.match(out(`create collection --schema-file ${dir}/schema.json`), /Create collection successfully!/)
    assert.match(out('list collections'), /cli_book/)
    const shown = out('show collection -c cli_book')
    assert.match(shown, /Primary Field \| id/)
    assert.match(shown, /vector 101 dim: 4/)
    assert.match(out('create partition -c cli_book -p novels'), /Create partition successfully!/)
    assert.match(out('list partitions -c cli_book'), /\['_default', 'novels'\]/)
    assert.match(out(`insert file -c cli_book ${dir}/books.csv`), /\{'insert_count': 3, 'ids': \[1, 2, 3\]\}/)
    assert.match(out(`insert file -c cli_book -p novels ${dir}/novels.csv`), /\{'insert_count': 1, 'ids': \[10\]\}/)
    assert.match(out('create index'), /Create index successfully!/)
    assert.match(out('list indexes -c cli_book'), /\| vector\s+\| vector\s+\| HNSW\s+\| L2\s+\|/)
    assert.match(out('load collection -c cli_book'), /successfully/)
    assert.match(out('show load_state -c cli_book'), /Loaded/)
    const queries = s.get('query')!
    assert.equal(queries.length, 3)
    assert.deepEqual(cells(queries[0]!), [['1', 'Dune'], ['3', 'Ulysses']], 'filter id in [1, 3], output title')
    assert.deepEqual(cells(queries[1]!), [['10', 'Hamlet']], 'partition novels only')
    // Search nearest to book 3's vector: itself (distance 0), then book 2 (L2 squared 4 × 0.4² = 0.64).
    const hits = [...out('search').matchAll(/^\|\s+(\d+) \|\s+([\d.]+)\s+\| \{'entity': \{'id': \d+, 'title': '(\w+)'\}\}/gm)].map((m) => [m[1], m[2], m[3]])
    assert.deepEqual(hits, [['3', '0', 'Ulysses'], ['2', '0.64', 'Emma']])
    assert.match(out('delete entities -c cli_book'), /\{'delete_count': 1\}/)
    assert.deepEqual(cells(queries[2]!), [['1'], ['3'], ['10']], 'book 2 deleted')
    assert.match(out('release partition -c cli_book -p novels'), /successfully/)
    assert.match(out('delete partition -c cli_book -p novels'), /\['_default'\]/)
    assert.match(out('list partitions -c cli_book', 1), /^\['_default'\]$/m)
    assert.match(out('delete collection -c cli_book -y'), /Drop collection cli_book successfully!/)
    assert.match(out('list collections', 1), /No items found/)
  } finally {
    await env.stop()
  }
})

/** The data rows of a `| a | b |` table (the header row and rules left out). */
function cells(table: string): string[][] {
  const rows = table.split('\n').filter((l) => /^\|.*\|$/.test(l)).map((l) => l.slice(1, -1).split('|').map((c) => c.trim()))
  return rows.slice(1)
}
