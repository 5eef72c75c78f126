import { errors } from '../errors/errors.ts'
import type { CollectionSchema } from '../schema/collection-schema.ts'
import { DataType, dataTypeName } from '../schema/data-type.ts'
import { largerIsBetter, type Metric } from '../vector/metric.ts'
import type { SearchHit } from './read-ops.ts'

/**
 * Milvus 2.6's Boost Ranker (`FunctionScore` of `reranker: boost` functions). Each function gives the
 * hits its `filter` matches (all hits without one) a boost: its `weight`, or `weight` × a random value
 * in [0, 1) with `random_score`. A hit's boosts are combined by `functionMode` (product or sum); a hit
 * with any boost has its score (the raw distance or similarity, as Milvus) multiplied by it or the
 * boost added (`boostMode`). Arithmetic is float32, as Milvus's segcore.
 */
export interface BoostFunctionSpec {
  readonly name?: string
  readonly filter?: string
  readonly weight: number
  readonly randomScore?: { readonly seed: bigint; readonly field?: string }
}

export type BoostCombine = 'multiply' | 'sum'

export interface BoostSpec {
  readonly functions: readonly BoostFunctionSpec[]
  readonly boostMode: BoostCombine
  readonly functionMode: BoostCombine
}

/** `params` of a boost function as the clients send them (values may be JSON text) → a spec; 1100 naming what is wrong. */
export function boostFunctionOf(name: string | undefined, params: Readonly<Record<string, unknown>>): BoostFunctionSpec {
  const label = name === undefined || name === '' ? 'boost function' : `boost function ${name}`
  const weightRaw = params.weight
  if (weightRaw === undefined || weightRaw === null || weightRaw === '') throw errors.invalid(`${label}: param weight is required`)
  const weight = Number(weightRaw)
  if (!Number.isFinite(weight)) throw errors.invalid(`${label}: param weight must be a number, got ${String(weightRaw)}`)
  const filterRaw = params.filter
  const filter = filterRaw === undefined || filterRaw === null || String(filterRaw).trim() === '' ? undefined : String(filterRaw)
  const randomScore = randomScoreOf(label, params.random_score)
  return { ...(name === undefined ? {} : { name }), ...(filter === undefined ? {} : { filter }), weight, ...(randomScore === undefined ? {} : { randomScore }) }
}

