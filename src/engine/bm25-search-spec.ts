import { errors } from '../errors/errors.ts'
import { BM25_B_DEFAULT, BM25_K1_DEFAULT, ratioParam } from '../index/sparse/sparse-index-spec.ts'
import type { QueryVector } from '../query/vector-scan.ts'
import type { CollectionSchema, FieldSchema } from '../schema/collection-schema.ts'
import { bm25FunctionOf } from '../schema/function-schema.ts'
import { termFrequencies } from '../text/term-frequencies.ts'
import { Metric, parseMetric } from '../vector/metric.ts'
import { analyzerOf } from './bm25-write.ts'
import { checkNq, type ResolvedSearch, type SearchSpec } from './search-spec.ts'

/** The input field of the BM25 function whose output `field` is; undefined for any other field. */
export function bm25InputOf(schema: CollectionSchema, field: FieldSchema): FieldSchema | undefined {
  if (field.isFunctionOutput !== true) return undefined
  const fn = bm25FunctionOf(schema.functions, field.name)
  return fn === undefined ? undefined : schema.fields.find((f) => f.name === fn.inputFieldNames[0])
}

export interface Bm25SearchInput {
  readonly field: FieldSchema
  readonly input: FieldSchema
  readonly spec: SearchSpec
  readonly metricName: string | undefined
  /** The field's index build parameters (`bm25_k1`, `bm25_b`), if it has an index. */
  readonly indexParams: Readonly<Record<string, string>> | undefined
  readonly limit: number
  readonly offset: number
  readonly roundDecimal: number
}

/**
 * A search on a BM25 function's output field, as Milvus takes it: metric BM25 (absent = BM25), the
 * query data are texts (one or a list), each analyzed with the input field's analyzer into query
 * term frequencies (the function's own output for that text); k1 and b from the field's index (else
 * 1.2 and 0.75); `drop_ratio_search` as for sparse indexes.
 */
export function resolveBm25Search(x: Bm25SearchInput): ResolvedSearch {
  const metric = x.metricName === undefined || x.metricName === '' ? Metric.BM25 : parseMetric(x.metricName)
  if (metric !== Metric.BM25) {
    throw errors.invalid(`must use BM25 metric type when searching against BM25 Function output field ${x.field.name}, got ${String(x.metricName)}`)
  }
  const texts = Array.isArray(x.spec.vectors) ? x.spec.vectors : [x.spec.vectors]
  checkNq(texts.length, x.offset + x.limit)
  const analyzer = analyzerOf(x.input, x.spec.analyzerName)
  const queries: QueryVector[] = texts.map((t, i) => {
    if (typeof t !== 'string') {
      throw errors.invalid(`search on BM25 function output field ${x.field.name} takes query texts; query ${i} is ${Array.isArray(t) ? 'a vector' : typeof t}`, { field: x.field.name })
    }
    return { kind: 'sparse', row: termFrequencies(analyzer, t) }
  })
  const p = x.indexParams ?? {}
  return {
    field: x.field,
    metric: Metric.BM25,
    queries,
    limit: x.limit,
    offset: x.offset,
    roundDecimal: x.roundDecimal,
    radius: x.spec.radius === undefined ? undefined : Number(x.spec.radius),
    rangeFilter: x.spec.rangeFilter === undefined ? undefined : Number(x.spec.rangeFilter),
    indexParams: { dropRatioSearch: ratioParam('drop_ratio_search', x.spec.dropRatioSearch) },
    embeddingList: undefined,
    bm25: { k1: numberOr(p.bm25_k1, BM25_K1_DEFAULT), b: numberOr(p.bm25_b, BM25_B_DEFAULT) },
  }
}

function numberOr(v: string | undefined, fallback: number): number {
  const n = v === undefined ? Number.NaN : Number(v)
  return Number.isFinite(n) ? n : fallback
}
