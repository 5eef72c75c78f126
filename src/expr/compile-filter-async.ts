import type { CollectionSchema } from '../schema/collection-schema.ts'
import { compileFilter } from './compile-filter.ts'
import { sharedCompileThread } from './compile-thread.ts'
import type { ExprPlan } from './expr-plan.ts'
import { cachedFilter, compileFilterCached, isCacheable, rememberFilter } from './filter-cache.ts'
import { prepareLookups } from './prepare-lookups.ts'

/**
 * Filters at most this long, in characters, are compiled in-line (on the calling thread); longer
 * ones on the filter worker. Measured (best of 7, busy 2-core machine): at 16 KiB an in-line compile
 * costs 0.9 ms (an `in` list) to 2 ms (a chain of comparisons and likes), well under one 8 ms read
 * slice; at 64 KiB an `in` list costs 8 ms in-line but 1.2 ms of the main thread through the worker
 * (its plan is typed arrays). Plans of many small objects (long chains) cost about as much to
 * deserialise as to compile (a 5,000-term chain: 8 ms vs 5 ms), so for them the worker gains
 * nothing, and loses little; `exprOperatorsMax` bounds both. docs/design/0008-request-slicing.md.
 */
export const INLINE_FILTER_CHARS_MAX = 16 * 1024
/**
 * Template values (list items counted one each at every level, string characters / 16) up to which
 * a filter with parameters is compiled in-line; above it, on the worker.
 */
export const INLINE_PARAM_WEIGHT_MAX = 2048

/** Compiles in flight on the worker, per schema and text: concurrent reads of one big filter share one. */
const inFlight = new WeakMap<CollectionSchema, Map<string, Promise<ExprPlan>>>()

/**
 * `compileFilterCached` that never holds the event loop for long: small filters (the usual case,
 * and every cache hit) are compiled in-line; big ones (long text, big template lists) on the filter
 * worker (`CompileThread`). Same plans, same errors (MilvusError 1100 with the same message), same
 * cache: a cacheable filter gets the one shared plan object whichever way it was compiled.
 */
export async function compileFilterAsync(text: string, schema: CollectionSchema, params?: Readonly<Record<string, unknown>>): Promise<ExprPlan> {
  const cacheable = isCacheable(params)
  if (cacheable) {
    const hit = typeof text === 'string' ? cachedFilter(text, schema) : undefined
    if (hit !== undefined) return hit
  }
  if (compilesInline(text, params)) return compileFilterCached(text, schema, params)
  if (!cacheable) return compileOnWorker(text, schema, params)
  let texts = inFlight.get(schema)
  if (texts === undefined) {
    texts = new Map()
    inFlight.set(schema, texts)
  }
  const running = texts.get(text)
  if (running !== undefined) return running
  const compiled = compileOnWorker(text, schema).then((plan) => rememberFilter(text, schema, plan))
  texts.set(text, compiled)
  const done = () => texts.delete(text)
  compiled.then(done, done)
  return compiled
}

/** Whether a filter is cheap enough to compile on the calling thread (see the two limits above). */
export function compilesInline(text: string, params?: Readonly<Record<string, unknown>>): boolean {
  if (typeof text !== 'string') return true // refused at once by parseExpr
  return text.length <= INLINE_FILTER_CHARS_MAX && (params === undefined || paramWeightAtMost(params, INLINE_PARAM_WEIGHT_MAX))
}

/** Whether the template values weigh at most `max`; stops counting past it (cycles and shared lists included). */
function paramWeightAtMost(params: Readonly<Record<string, unknown>>, max: number): boolean {
  let weight = 0
  const stack: unknown[] = Object.values(params)
  while (stack.length > 0) {
    const v = stack.pop()
    weight += typeof v === 'string' ? 1 + (v.length >>> 4) : 1
    if (weight > max) return false
    if (Array.isArray(v)) {
      if (weight + v.length > max) return false
      for (let i = 0; i < v.length; i++) stack.push(v[i])
    }
  }
  return true
}

/**
 * The worker compiles; then the plan's lookup sets are built here in slices (`prepareLookups`).
 * Params it cannot be sent (never valid template values) are compiled here.
 */
async function compileOnWorker(text: string, schema: CollectionSchema, params?: Readonly<Record<string, unknown>>): Promise<ExprPlan> {
  let pending: Promise<ExprPlan>
  try {
    pending = sharedCompileThread().compile(text, schema, params)
  } catch (e) {
    if (e instanceof Error && e.name === 'DataCloneError') return compileFilter(text, schema, params)
    throw e
  }
  const plan = await pending
  await prepareLookups(plan)
  return plan
}
