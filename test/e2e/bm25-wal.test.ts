// A BM25 function's output is not logged: the WAL record of an insert or upsert holds the input text,
// and whoever applies the record without the writer's output (WAL replay after a crash, a read
// replica) computes the same sparse rows from it. Checked on a crash-consistent copy of the data
// directory (taken while the database runs, nothing checkpointed): replay gives the same rows and the
// same BM25 results, for the standard analyzer (WebAssembly, on the writer's thread while the record
// syncs) and for a large column of a JavaScript analyzer (the worker pool, before the record).
import assert from 'node:assert/strict'
import { cpSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import type { ColumnBatch, SparseRow } from '../../src/column/column.ts'
import { withInlineFunctionOutputs } from '../../src/engine/bm25-write.ts'
import { decodeCommand } from '../../src/engine/wal-record.ts'
import { DataType, Quiver } from '../../src/index.ts'
import { LocalFileStore } from '../../src/storage/local-file-store.ts'
import { Wal } from '../../src/wal/wal.ts'
import { openTemp, rng, tempDir } from '../support/temp-db.ts'

const words = ['river', 'stone', 'lantern', 'orbit', 'meadow', 'signal', 'harbor', 'ember', 'quartz', 'willow', 'Running', 'runs']

function texts(seed: number, n: number, wordsPerRow: number): string[] {
  const next = rng(seed)
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(next() * wordsPerRow) }, () => words[Math.floor(next() * words.length)]).join(' '))
}

async function create(c: Quiver, name: string, analyzer: Record<string, unknown>): Promise<void> {
  const st = await c.createCollection({
    collection_name: name,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'text', data_type: DataType.VarChar, max_length: 60000, enable_analyzer: true, analyzer_params: analyzer },
      { name: 'sparse', data_type: DataType.SparseFloatVector },
    ],
    functions: [{ name: 'bm25', type: 1, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
  })
  assert.equal(st.code, 0, st.reason)
}

const queries = ['river stone', 'lantern', 'orbit meadow signal', 'runs running', 'harbor harbor ember']

async function answers(c: Quiver, name: string): Promise<[string, number][][]> {
  const out: [string, number][][] = []
  for (const q of queries) {
    const res = await c.search({ collection_name: name, data: [q], anns_field: 'sparse', limit: 8, output_fields: [] })
    assert.equal(res.status.code, 0, res.status.reason)
    out.push((res.results as { id: string; score: number }[]).map((h) => [h.id, h.score]))
  }
  return out
}

function sparseRows(c: Quiver, name: string): [number[], number[]][] {
  const rows: [number[], number[]][] = []
  for (const seg of c.database.state.collection(name).segmentsOf()) {
    const values = seg.fields.get('sparse')!.view().values as SparseRow[]
    for (let r = 0; r < seg.rowCount; r++) rows.push([[...values[r]!.indices], [...values[r]!.values]])
  }
  return rows
}

test('BM25 outputs are not in the WAL; replay computes the same rows and results', async () => {
  const env = await openTemp({ autoCompaction: false })
  const copy = tempDir()
  try {
    const c = env.client
    await create(c, 'plain', { type: 'standard' })
    // The english analyzer (stemmer, stop words) runs in JavaScript; a column over 128 KiB goes to the pool.
    await create(c, 'stemmed', { type: 'english' })
    const small = texts(1, 300, 12)
    assert.equal((await c.collection('plain').insert(small.map((text, id) => ({ id, text })))).insertCount, 300)
    assert.equal((await c.collection('plain').upsert([{ id: 7, text: 'quartz willow quartz' }, { id: 300, text: 'ember' }])).upsertCount, 2)
    const large = texts(2, 2_000, 200)
    assert.ok(large.reduce((n, t) => n + t.length, 0) > 128 * 1024)
    await c.collection('stemmed').insert({ id: BigInt64Array.from(large, (_, i) => BigInt(i)), text: large })
    const want = { plain: await answers(c, 'plain'), stemmed: await answers(c, 'stemmed') }
    assert.ok(want.plain.every((hits) => hits.length > 0) && want.stemmed.every((hits) => hits.length > 0))
    const rows = { plain: sparseRows(c, 'plain'), stemmed: sparseRows(c, 'stemmed') }

    // What the log holds: every insert and upsert without its output column, with its text.
    const walFiles = readdirSync(join(env.path, 'wal'))
    assert.ok(walFiles.length > 0)
    cpSync(env.path, copy.path, { recursive: true })
    const { wal, records } = await Wal.open(new LocalFileStore(copy.path), 'wal', { log: () => undefined })
    await wal.close()
    const writes = records.map((r) => decodeCommand(r.payload)).filter((cmd) => cmd.type === 'insert' || cmd.type === 'upsert')
    assert.equal(writes.length, 3)
    for (const cmd of writes) {
      const batch = (cmd as { batch: ColumnBatch }).batch
      assert.ok(batch.columns.has('text'))
      assert.equal(batch.columns.has('sparse'), false, 'the output is not logged')
    }

    // Replay of that copy (a crash right now): the same rows, the same answers.
    const replayed = await Quiver.open({ path: copy.path, autoCompaction: false })
    try {
      assert.deepEqual(sparseRows(replayed, 'plain'), rows.plain)
      assert.deepEqual(sparseRows(replayed, 'stemmed'), rows.stemmed)
      assert.deepEqual(await answers(replayed, 'plain'), want.plain)
      assert.deepEqual(await answers(replayed, 'stemmed'), want.stemmed)
    } finally {
      await replayed.close()
    }
  } finally {
    copy.cleanup()
    await env.cleanup()
  }
})

test('a record that holds its output (written before outputs were unlogged) is applied as logged', () => {
  const batch: ColumnBatch = {
    rowCount: 1,
    columns: new Map([
      ['id', { kind: 'int64', values: BigInt64Array.of(1n), validBits: null }],
      ['text', { kind: 'varchar', values: ['river'], validBits: null }],
      ['sparse', { kind: 'sparseVector', values: [{ indices: Uint32Array.of(5), values: Float32Array.of(9) }], validBits: null }],
    ]),
  }
  const schema = {
    name: 'c',
    fields: [
      { name: 'id', dataType: DataType.Int64, isPrimaryKey: true },
      { name: 'text', dataType: DataType.VarChar, maxLength: 10, enableAnalyzer: true },
      { name: 'sparse', dataType: DataType.SparseFloatVector, isFunctionOutput: true },
    ],
    functions: [{ name: 'bm25', type: 1, inputFieldNames: ['text'], outputFieldNames: ['sparse'] }],
  }
  assert.equal(withInlineFunctionOutputs(schema as never, batch), batch, 'its own output column kept, nothing computed')
  const computed = withInlineFunctionOutputs(schema as never, { rowCount: 1, columns: new Map([...batch.columns].filter(([k]) => k !== 'sparse')) })
  const row = (computed.columns.get('sparse')!.values as SparseRow[])[0]!
  assert.equal(row.indices.length, 1)
  assert.notEqual(row.indices[0], 5)
  assert.deepEqual([...computed.columns.keys()], ['id', 'text', 'sparse'])
})
