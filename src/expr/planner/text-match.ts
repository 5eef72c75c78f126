import { errors } from '../../errors/errors.ts'
import { type FieldSchema, findField } from '../../schema/collection-schema.ts'
import { DataType } from '../../schema/data-type.ts'
import { textFieldOptions } from '../../schema/text-field.ts'
import { analyzerOf } from '../../text/text-index-cache.ts'
import type { CallNode, ExprNode } from '../expr-node.ts'
import type { PredicatePlan } from '../expr-plan.ts'
import { exprToString } from '../expr-to-string.ts'
import { describeConst } from './constant.ts'
import type { PlanContext } from './plan-context.ts'
import { planConst } from './plan-operand.ts'

/** Milvus's bounds of `minimum_should_match` (planparserv2 `VisitTextMatch`). */
const MIN_SHOULD_MATCH_MAX = 1000
const UINT32_MAX = 0xffffffff

export function isTextMatchFunction(name: string): boolean {
  return name === 'text_match' || name === 'phrase_match'
}

/**
 * `TEXT_MATCH(field, 'query'[, minimum_should_match=n])` and `PHRASE_MATCH(field, 'query'[, slop])`
 * (Milvus 2.6 `Plan.g4`): the field is a VarChar with `enable_match`; the query text is analyzed
 * here, once, with the field's analyzer, so every segment looks up the same terms.
 */
export function planTextMatch(ctx: PlanContext, node: CallNode): PredicatePlan {
  const phrase = node.name === 'phrase_match'
  const label = phrase ? 'PHRASE_MATCH' : 'TEXT_MATCH'
  const maxArgs = phrase ? 3 : 2
  if (node.args.length < 2 || node.args.length > maxArgs) {
    throw errors.invalid(`${label} takes a field and a query string${phrase ? ' (and a slop)' : ''}, got: ${exprToString(node)}`)
  }
  const { column, analyzer } = matchField(ctx, node.args[0]!, phrase ? 'phrase match' : 'text match')
  const query = planConst(ctx, node.args[1]!, `the query of ${label}`)
  if (query.type !== 'string') throw errors.invalid(`${label} needs a string query as its second argument, got ${describeConst(query)}`)
  const tokens = analyzerOf(analyzer).analyze(query.value)
  if (phrase) {
    if (node.named !== undefined) throw errors.invalid(`PHRASE_MATCH takes no named arguments, got: ${exprToString(node)}`)
    const slop = node.args[2] === undefined ? 0 : slopOf(ctx, node.args[2])
    return { kind: 'phraseMatch', column, analyzer, terms: tokens.map((t) => t.text), offsets: tokens.map((t) => t.position), slop }
  }
  return { kind: 'textMatch', column, analyzer, terms: [...new Set(tokens.map((t) => t.text))], minShouldMatch: minShouldMatchOf(ctx, node) }
}

function matchField(ctx: PlanContext, arg: ExprNode, what: string): { column: string; analyzer: string } {
  if (arg.kind !== 'field' || arg.path.length > 0) throw errors.invalid(`${what} needs a field name as its first argument, got: ${exprToString(arg)}`)
  const field = findField(ctx.schema, arg.name)
  if (field === undefined && !ctx.schema.enableDynamicField) throw errors.invalid(`field ${arg.name} not exist`)
  if (field === undefined || field.dataType !== DataType.VarChar) throw errors.invalid(`${what} operation on non-string is unsupported`)
  const options = textFieldOptions(field)
  if (!options.enableMatch) throw errors.invalid(`field "${field.name}" does not enable match`)
  if (options.multiAnalyzerParams !== undefined) throw errors.notSupported(`${what} on field ${field.name} with multi_analyzer_params is not supported by Quiver`)
  ctx.columns.add(field.name)
  return { column: field.name, analyzer: textAnalyzerKey(field) }
}

/**
 * The analyzer key of a field's text index: its `analyzer_params` as JSON, '' for the default
 * analyzer. Plans carry it; the text index cache is keyed by it (`text/text-index-cache.ts`).
 */
export function textAnalyzerKey(field: FieldSchema): string {
  const params = textFieldOptions(field).analyzerParams
  return params === undefined ? '' : JSON.stringify(params)
}

function minShouldMatchOf(ctx: PlanContext, node: CallNode): number {
  let n = 1
  for (const option of node.named ?? []) {
    if (option.name.toLowerCase() !== 'minimum_should_match') throw errors.invalid(`TEXT_MATCH has no option ${option.name}; it takes minimum_should_match=<integer>`)
    const c = planConst(ctx, option.value, 'minimum_should_match')
    if (c.type !== 'int') throw errors.invalid(`minimum_should_match should be a const integer expression, got ${describeConst(c)}`)
    if (c.value < 1n) throw errors.invalid(`minimum_should_match should be >= 1, got ${c.value}`)
    if (c.value > BigInt(MIN_SHOULD_MATCH_MAX)) throw errors.invalid(`minimum_should_match should be <= ${MIN_SHOULD_MATCH_MAX}, got ${c.value}`)
    n = Number(c.value)
  }
  return n
}

function slopOf(ctx: PlanContext, arg: ExprNode): number {
  const text = exprToString(arg)
  let c
  try {
    c = planConst(ctx, arg, 'slop')
  } catch {
    throw errors.invalid(`"slop" should be a const integer expression with "uint32" value. "slop" expression passed: ${text}`)
  }
  if (c.type !== 'int') throw errors.invalid(`"slop" should be a const integer expression with "uint32" value. "slop" expression passed: ${text}`)
  if (c.value < 0n) throw errors.invalid(`"slop" should not be a negative interger. "slop" passed: ${text}`)
  if (c.value > BigInt(UINT32_MAX)) throw errors.invalid(`"slop" exceeds the range of "uint32". "slop" expression passed: ${text}`)
  return Number(c.value)
}
