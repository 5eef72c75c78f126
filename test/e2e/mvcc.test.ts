// Property (fast-check): for random histories of upserts and deletes, the state read as of every
// write's timestamp equals a model where upsert = delete + insert, applied in order — through query,
// count(*) and search alike. Reads just before a write's timestamp see the state before it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { DataType, Quiver } from '../../src/index.ts'
import { tempDir } from '../support/temp-db.ts'

type Op = { kind: 'upsert'; keys: number[]; value: number } | { kind: 'delete'; keys: number[] }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('upsert' as const), keys: fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 6 }), value: fc.integer({ min: 0, max: 1000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), keys: fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 4 }) }) },
)

test('state as of each write timestamp equals the delete + insert model', async () => {
  const dir = tempDir('quiver-mvcc-')
  const client = await Quiver.open({ path: dir.path, sync: false, segmentRowsMax: 8 })
  let n = 0
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
        const name = `h${n++}`
        await client.createCollection({
          collection_name: name,
          fields: [
            { name: 'id', data_type: DataType.Int64, is_primary_key: true },
            { name: 'val', data_type: DataType.Int64 },
            { name: 'v', data_type: DataType.FloatVector, dim: 2 },
          ],
        })
        const coll = client.collection(name)
        const model = new Map<number, number>()
        const snapshots: { ts: bigint; state: Map<number, number> }[] = []
        for (const op of ops) {
          const r =
            op.kind === 'upsert'
              ? await coll.upsert(op.keys.map((id) => ({ id, val: op.value, v: [op.value, 1] })))
              : await coll.delete(op.keys)
          if (op.kind === 'upsert') for (const k of op.keys) model.set(k, op.value)
          else for (const k of op.keys) model.delete(k)
          snapshots.push({ ts: r.timestamp, state: new Map(model) })
        }
        let prev = new Map<number, number>()
        for (const { ts, state } of snapshots) {
          const before = await coll.query({ filter: 'id >= 0', outputFields: ['val'], asOf: ts - 1n })
          assert.deepEqual(toMap(before), prev, `just before ${ts}`)
          const rows = await coll.query({ filter: 'id >= 0', outputFields: ['val'], asOf: ts })
          assert.deepEqual(toMap(rows), state, `as of ${ts}`)
          assert.equal(rows.length, state.size, 'no key seen twice')
          assert.equal(await coll.count(undefined, { asOf: ts }), state.size)
          const hits = await coll.search([0, 1], { limit: 16, metric: 'L2', asOf: ts, outputFields: ['val'] })
          assert.deepEqual(new Map(hits[0]!.map((h) => [Number(h.id), Number(h.row.val)])), state)
          prev = state
        }
        await client.dropCollection({ collection_name: name })
      }),
      { numRuns: 40, seed: 20261122 },
    )
  } finally {
    await client.close()
    dir.cleanup()
  }
})

function toMap(rows: Record<string, unknown>[]): Map<number, number> {
  return new Map(rows.map((r) => [Number(r.id), Number(r.val)]))
}
