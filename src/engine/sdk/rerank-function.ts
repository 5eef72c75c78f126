import { errors } from '../../errors/errors.ts'
import { boostCombineOf, boostFunctionOf, type BoostSpec } from '../boost-rerank.ts'
import type { DecaySpec } from '../decay-rerank.ts'
import { parseReranker, type Reranker } from '../hybrid-search.ts'

/**
 * A search's `rerank` as the Node SDK 2.6 passes a rerank function (`{ name, type: FunctionType.Rerank,
 * input_field_names: [field], params: { reranker: 'decay', function, origin, scale, offset, decay } }`)
 * → the engine's decay spec; undefined without one. On a single search only decay re-scores; rrf and
 * weighted fuse a hybrid search's requests (`hybridRerankerOf`), and model rerankers need external services: refused.
 */
export function decayOfRerank(v: unknown): DecaySpec | undefined {
  if (v === undefined || v === null || typeof v !== 'object') return undefined
  const fn = v as { input_field_names?: unknown; params?: Record<string, unknown> }
  const params = fn.params ?? {}
  if (params.reranker === undefined) return undefined
  const reranker = String(params.reranker).toLowerCase()
  if (reranker === 'boost') return undefined
  if (reranker === 'model') throw errors.notSupported('model rerankers (reranker: model) call external inference services, which Quiver does not do; use decay, rrf or weighted')
  if (reranker !== 'decay') throw errors.invalid(`reranker ${JSON.stringify(params.reranker)} on a single search: rrf and weighted fuse the requests of a hybrid search; a single search takes the decay reranker`)
  const inputs = Array.isArray(fn.input_field_names) ? fn.input_field_names : []
  if (inputs.length !== 1 || typeof inputs[0] !== 'string') throw errors.invalid(`decay rerank takes exactly one input field, got ${JSON.stringify(inputs)}`)
  const number = (key: string): number | undefined => (params[key] === undefined || params[key] === '' ? undefined : Number(params[key]))
  const origin = number('origin')
  const scale = number('scale')
  if (origin === undefined) throw errors.invalid('decay rerank: param origin is missing')
  if (scale === undefined) throw errors.invalid('decay rerank: param scale is missing')
  const offset = number('offset')
  const decay = number('decay')
  return { field: inputs[0], function: String(params.function ?? ''), origin, scale, ...(offset === undefined ? {} : { offset }), ...(decay === undefined ? {} : { decay }) }
}

/**
 * A hybrid search's `rerank`: the SDK's `RRFRanker` / `WeightedRanker` objects (`{ strategy, params }`),
 * or a rerank function (`params.reranker`: rrf with `k`, weighted with `weights`, decay).
 */
export function hybridRerankerOf(v: unknown): Reranker {
  const params = (v as { params?: Record<string, unknown> } | null | undefined)?.params
  if (params?.reranker === undefined) return parseReranker(v)
  const reranker = String(params.reranker).toLowerCase()
  if (reranker === 'rrf') return { strategy: 'rrf', k: params.k === undefined ? 60 : Number(params.k) }
  if (reranker === 'weighted') {
    let weights: unknown = params.weights
    if (typeof weights === 'string') {
      try {
        weights = JSON.parse(weights)
      } catch {
        weights = undefined
      }
    }
    if (!Array.isArray(weights)) throw errors.invalid(`weighted rerank: param weights should be a list of numbers, got ${String(params.weights)}`)
    return { strategy: 'weighted', weights: weights.map(Number) }
  }
  if (reranker !== 'decay' && reranker !== 'model') throw errors.invalid(`unsupported reranker ${JSON.stringify(params.reranker)}; Quiver serves decay, rrf and weighted`)
  return { strategy: 'decay', decay: decayOfRerank(v)! }
}

/**
 * A search's `rerank` as a Boost Ranker: one function (`{ type: FunctionType.RERANK, params: { reranker:
 * 'boost', filter, weight, random_score } }`) or a FunctionScore (`{ functions: [...], params: { boost_mode,
 * function_mode } }`) of boost functions; undefined when it is not one. A FunctionScore mixing boost with
 * other rerankers is 1100.
 */
export function boostOfRerank(v: unknown): BoostSpec | undefined {
  if (v === undefined || v === null || typeof v !== 'object') return undefined
  const o = v as { name?: unknown; functions?: unknown; params?: Record<string, unknown> }
  const isBoost = (f: unknown) => String((f as { params?: Record<string, unknown> } | null)?.params?.reranker ?? '').toLowerCase() === 'boost'
  const fns: unknown[] = Array.isArray(o.functions) ? o.functions : isBoost(o) ? [o] : []
  if (fns.length === 0 || !fns.some(isBoost)) return undefined
  if (!fns.every(isBoost)) throw errors.invalid('a function_score that has boost functions may hold only boost functions')
  const params = Array.isArray(o.functions) ? (o.params ?? {}) : {}
  return {
    functions: fns.map((f) => {
      const fn = f as { name?: unknown; params?: Record<string, unknown> }
      return boostFunctionOf(fn.name === undefined ? undefined : String(fn.name), fn.params ?? {})
    }),
    boostMode: boostCombineOf('boost_mode', params.boost_mode),
    functionMode: boostCombineOf('function_mode', params.function_mode),
  }
}
