// Geometry costs on one machine: WKT insert (parse + canonical print per row), a spatial filter over
// one sealed segment scanned (first: parse every row; then: cached geometries) and with an RTREE index.
// npx tsx bench/geometry.ts [rows]
import { DataType } from '../src/index.ts'
import { openTemp } from '../test/support/temp-db.ts'

const rows = Number(process.argv[2] ?? 100_000)
const env = await openTemp()
const c = env.client
await c.createCollection({
  collection_name: 'g',
  fields: [
    { name: 'id', data_type: DataType.Int64, is_primary_key: true },
    { name: 'v', data_type: DataType.FloatVector, dim: 2 },
    { name: 'geo', data_type: DataType.Geometry },
  ],
})
const col = c.collection('g')
let s = 7
const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647)
const data = Array.from({ length: rows }, (_, i) => ({ id: i, v: [0, 0], geo: `POINT (${(rnd() * 360 - 180).toFixed(6)} ${(rnd() * 170 - 85).toFixed(6)})` }))
const ms = async (f: () => Promise<unknown>) => {
  const t = performance.now()
  await f()
  return (performance.now() - t).toFixed(0)
}
console.log(`insert ${rows} WKT points: ${await ms(async () => { for (let i = 0; i < rows; i += 10_000) await col.insert(data.slice(i, i + 10_000)) })} ms`)
await col.flush()
const box = "ST_WITHIN(geo, 'POLYGON ((10 10, 20 10, 20 20, 10 20, 10 10))')"
const near = "ST_DWITHIN(geo, 'POINT (13.4 52.5)', 200000)"
const count = async (f: string) => (await col.query({ filter: f, outputFields: ['id'], limit: 16384 })).length
for (const f of [box, near]) {
  console.log(`${f}: scan, first ${await ms(() => count(f))} ms, cached ${await ms(() => count(f))} ms (${await count(f)} rows)`)
}
await c.createIndex({ collection_name: 'g', field_name: 'geo', index_type: 'RTREE' })
const t = performance.now()
for (;;) {
  const d = await c.describeIndex({ collection_name: 'g', field_name: 'geo' })
  if (d.index_descriptions[0]?.state === 'Finished') break
  await new Promise((r) => setTimeout(r, 20))
}
console.log(`RTREE build: ${(performance.now() - t).toFixed(0)} ms`)
for (const f of [box, near]) console.log(`${f}: RTREE ${await ms(() => count(f))} ms (${await count(f)} rows)`)
await env.cleanup()