function randomScoreOf(label: string, raw: unknown): BoostFunctionSpec['randomScore'] {
  if (raw === undefined || raw === null || raw === '') return undefined
  let v: unknown = raw
  if (typeof raw === 'string') {
    try {
      v = JSON.parse(raw, (_k, x) => x)
    } catch {
      throw errors.invalid(`${label}: param random_score must be a JSON object {seed, field}, got ${raw}`)
    }
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw errors.invalid(`${label}: param random_score must be an object {seed, field}, got ${String(raw)}`)
  const o = v as Record<string, unknown>
  let seed = 0n
  if (o.seed !== undefined && o.seed !== null) {
    // A seed is an int64; JSON text keeps its digits exact when read from the raw string.
    const text = typeof raw === 'string' ? /"seed"\s*:\s*"?(-?\d+)"?/.exec(raw)?.[1] : undefined
    try {
      seed = BigInt(text ?? (typeof o.seed === 'number' && !Number.isInteger(o.seed) ? 'x' : String(o.seed)))
    } catch {
      throw errors.invalid(`${label}: random_score seed must be an integer, got ${String(o.seed)}`)
    }
  }
  const field = o.field === undefined || o.field === null || o.field === '' ? undefined : String(o.field)
  return { seed, ...(field === undefined ? {} : { field }) }
}

/** `boost_mode` / `function_mode` (Milvus's `Multiply` / `Sum`, any case; default Multiply); 1100 otherwise. */
export function boostCombineOf(key: 'boost_mode' | 'function_mode', v: unknown): BoostCombine {
  if (v === undefined || v === null || v === '') return 'multiply'
  const s = String(v).toLowerCase()
  if (s === 'multiply' || s === 'sum') return s
  throw errors.invalid(`${key} ${JSON.stringify(v)} is not supported; use Multiply or Sum`, { key })
}

/** Checks a boost spec against the schema: a `random_score` field must be an Int64 scalar field (as Milvus). */
export function checkBoost(schema: CollectionSchema, spec: BoostSpec): void {
  if (spec.functions.length === 0) throw errors.invalid('boost rerank: no boost function given')
  for (const fn of spec.functions) {
    const field = fn.randomScore?.field
    if (field === undefined) continue
    const f = schema.fields.find((x) => x.name === field)
    if (f === undefined) throw errors.invalid(`boost rerank: random_score field ${field} does not exist`, { field })
    if (f.dataType !== DataType.Int64) {
      throw errors.invalid(`boost rerank: random_score field ${field} is ${dataTypeName(f.dataType)}; only an Int64 field can seed random scores`, { field })
    }
  }
}

const M64 = (1n << 64n) - 1n
const C1 = 0x87c37b91114253d5n
const C2 = 0x4cf5ad432745937fn
const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M64
function fmix(k: bigint): bigint {
  k ^= k >> 33n
  k = (k * 0xff51afd7ed558ccdn) & M64
  k ^= k >> 33n
  k = (k * 0xc4ceb9fe1a85ec53n) & M64
  return k ^ (k >> 33n)
}

/** MurmurHash3 x64 (128-bit variant, first half) of one 16-byte block (key, seed), as Milvus's random_score hashes an Int64 value. */
export function murmurKeySeed(key: bigint, seed: bigint): bigint {
  const k = BigInt.asUintN(64, key)
  const s = BigInt.asUintN(64, seed)
  let h1 = k ^ s
  let h2 = s
  h1 ^= (rotl((k * C1) & M64, 31n) * C2) & M64
  h1 = (rotl(h1, 27n) + h2) & M64
  h1 = (h1 * 5n + 0x52dce729n) & M64
  h2 ^= (rotl((s * C2) & M64, 33n) * C1) & M64
  h2 = (rotl(h2, 31n) + h1) & M64
  h2 = (h2 * 5n + 0x38495ab5n) & M64
  h1 ^= 16n
  h2 ^= 16n
  h1 = (h1 + h2) & M64
  h2 = (h2 + h1) & M64
  h1 = fmix(h1)
  h2 = fmix(h2)
  return (h1 + h2) & M64
}

/** A 64-bit hash → [0, 1): its low 52 bits as a double's fraction (Milvus's `hash_to_double`). */
export function hashToUnit(h: bigint): number {
  return Number(h & 0xfffffffffffffn) / 2 ** 52
}

/** Milvus's random score of an Int64 value for a seed, in [0, 1). */
export function randomScore(value: bigint, seed: bigint): number {
  return hashToUnit(murmurKeySeed(value, seed))
}

/** A primary key as an Int64 to hash: itself, or FNV-1a 64 of a VarChar key's UTF-8 bytes. */
function keyAsInt64(id: bigint | string | number): bigint {
  if (typeof id === 'bigint') return id
  if (typeof id === 'number') return BigInt(Math.trunc(id))
  let h = 0xcbf29ce484222325n
  for (const b of new TextEncoder().encode(id)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & M64
  return h
}

const f32 = Math.fround
const combine = (mode: BoostCombine, a: number, b: number): number => f32(mode === 'multiply' ? a * b : a + b)

/**
 * Re-scores one query's hits (best first, raw scores) by the boost functions; `matches[f][i]` tells
 * whether function f's filter matched hit i (undefined: no filter). Sorted by the metric's order (ties
 * keep the search order), paged to [offset, offset + limit); `extra` fields fetched only for random
 * scores are removed from the rows.
 */
export function boostHits(hits: readonly SearchHit[], metric: Metric, spec: BoostSpec, matches: readonly (readonly boolean[] | undefined)[], extra: readonly string[], offset: number, limit: number): SearchHit[] {
  const scored = hits.map((h, rank) => {
    let boost: number | undefined
    spec.functions.forEach((fn, f) => {
      const m = matches[f]
      if (m !== undefined && m[rank] !== true) return
      let v = f32(fn.weight)
      if (fn.randomScore !== undefined) {
        const field = fn.randomScore.field
        const raw = field === undefined ? keyAsInt64(h.id) : h.row[field]
        if (raw === null || raw === undefined) return
        v = f32(f32(randomScore(BigInt(raw as bigint | number), fn.randomScore.seed)) * v)
      }
      boost = boost === undefined ? v : combine(spec.functionMode, boost, v)
    })
    return { h, rank, score: boost === undefined ? h.score : combine(spec.boostMode, h.score, boost) }
  })
  const larger = largerIsBetter(metric)
  scored.sort((a, b) => (larger ? b.score - a.score : a.score - b.score) || a.rank - b.rank)
  return scored.slice(offset, offset + limit).map(({ h, score }) => {
    if (extra.length === 0) return { ...h, score }
    const row = { ...h.row }
    for (const f of extra) delete row[f]
    return { ...h, score, row }
  })
}
