// The in-memory model the fault loop (faults.test.ts) checks the database against: key → version,
// the writes as pure functions on it, and the reads that compare a live database with a model.
import assert from 'node:assert/strict'
import type { Quiver } from '../../src/index.ts'

/** Primary key → the `ver` of its live row. */
export type Model = Map<number, number>

export const COLLECTION = 'f'
export const PARTITION = 'p'
export const DIM = 4

/** A write of the loop, as data, so it can be replayed on a model. */
export type WriteOp =
  | { readonly kind: 'upsert'; readonly keys: readonly number[]; readonly ver: number; readonly partition: string | undefined }
  | { readonly kind: 'delete'; readonly keys: readonly number[] }
  /** Deletes the rows whose `ver` is in [verFrom, verTo): decided on the state when applied. */
  | { readonly kind: 'deleteVer'; readonly verFrom: number; readonly verTo: number }

/** The vector of a row: unique per key (first component), so a key's own vector finds it at distance 0. */
export function vectorOf(key: number, ver: number): number[] {
  return [key, ver % 1000, 1, 0]
}

export function applyWrite(model: Model, op: WriteOp): void {
  switch (op.kind) {
    case 'upsert':
      for (const k of op.keys) model.set(k, op.ver)
      return
    case 'delete':
      for (const k of op.keys) model.delete(k)
      return
    case 'deleteVer':
      for (const [k, v] of [...model]) if (v >= op.verFrom && v < op.verTo) model.delete(k)
      return
  }
}

/** Runs `op` through the public object API. */
export async function runWrite(client: Quiver, op: WriteOp): Promise<void> {
  const coll = client.collection(COLLECTION)
  switch (op.kind) {
    case 'upsert':
      await coll.upsert(
        op.keys.map((id) => ({ id, ver: op.ver, v: vectorOf(id, op.ver) })),
        op.partition === undefined ? {} : { partitionName: op.partition },
      )
      return
    case 'delete':
      await coll.delete([...op.keys])
      return
    case 'deleteVer':
      await coll.delete({ filter: `ver >= ${op.verFrom} and ver < ${op.verTo}` })
      return
  }
}

export function describeWrite(op: WriteOp): string {
  switch (op.kind) {
    case 'upsert':
      return `upsert v${op.ver} [${op.keys.join(',')}]${op.partition === undefined ? '' : ` into ${op.partition}`}`
    case 'delete':
      return `delete [${op.keys.join(',')}]`
    case 'deleteVer':
      return `delete ver in [${op.verFrom}, ${op.verTo})`
  }
}

/**
 * The live rows as the database reports them, checking on the way that no key appears twice
 * and that count(*) agrees with query.
 */
export async function readModel(client: Quiver): Promise<Model> {
  const coll = client.collection(COLLECTION)
  const rows = await coll.query({ filter: 'id >= 0', outputFields: ['ver'] })
  const actual: Model = new Map()
  for (const r of rows) {
    const id = Number(r.id)
    assert.ok(!actual.has(id), `key ${id} appears twice in query`)
    actual.set(id, Number(r.ver))
  }
  assert.equal(await coll.count(), actual.size, 'count(*) equals the number of rows query returns')
  return actual
}

export function sameModel(a: Model, b: Model): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v)
}

export function showModel(m: Model): string {
  return [...m].sort((x, y) => x[0] - y[0]).map(([k, v]) => `${k}:${v}`).join(' ')
}

/** What differs between `expected` and `actual`, for failure messages. */
export function diffModels(expected: Model, actual: Model): string {
  const out: string[] = []
  for (const [k, v] of expected) if (actual.get(k) !== v) out.push(actual.has(k) ? `key ${k}: expected v${v}, got v${actual.get(k)}` : `key ${k} (v${v}) lost`)
  for (const [k, v] of actual) if (!expected.has(k)) out.push(`key ${k} (v${v}) should not exist`)
  return out.join('; ')
}

/** Each probed live key finds itself first at distance 0; every hit is a live key, none twice. */
export async function checkSearch(client: Quiver, model: Model, probes: number): Promise<void> {
  const coll = client.collection(COLLECTION)
  const live = [...model]
  for (let i = 0; i < Math.min(probes, live.length); i++) {
    const [key, ver] = live[Math.floor((i * live.length) / probes)]!
    const hits = (await coll.search(vectorOf(key, ver), { limit: 5, metric: 'L2' }))[0]!
    assert.equal(Number(hits[0]!.id), key, `key ${key} finds itself`)
    assert.ok(hits[0]!.score < 1e-6, `key ${key} at distance 0`)
    const ids = hits.map((h) => Number(h.id))
    assert.equal(new Set(ids).size, ids.length, 'no key twice in a search result')
    for (const id of ids) assert.ok(model.has(id), `search returned key ${id}, which is not live`)
  }
}
