import type { CollectionSchema } from '../schema/collection-schema.ts'
import { compileFilter } from './compile-filter.ts'
import type { ExprPlan } from './plan.ts'

/** Compiled filters kept per schema; past this many, the oldest is forgotten. */
export const FILTER_CACHE_ENTRIES_MAX = 256

const bySchema = new WeakMap<CollectionSchema, Map<string, ExprPlan>>()
/** Plans handed out by the cache (reused by later reads with the same filter text). */
const sharedPlans = new WeakSet<ExprPlan>()

/** True for a plan from `compileFilterCached` that later reads may get again (worth remembering results by). */
export function isSharedPlan(plan: ExprPlan): boolean {
  return sharedPlans.has(plan)
}

/**
 * `compileFilter`, remembered per schema object and filter text, so a search or query repeated with
 * the same filter does not parse and plan it again. Filters with template parameters are compiled
 * each time (their values change the plan). Plans are immutable; a changed schema is a new object,
 * so it never sees another schema's plans. Errors are not cached.
 */
export function compileFilterCached(text: string, schema: CollectionSchema, params?: Readonly<Record<string, unknown>>): ExprPlan {
  if (params !== undefined && Object.keys(params).length > 0) return compileFilter(text, schema, params)
  let plans = bySchema.get(schema)
  if (plans === undefined) {
    plans = new Map()
    bySchema.set(schema, plans)
  }
  const hit = plans.get(text)
  if (hit !== undefined) return hit
  const plan = compileFilter(text, schema)
  if (plans.size >= FILTER_CACHE_ENTRIES_MAX) plans.delete(plans.keys().next().value!)
  plans.set(text, plan)
  sharedPlans.add(plan)
  return plan
}
