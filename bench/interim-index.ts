/**
 * The interim index on growing data (issue 14, docs/design/0012-interim-index.md), in one process so
 * the phases share the machine's load: Quiver with one indexed sealed segment of N rows (HNSW M 16,
 * efConstruction 200; built once and kept in bench/data/interim/), then a 10 % upsert. Measured at one
 * ef, round-robin passes of all queries: `before` the upsert; `right after` it (first pass started as
 * the upsert returns); once the interim index covers the new rows, `interim` (growing rows through it)
 * against `exact` (the same searches with the growing segment's interim index set aside: scanned
 * exactly, as before this index existed) and `sealed only` (ignore_growing: the indexed segment with its
 * 10 % deleted rows alone). QPS by wall and CPU time; recall@10 against the exact answer.
 * Run: `npx tsx bench/interim-index.ts [--rows 100000] [--ef 64] [--rounds 3]`.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { DataType, Quiver } from '../src/index.ts'
import type { SegmentInterimIndex } from '../src/segment/segment-index.ts'
import { batchesOf, cpuMs, loadData } from './index-engine.ts'
import { ensureDataset, repoRoot } from './index-data.ts'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, ef: { type: 'string', default: '64' }, rounds: { type: 'string', default: '3' } } })
const rows = Number(values.rows)
const ef = Number(values.ef)
const rounds = Number(values.rounds)
const { dir: dataDir } = await ensureDataset('clustered', rows, 1000)
const data = loadData(dataDir)
const { dim, k, queries } = data.meta
const tagsOf = (ids: BigInt64Array) => BigInt64Array.from(ids, (id) => id % 10n)

const baseDir = path.join(repoRoot(), 'bench', 'data', 'interim', `clustered-${rows}`)
if (!existsSync(path.join(baseDir, 'built'))) {
  rmSync(baseDir, { recursive: true, force: true })
  mkdirSync(baseDir, { recursive: true })
  const db = await Quiver.open({ path: path.join(baseDir, 'db'), segmentBytesMax: 2 ** 30 })
  await db.createCollection({
    collection_name: 'bench',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'tag', data_type: DataType.Int64 },
      { name: 'vec', data_type: DataType.FloatVector, dim },
    ],
  })
  await db.createIndex({ collection_name: 'bench', field_name: 'vec', index_type: 'HNSW', metric_type: 'L2', params: { M: 16, efConstruction: 200 } })
  await db.createIndex({ collection_name: 'bench', field_name: 'tag', index_type: 'BITMAP' })
  const coll = db.collection('bench')
  for (const b of batchesOf(data, 'base')) await coll.insert({ id: b.ids, tag: tagsOf(b.ids), vec: b.vectors })
  await coll.flush()
  await db.database.indexBuilds.idle()
  await db.close()
  mkdirSync(path.join(baseDir, 'built'))
  process.stderr.write(`built ${baseDir}\n`)
}

const work = mkdtempSync(path.join(os.tmpdir(), 'quiver-interim-'))
cpSync(path.join(baseDir, 'db'), work, { recursive: true })
const db = await Quiver.open({ path: work, segmentBytesMax: 2 ** 30 })
const coll = db.collection('bench')

interface Pass {
  readonly qps: number
  readonly cpuQps: number
  readonly recall: number
}

async function pass(truth: Int32Array, options: { ignoreGrowing?: boolean } = {}): Promise<Pass> {
  let hit = 0
  const c0 = cpuMs()
  const t0 = performance.now()
  for (let q = 0; q < queries; q++) {
    const hits = (await coll.search(data.queries.subarray(q * dim, (q + 1) * dim), { limit: k, ef, ...options }))[0]!
    const want = new Set(truth.subarray(q * k, (q + 1) * k))
    for (const h of hits) if (want.has(Number(h.id))) hit++
  }
  const ms = performance.now() - t0
  return { qps: (queries * 1000) / ms, cpuQps: (queries * 1000) / (cpuMs() - c0), recall: hit / (queries * k) }
}

const fmt = (p: Pass) => `${p.qps.toFixed(0)} / ${p.cpuQps.toFixed(0)} (${p.recall.toFixed(3)})`
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const best = (ps: Pass[]): Pass => ({ qps: median(ps.map((p) => p.qps)), cpuQps: median(ps.map((p) => p.cpuQps)), recall: ps[0]!.recall })

await pass(data.truth)
const before: Pass[] = []
for (let r = 0; r < rounds; r++) before.push(await pass(data.truth))
const load0 = os.loadavg()
const tu = performance.now()
for (const b of batchesOf(data, 'upsert')) await coll.upsert({ id: b.ids, tag: tagsOf(b.ids), vec: b.vectors })
const upsertMs = performance.now() - tu
const interim = db.database.indexBuilds.interim
const t1 = performance.now()
const rightAfter = await pass(data.truthUpserted)
const rightAfterMs = performance.now() - t1
await interim.idle()
const readyMs = performance.now() - tu - upsertMs
const growing = db.database.state.collection('bench').segmentsOf().find((s) => s.state === 'growing')!
const slot = growing.interimIndexes.get('vec') as SegmentInterimIndex
const withInterim: Pass[] = []
const exact: Pass[] = []
const sealedOnly: Pass[] = []
for (let r = 0; r < rounds; r++) {
  withInterim.push(await pass(data.truthUpserted))
  growing.interimIndexes.delete('vec')
  exact.push(await pass(data.truthUpserted))
  growing.interimIndexes.set('vec', slot)
  sealedOnly.push(await pass(data.truthUpserted, { ignoreGrowing: true }))
}
const load1 = os.loadavg()
await db.close()
rmSync(work, { recursive: true, force: true })

const b = best(before)
const lines = [
  `Interim index, ${rows} × ${dim} clustered (one sealed HNSW segment, M 16, efConstruction 200), upsert of ${data.meta.upsertRows} keys, ef ${ef}, k ${k}, ${queries} queries per pass, median of ${rounds} round-robin passes — Node ${process.version}, ${os.cpus().length} cores, ${new Date().toISOString()}, load average ${load0.map((x) => x.toFixed(1)).join(' ')} → ${load1.map((x) => x.toFixed(1)).join(' ')}`,
  `Command: npx tsx bench/interim-index.ts --rows ${rows} --ef ${ef} --rounds ${rounds}`,
  '',
  '| phase | QPS wall / CPU (recall@10) | ÷ before (wall / CPU) |',
  '|---|---:|---:|',
  `| before the upsert | ${fmt(b)} | 1.00 / 1.00 |`,
]
const row = (name: string, p: Pass) => `| ${name} | ${fmt(p)} | ${(p.qps / b.qps).toFixed(2)} / ${(p.cpuQps / b.cpuQps).toFixed(2)} |`
lines.push(row(`right after the upsert (first pass, ${(rightAfterMs / 1000).toFixed(1)} s)`, rightAfter))
lines.push(row('growing rows through the interim index', best(withInterim)))
lines.push(row('growing rows scanned exactly (interim set aside)', best(exact)))
lines.push(row('the sealed segment alone (ignore_growing; 10 % of it deleted)', best(sealedOnly)))
lines.push('', `Upsert ${(upsertMs / 1000).toFixed(2)} s; the interim index covered the new rows ${(readyMs / 1000).toFixed(2)} s after it returned (trainings: ${interim.trainedCount}; lists ${slot.index?.listCount}).`)
console.log(lines.join('\n'))
