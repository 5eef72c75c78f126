/**
 * The upsert check for BM25 (needs the BM25 function, `function` mode): collection `a` gets
 * the corpus, then 10 % of its documents upserted with other text; collection `b` is built fresh
 * from the same final corpus. Both, and `a` again after the database is closed and reopened, must
 * answer every query as the reference computes over the final corpus (bench/fts.ts compares).
 * Small segments (16,384 rows) so corpus statistics span several sealed segments and deleted rows.
 */
import { rmSync } from 'node:fs'
import type { Passage } from './fts-corpus.ts'
import { buildCollection, floats, quiverModule, type Hits, type QuiverRun, searchOnce } from './fts-quiver.ts'

/** Documents whose id ≡ 3 (mod 10) take the text of document (7·id + 1) mod N. */
export function finalCorpus(passages: readonly Passage[]): { final: Passage[]; changed: Passage[] } {
  const n = passages.length
  const changed: Passage[] = []
  const final = passages.map((p) => {
    if (p.id % 10 !== 3) return p
    const q = { ...p, text: passages[(p.id * 7 + 1) % n]!.text }
    changed.push(q)
    return q
  })
  return { final, changed }
}

export interface UpsertAnswers {
  readonly upserted: Hits[]
  readonly fresh: Hits[]
  readonly reopened: Hits[]
  readonly upsertMs: number
  readonly changed: number
}

export async function runUpsertCheck(run: QuiverRun): Promise<UpsertAnswers> {
  const { Quiver } = await quiverModule()
  const dir = `${run.dir}-upsert`
  rmSync(dir, { recursive: true, force: true })
  const { final, changed } = finalCorpus(run.passages)
  let client = await Quiver.open({ path: dir, segmentRowsMax: 16_384 })
  const ask = async (name: string, data: (i: number) => unknown): Promise<Hits[]> => {
    const out: Hits[] = []
    for (let i = 0; i < run.queries.length; i++) out.push(await searchOnce(client, name, data(i), run.k))
    return out
  }
  try {
    const a = await buildCollection(client, 'a', run, run.passages)
    const t0 = performance.now()
    for (let i = 0; i < changed.length; i += run.batch) {
      const slice = changed.slice(i, i + run.batch)
      const dense = new Float32Array(slice.length * run.dim)
      slice.forEach((p, j) => dense.set(floats(7, p.id * run.dim, run.dim), j * run.dim))
      const res = await client.collection('a').upsert({ id: BigInt64Array.from(slice, (p) => BigInt(p.id)), text: slice.map((p) => p.text), dense })
      if (res.upsertCount !== slice.length) throw new Error(`upsert: ${res.upsertCount} of ${slice.length}`)
    }
    const upsertMs = performance.now() - t0
    await client.collection('a').flush()
    await client.database.indexBuilds.idle()
    const upserted = await ask('a', (i) => a.queryData(run.queries[i]!))
    const b = await buildCollection(client, 'b', run, final)
    const fresh = await ask('b', (i) => b.queryData(run.queries[i]!))
    await client.close()
    client = await Quiver.open({ path: dir, segmentRowsMax: 16_384 })
    await client.loadCollection({ collection_name: 'a' })
    const reopened = await ask('a', (i) => a.queryData(run.queries[i]!))
    return { upserted, fresh, reopened, upsertMs, changed: changed.length }
  } finally {
    await client.close()
  }
}
