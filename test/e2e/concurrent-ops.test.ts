// Schema changes, index and partition DDL, flushes, compactions and writes fired at one collection
// concurrently, in seeded random rounds: every request either succeeds or is refused with a
// MilvusError naming a client-side or state reason (never 65535 "unexpected", never a plain Error),
// count(*) agrees with a full query after every round, and a reopen (WAL replay + segment files)
// reads back exactly what the live engine answered. Races between a write checked against one schema
// and applied under the next were found this way (test/e2e/add-field-race.test.ts).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DataType, ErrorCode, MilvusError } from '../../src/index.ts'
import { openTemp, randomVector, rng } from '../support/temp-db.ts'

const ROUNDS = 40
const OPS_PER_ROUND = 8
const KEYS = 120
const DIM = 4

type Op = (n: number) => Promise<unknown>

/** Every row, by key, with every field (sorted: the snapshot a reopen must give back). */
async function snapshot(client: Awaited<ReturnType<typeof openTemp>>['client']): Promise<string> {
  const described = await client.describeCollection({ collection_name: 'c' })
  const fields = (described.schema as { fields: { name: string }[] }).fields.map((f) => f.name)
  const rows = await client.collection('c').query({ filter: 'id >= 0', outputFields: fields, limit: 16_384 })
  rows.sort((a, b) => Number(a.id) - Number(b.id))
  return JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v instanceof Float32Array ? Array.from(v, (x) => Math.round(x * 1e5) / 1e5) : v))
}

for (const seed of [1, 2]) {
  test(`concurrent DDL and writes on one collection (seed ${seed}): refusals are clean and a reopen reads what was acknowledged`, async () => {
    const env = await openTemp({ segmentRowsMax: 64, autoCompaction: false })
    try {
      const next = rng(seed)
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!
      const created = await env.client.createCollection({
        collection_name: 'c',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: DataType.FloatVector, dim: DIM },
          { name: 'tag', data_type: DataType.Int32 },
          { name: 'title', data_type: DataType.VarChar, max_length: 32 },
        ],
      })
      assert.equal(created.error_code, 'Success')
      const added: string[] = []
      const rows = (count: number): Record<string, unknown>[] =>
        Array.from({ length: count }, () => {
          const row: Record<string, unknown> = { id: Math.floor(next() * KEYS), v: randomVector(next, DIM), tag: Math.floor(next() * 5), title: `t${Math.floor(next() * 1000)}` }
          for (const f of added) if (next() < 0.5) row[f] = Math.floor(next() * 100)
          return row
        })
      const unique = (rs: Record<string, unknown>[]): Record<string, unknown>[] => [...new Map(rs.map((r) => [r.id, r])).values()]
      const client = (): typeof env.client => env.client
      const ops: readonly Op[] = [
        () => client().collection('c').insert(unique(rows(1 + Math.floor(next() * 20)))),
        () => client().collection('c').upsert(unique(rows(1 + Math.floor(next() * 20)))),
        () => client().collection('c').upsert(unique(rows(1 + Math.floor(next() * 20)))),
        () => client().collection('c').delete({ ids: [Math.floor(next() * KEYS), Math.floor(next() * KEYS)] }),
        () => client().collection('c').delete({ filter: `tag == ${Math.floor(next() * 5)} and id < ${Math.floor(next() * KEYS)}` }),
        (n) => {
          const name = `f${n}`
          return client()
            .addCollectionField({ collection_name: 'c', field: { name, data_type: DataType.Int32, nullable: true, ...(next() < 0.5 ? { default_value: 7 } : {}) } })
            .then((st) => {
              if (st.code === 0) added.push(name)
              return st
            })
        },
        () => client().createIndex({ collection_name: 'c', field_name: 'v', index_type: pick(['HNSW', 'FLAT', 'IVF_FLAT']), metric_type: 'L2', params: { M: 8, efConstruction: 32, nlist: 4 } }),
        () => client().dropIndex({ collection_name: 'c', field_name: 'v' }),
        () => client().createIndex({ collection_name: 'c', field_name: 'tag', index_type: pick(['INVERTED', 'BITMAP', 'STL_SORT']) }),
        () => client().dropIndex({ collection_name: 'c', field_name: 'tag' }),
        () => client().createPartition({ collection_name: 'c', partition_name: pick(['p1', 'p2']) }),
        () => client().collection('c').partition(pick(['p1', 'p2'])).upsert(unique(rows(1 + Math.floor(next() * 5)))),
        () => client().collection('c').flush(),
        () => client().compact({ collection_name: 'c' }),
        () => client().alterCollectionFieldProperties({ collection_name: 'c', field_name: 'title', properties: { max_length: pick([16, 32, 64]) } }),
        () => client().collection('c').search([randomVector(next, DIM)], { limit: 5, filter: next() < 0.5 ? 'tag >= 2' : '' }),
        () => client().collection('c').query({ filter: `id < ${Math.floor(next() * KEYS)}`, outputFields: ['id', 'tag'] }),
      ]
      let n = 0
      const unexpected: string[] = []
      for (let round = 0; round < ROUNDS; round++) {
        const results = await Promise.allSettled(Array.from({ length: OPS_PER_ROUND }, () => pick(ops)(n++)))
        for (const r of results) {
          if (r.status === 'fulfilled') {
            const st = r.value as { code?: number; reason?: string } | undefined
            if (st !== undefined && st !== null && st.code === ErrorCode.Unexpected) unexpected.push(`round ${round}: status 65535 ${st.reason}`)
            continue
          }
          const e = r.reason as unknown
          if (!(e instanceof MilvusError)) unexpected.push(`round ${round}: ${String(e)}`)
          else if (e.code === ErrorCode.Unexpected) unexpected.push(`round ${round}: 65535 ${e.message}`)
        }
        const count = await client().collection('c').count()
        const all = await client().collection('c').query({ filter: 'id >= 0', outputFields: ['id'], limit: 16_384 })
        assert.equal(count, all.length, `round ${round}: count(*) ${count} vs ${all.length} rows`)
        assert.equal(new Set(all.map((r) => String(r.id))).size, all.length, `round ${round}: a key is live twice`)
      }
      assert.deepEqual(unexpected, [])
      const before = await snapshot(env.client)
      await env.reopen()
      assert.equal(await snapshot(env.client), before)
    } finally {
      await env.cleanup()
    }
  })
}
