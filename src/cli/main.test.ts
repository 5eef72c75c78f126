// The `quiver` CLI as a user runs it: a child process prints the version, and `inspect` recovers a
// data directory written by the embedded API and reports its collections and segments as JSON.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { DataType, Quiver } from '../index.ts'

const main = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './main.ts' : './main.js', import.meta.url))
const execArgv = main.endsWith('.ts') ? ['--import', 'tsx'] : []
const run = (...args: string[]) => execFileSync(process.execPath, [...execArgv, main, ...args], { encoding: 'utf8', timeout: 60_000 })

test('quiver --version and quiver inspect', async () => {
  assert.match(run('--version'), /^\d+\.\d+\.\d+/)
  const dir = mkdtempSync(join(tmpdir(), 'quiver-cli-'))
  try {
    const client = await Quiver.open(dir)
    await client.createCollection({ collection_name: 'c', dimension: 2 })
    await client.collection('c').upsert([{ id: 1, vector: [1, 2] }, { id: 2, vector: [3, 4] }])
    await client.collection('c').delete([2])
    await client.close()
    const report = JSON.parse(run('inspect', '--data', dir)) as {
      collections: { name: string; liveRows: number; segmentCount: number; deletedFraction: number; segments: { rows: number; deleted: number }[] }[]
    }
    assert.equal(report.collections.length, 1)
    assert.equal(report.collections[0]!.name, 'c')
    assert.equal(report.collections[0]!.liveRows, 1)
    assert.deepEqual(report.collections[0]!.segments.map((s) => [s.rows, s.deleted]), [[2, 1]])
    assert.equal(report.collections[0]!.segmentCount, 1)
    assert.equal(report.collections[0]!.deletedFraction, 0.5)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('quiver inspect refuses a data directory another process has open', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quiver-cli-'))
  const client = await Quiver.open(dir)
  try {
    assert.throws(() => run('inspect', '--data', dir), (e: { stderr?: string }) => String(e.stderr).includes(`in use by process ${process.pid}`))
  } finally {
    await client.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
