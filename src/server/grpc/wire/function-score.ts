import { boostCombineOf, boostFunctionOf, type BoostSpec } from '../../../engine/boost-rerank.ts'
import type { DecaySpec } from '../../../engine/decay-rerank.ts'
import type { Reranker } from '../../../engine/hybrid-search.ts'
import { errors } from '../../../errors/errors.ts'
import { kvObject, numberParam } from './key-values.ts'

// biome-ignore lint/suspicious/noExplicitAny: wire messages are loosely typed objects
type Wire = Record<string, any>

/** What a request's `function_score` (Milvus 2.6 rerank functions) asks for. */
export type FunctionScore = { readonly decay: DecaySpec } | { readonly reranker: Reranker } | { readonly boost: BoostSpec } | undefined

const RERANK_TYPE = 3

/**
 * Reads `function_score.functions` (`schema.FunctionSchema` with type Rerank and a `reranker` param):
 * `decay` (one numeric input field; `function`, `origin`, `scale`, `offset`, `decay`), `rrf` (`k`) and
 * `weighted` (`weights` as a JSON list). Model rerankers (`model`, …) call external services and are
 * refused; so is more than one function, as Milvus does.
 */
export function functionScoreOf(req: Wire): FunctionScore {
  const functions = req.function_score?.functions
  if (!Array.isArray(functions) || functions.length === 0) return undefined
  const isBoost = (f: Wire) => String(kvObject(f.params).reranker ?? '').toLowerCase() === 'boost'
  if (functions.some(isBoost)) {
    // Milvus's Boost Ranker: several boost functions combined by function_mode, applied by boost_mode.
    if (!functions.every(isBoost)) throw errors.invalid('a function_score that has boost functions may hold only boost functions')
    const params = kvObject(req.function_score.params)
    return {
      boost: {
        functions: functions.map((f: Wire) => boostFunctionOf(f.name === undefined || f.name === '' ? undefined : String(f.name), kvObject(f.params))),
        boostMode: boostCombineOf('boost_mode', params.boost_mode),
        functionMode: boostCombineOf('function_mode', params.function_mode),
      },
    }
  }
  if (functions.length > 1) throw errors.invalid(`only one rerank function is supported in function_score, got ${functions.length}`)
  const fn = functions[0] as Wire
  const type = fn.type
  if (type !== undefined && type !== RERANK_TYPE && type !== 'Rerank') {
    throw errors.invalid(`function ${String(fn.name)} in function_score must be of type Rerank, got ${String(type)}`)
  }
  const params = kvObject(fn.params)
  const inputs: string[] = Array.isArray(fn.input_field_names) ? fn.input_field_names : []
  const reranker = String(params.reranker ?? '').toLowerCase()
  switch (reranker) {
    case 'decay': {
      if (inputs.length !== 1) throw errors.invalid(`decay rerank takes exactly one input field, got [${inputs.join(', ')}]`)
      const num = (key: string) => numberParam(params, key)
      const origin = num('origin')
      const scale = num('scale')
      if (origin === undefined) throw errors.invalid('decay rerank: param origin is missing')
      if (scale === undefined) throw errors.invalid('decay rerank: param scale is missing')
      const offset = num('offset')
      const decay = num('decay')
      return {
        decay: { field: inputs[0]!, function: String(params.function ?? ''), origin, scale, ...(offset === undefined ? {} : { offset }), ...(decay === undefined ? {} : { decay }) },
      }
    }
    case 'rrf':
      return { reranker: { strategy: 'rrf', k: numberParam(params, 'k') ?? 60 } }
    case 'weighted': {
      let weights: unknown
      try {
        weights = JSON.parse(params.weights ?? '[]')
      } catch {
        weights = undefined
      }
      if (!Array.isArray(weights)) throw errors.invalid(`weighted rerank: param weights should be a JSON list of numbers, got ${String(params.weights)}`)
      return { reranker: { strategy: 'weighted', weights: weights.map(Number) } }
    }
    case 'model':
      throw errors.notSupported('model rerankers (reranker: model) call external inference services, which Quiver does not do; use decay, rrf or weighted')
    default:
      throw errors.invalid(`unsupported reranker ${JSON.stringify(params.reranker ?? '')} in function ${String(fn.name)}; Quiver serves decay, rrf and weighted`)
  }
}
