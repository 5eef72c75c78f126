import type { CollectionSchema } from '../schema/collection-schema.ts'
import { compileFilter } from './compile-filter.ts'
import type { ExprPlan } from './plan.ts'

/** Compiled filters kept per schema; past this many, the oldest is forgotten. */
export const FILTER_CACHE_ENTRIES_MAX = 256
/**
 * Filter text kept per schema, in characters (UTF-16 code units), summed over its entries; past it
 * the oldest are forgotten, and a longer text is not kept at all. A plan takes about 3 bytes per
 * character of its text (a 100,000-value `in` list: 0.6 M characters, 1.6 MB of typed arrays), so a
 * schema's cache stays within a few tens of MB whatever the filters.
 */
export const FILTER_CACHE_CHARS_MAX = 8 * 1024 * 1024

interface SchemaFilters {
  readonly plans: Map<string, ExprPlan>
  chars: number
}

const bySchema = new WeakMap<CollectionSchema, SchemaFilters>()
/** Plans handed out by the cache (reused by later reads with the same filter text). */
const sharedPlans = new WeakSet<ExprPlan>()
/** Plans compiled for one params object (`pinFilter`), dropped with it. */
const pinnedPlans = new WeakMap<object, { readonly text: string; readonly schema: CollectionSchema; readonly plan: ExprPlan }>()

/** True for a plan from `compileFilterCached` that later reads may get again (worth remembering results by). */
export function isSharedPlan(plan: ExprPlan): boolean {
  return sharedPlans.has(plan)
}

/** Whether plans of `text` with these params are cached (template parameters change the plan). */
export function isCacheable(params: Readonly<Record<string, unknown>> | undefined): boolean {
  return params === undefined || Object.keys(params).length === 0
}

/**
 * `compileFilter`, remembered per schema object and filter text, so a search or query repeated with
 * the same filter does not parse and plan it again. Filters with template parameters are compiled
 * each time (their values change the plan), unless the plan was pinned to that very params object
 * (`pinFilter`). Plans are immutable; a changed schema is a new object, so it never sees another
 * schema's plans. Errors are not cached.
 */
export function compileFilterCached(text: string, schema: CollectionSchema, params?: Readonly<Record<string, unknown>>): ExprPlan {
  if (!isCacheable(params)) {
    const pin = pinnedPlans.get(params!)
    return pin !== undefined && pin.text === text && pin.schema === schema ? pin.plan : compileFilter(text, schema, params)
  }
  return cachedFilter(text, schema) ?? rememberFilter(text, schema, compileFilter(text, schema))
}

/**
 * Makes `compileFilterCached(text, schema, params)` with this very `params` object return `plan`,
 * compiled from them earlier (off the event loop): a delete by a template filter is applied with the
 * plan its request compiled. The caller owns `params` and never changes it (a private copy).
 */
export function pinFilter(text: string, schema: CollectionSchema, params: Readonly<Record<string, unknown>>, plan: ExprPlan): void {
  pinnedPlans.set(params, { text, schema, plan })
}

/** The cached plan of `text` on `schema`, if there is one (never compiles). */
export function cachedFilter(text: string, schema: CollectionSchema): ExprPlan | undefined {
  return bySchema.get(schema)?.plans.get(text)
}

/**
 * Caches `plan`, compiled from `text` for `schema` (here or on the filter worker), and returns the
 * plan every caller gets for that text: one cached meanwhile wins, so there is one shared object.
 */
export function rememberFilter(text: string, schema: CollectionSchema, plan: ExprPlan): ExprPlan {
  let filters = bySchema.get(schema)
  if (filters === undefined) {
    filters = { plans: new Map(), chars: 0 }
    bySchema.set(schema, filters)
  }
  const hit = filters.plans.get(text)
  if (hit !== undefined) return hit
  if (text.length > FILTER_CACHE_CHARS_MAX) return plan
  const { plans } = filters
  while (plans.size > 0 && (plans.size >= FILTER_CACHE_ENTRIES_MAX || filters.chars + text.length > FILTER_CACHE_CHARS_MAX)) {
    const oldest = plans.keys().next().value!
    plans.delete(oldest)
    filters.chars -= oldest.length
  }
  plans.set(text, plan)
  filters.chars += text.length
  sharedPlans.add(plan)
  return plan
}
