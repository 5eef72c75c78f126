// The one-file apache-arrow build Quiver loads writes and reads the same IPC files as the package's
// ES-module build (what users and tools import): a table written by either is read by the other with
// the same schema metadata and values (callers' tables are read by shape: column/read-arrow-table.test.ts).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as esm from 'apache-arrow'
import { arrow } from './arrow.ts'

function sample(a: typeof esm) {
  const ids = a.makeVector(BigInt64Array.from([1n, 2n, 3n]))
  const vec = a.makeData({ type: new a.FixedSizeList(2, new a.Field('item', new a.Float32(), false)), length: 3, nullCount: 0, child: a.makeData({ type: new a.Float32(), length: 6, data: Float32Array.from([1, 2, 3, 4, 5, 6]) }) })
  const schema = new a.Schema([new a.Field('id', new a.Int64(), false), new a.Field('vec', vec.type, false)], new Map([['quiver.segment', '{"x":1}']]))
  return new a.Table(schema, { id: ids, vec: a.makeVector(vec) })
}

function contents(t: esm.Table) {
  const vec = t.getChild('vec')!.data[0]!.children[0]!.values as Float32Array
  return { meta: t.schema.metadata.get('quiver.segment'), ids: [...t.getChild('id')!.toArray()], vec: [...vec] }
}

test('files written by the one-file build and by the ES-module build read back alike in the other', () => {
  const expected = { meta: '{"x":1}', ids: [1n, 2n, 3n], vec: [1, 2, 3, 4, 5, 6] }
  const fromBundle = arrow.tableToIPC(sample(arrow), 'file')
  const fromEsm = esm.tableToIPC(sample(esm), 'file')
  assert.deepEqual(Buffer.from(fromBundle), Buffer.from(fromEsm))
  assert.deepEqual(contents(esm.tableFromIPC(fromBundle)), expected)
  assert.deepEqual(contents(arrow.tableFromIPC(fromEsm)), expected)
})
