import type { CollectionSchema } from '../schema/collection-schema.ts'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import type { ExprPlan } from './expr-plan.ts'
import { parseExpr } from './parse-expr.ts'
import { planExpr } from './plan.ts'

const invalidSuffix = ': invalid parameter'
const echoCharsMax = 200

/**
 * Parses and plans a filter in one step. Type errors come back in Milvus's form
 * `cannot parse expression: <expr>, error: <reason>` (code 1100), the planner's error as `cause`.
 */
export function compileFilter(text: string, schema: CollectionSchema, params?: Readonly<Record<string, unknown>>): ExprPlan {
  const ast = parseExpr(text)
  try {
    return planExpr(ast, schema, params)
  } catch (e) {
    if (!(e instanceof MilvusError) || e.code !== ErrorCode.ParameterInvalid) throw e
    const reason = e.message.endsWith(invalidSuffix) ? e.message.slice(0, -invalidSuffix.length) : e.message
    const echo = text.length > echoCharsMax ? `${text.slice(0, echoCharsMax)}…` : text
    throw new MilvusError(ErrorCode.ParameterInvalid, `cannot parse expression: ${echo}, error: ${reason}`, {}, { cause: e })
  }
}
