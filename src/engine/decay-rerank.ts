import { errors } from '../errors/errors.ts'
import type { CollectionSchema } from '../schema/collection-schema.ts'
import { DataType, dataTypeName } from '../schema/data-type.ts'
import type { Metric } from '../vector/metric.ts'
import type { SearchHit } from './read-ops.ts'

/**
 * Milvus 2.6's decay reranker (a `FunctionScore` with `reranker: decay`): each hit's similarity times
 * a decay of one numeric field's distance from `origin`. `scale` > 0 is the distance at which the decay
 * equals `decay` (0 < decay < 1, default 0.5); within `offset` (≥ 0, default 0) of the origin it is 1.
 */
export interface DecaySpec {
  readonly field: string
  readonly function: string
  readonly origin: number
  readonly scale: number
  readonly offset?: number
  readonly decay?: number
}

export interface Decay {
  readonly field: string
  readonly curve: (distance: number) => number
}

const NUMERIC = new Set<DataType>([DataType.Int8, DataType.Int16, DataType.Int32, DataType.Int64, DataType.Float, DataType.Double])

/** Checks a decay spec against the schema, as Milvus's `newDecayFunction` does; 1100 naming what is wrong. */
export function resolveDecay(schema: CollectionSchema, spec: DecaySpec): Decay {
  const field = schema.fields.find((f) => f.name === spec.field)
  if (field === undefined) throw errors.invalid(`decay rerank: input field ${spec.field} does not exist`, { field: spec.field })
  if (!NUMERIC.has(field.dataType)) {
    throw errors.invalid(`decay rerank: unsupported input field type ${dataTypeName(field.dataType)} of field ${field.name}, only numeric fields (Int8, Int16, Int32, Int64, Float, Double)`, { field: field.name })
  }
  const { origin, scale } = spec
  const offset = spec.offset ?? 0
  const decay = spec.decay ?? 0.5
  for (const [name, v] of [['origin', origin], ['scale', scale], ['offset', offset], ['decay', decay]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw errors.invalid(`decay rerank: param ${name} must be a number, got ${String(v)}`)
  }
  if (!(scale > 0)) throw errors.invalid(`decay rerank: param scale must be > 0, got ${scale}`)
  if (!(offset >= 0)) throw errors.invalid(`decay rerank: param offset must be >= 0, got ${offset}`)
  if (!(decay > 0 && decay < 1)) throw errors.invalid(`decay rerank: param decay must be in (0, 1), got ${decay}`)
  const past = (x: number) => Math.max(0, Math.abs(x - origin) - offset)
  const ln = Math.log(decay)
  switch (spec.function) {
    case 'gauss':
      return { field: field.name, curve: (x) => Math.exp((past(x) ** 2 * ln) / scale ** 2) }
    case 'exp':
      return { field: field.name, curve: (x) => Math.exp((ln / scale) * past(x)) }
    case 'linear':
      return { field: field.name, curve: (x) => Math.max(decay, 1 - ((1 - decay) / scale) * past(x)) }
    default:
      throw errors.invalid(`decay rerank: invalid function ${JSON.stringify(spec.function)}, only gauss, exp and linear`)
  }
}

/** A search score as "greater is better": distances (L2, HAMMING, JACCARD) → 1 − 2·atan(d)/π; similarities unchanged. */
export function greaterScore(metric: Metric, s: number): number {
  return metric === 'COSINE' || metric === 'IP' ? s : 1 - (2 * Math.atan(s)) / Math.PI
}

/**
 * Re-scores one query's hits (best first, the top offset + limit of the search) by similarity × decay,
 * best first (ties keep the search order), and returns those in [offset, offset + limit). A null field
 * value decays to 0. `extra` fields fetched only for the decay are removed from the rows.
 */
export function decayHits(hits: readonly SearchHit[], metric: Metric, decay: Decay, extra: readonly string[], offset: number, limit: number): SearchHit[] {
  return rescoreByDecay(hits.map((h) => ({ ...h, score: greaterScore(metric, h.score) })), decay, extra, offset, limit)
}

/** `decayHits` over hits whose scores are already "greater is better" (a hybrid search's best per row). */
export function rescoreByDecay(hits: readonly SearchHit[], decay: Decay, extra: readonly string[], offset: number, limit: number): SearchHit[] {
  const scored = hits.map((h, rank) => {
    const v = h.row[decay.field]
    const factor = v === null || v === undefined ? 0 : decay.curve(Number(v))
    return { h, rank, score: h.score * factor }
  })
  scored.sort((a, b) => b.score - a.score || a.rank - b.rank)
  return scored.slice(offset, offset + limit).map(({ h, score }) => {
    if (!extra.includes(decay.field)) return { ...h, score }
    const row = { ...h.row }
    delete row[decay.field]
    return { ...h, score, row }
  })
}
