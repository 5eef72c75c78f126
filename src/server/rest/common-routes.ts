import { expectOk } from './rest-failure.ts'
import { optionalBoolean, optionalString, optionalStringList, type RestBody } from './rest-params.ts'
import { type RestRouteTable, sdk } from './rest-route.ts'
import { errors } from '../../errors/errors.ts'

/**
 * common/run_analyzer: `{text: [..], analyzerParams (JSON text or object), withDetail, withHash,
 * collectionName, fieldName, analyzerNames, dbName}` → `{results: [{tokens: [...]}]}`, tokens as the
 * gRPC answer's (`token`, `start_offset`, `end_offset`, `position`, `position_length`, `hash`).
 */
export const commonRoutes: RestRouteTable = {
  run_analyzer: async (body, ctx) => {
    const r = expectOk(
      await ctx.client.runAnalyzer(
        sdk(ctx, {
          text: texts(body),
          analyzer_params: analyzerParams(body),
          with_detail: optionalBoolean(body, 'withDetail') === true,
          with_hash: optionalBoolean(body, 'withHash') === true,
          collection_name: optionalString(body, 'collectionName') ?? '',
          field_name: optionalString(body, 'fieldName') ?? '',
          analyzer_names: optionalStringList(body, 'analyzerNames') ?? [],
        }),
      ),
    )
    return { data: { results: r.results } }
  },
}

function texts(body: RestBody): string[] {
  const t = body.text
  if (typeof t === 'string') return [t]
  if (!Array.isArray(t) || t.some((x) => typeof x !== 'string')) throw errors.missing('text should be a list of strings')
  return t as string[]
}

function analyzerParams(body: RestBody): string | Record<string, unknown> {
  const p = body.analyzerParams
  if (p === undefined || p === null) return ''
  if (typeof p === 'string' || (typeof p === 'object' && !Array.isArray(p))) return p as string | Record<string, unknown>
  throw errors.invalid('analyzerParams should be a JSON object or its text')
}
