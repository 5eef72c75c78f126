import { errors } from '../../errors/errors.ts'
import { META_FIELD } from '../../schema/collection-schema.ts'
import type { CallNode, ExistsNode, IsNullNode } from '../expr-node.ts'
import type { ArraySource, ConstValue, PredicatePlan } from '../expr-plan.ts'
import { coerceJsonConst, coerceScalar, type CoerceTarget } from './coerce.ts'
import { describeConst } from './constant.ts'
import { arraySource } from './plan-array-length.ts'
import type { PlanContext } from './plan-context.ts'
import { planConst } from './plan-operand.ts'
import { resolveField, valueTypeOf } from './resolve-field.ts'
import { geometryFieldOf, isSpatialFunction, planSpatial } from './spatial-functions.ts'
import { isTextMatchFunction, planTextMatch } from './text-match.ts'

const containsModes: Readonly<Record<string, 'one' | 'all' | 'any'>> = {
  json_contains: 'one',
  array_contains: 'one',
  json_contains_all: 'all',
  array_contains_all: 'all',
  json_contains_any: 'any',
  array_contains_any: 'any',
}

/** A function used as a condition: the `*_contains*` family (`json_` and `array_` are aliases, as in Milvus). */
export function planCall(ctx: PlanContext, node: CallNode): PredicatePlan {
  if (isSpatialFunction(node.name)) return planSpatial(ctx, node)
  if (isTextMatchFunction(node.name)) return planTextMatch(ctx, node)
  if (node.named !== undefined) throw errors.invalid(`${node.name} takes no named arguments, got ${node.named.map((o) => o.name).join(', ')}`)
  const mode = Object.hasOwn(containsModes, node.name) ? containsModes[node.name] : undefined
  if (mode === undefined) {
    if (node.name === 'array_length') {
      throw errors.invalid('array_length(...) is a number, not a condition; compare it, e.g. array_length(x) == 3')
    }
    throw errors.invalid(`function ${node.name} is not supported`)
  }
  if (node.args.length !== 2) throw errors.invalid(`${node.name} takes 2 arguments, got ${node.args.length}`)
  const source = arraySource(ctx, node.args[0]!, node.name)
  const arg = planConst(ctx, node.args[1]!, `the second argument of ${node.name}`)
  const target = elementTarget(source)
  const coerce = (c: ConstValue) => (source.kind === 'json' ? coerceJsonConst(target, c) : coerceScalar(target, c, '=='))
  if (mode === 'one') return { kind: 'contains', mode, source, values: [coerce(arg)] }
  if (arg.type !== 'list') throw errors.invalid(`${node.name} needs a list as its second argument, got ${describeConst(arg)}`)
  return { kind: 'contains', mode, source, values: arg.items.map(coerce) }
}

function elementTarget(source: ArraySource): CoerceTarget {
  if (source.kind === 'json') return { type: 'json', float32: false, label: `JSON field ${source.column}` }
  return {
    type: valueTypeOf(source.elementKind),
    float32: source.elementKind === 'float',
    label: `the elements of Array field ${source.column}`,
  }
}

/**
 * `x is null` / `x is not null`: column-level for fields (a non-nullable field is never null);
 * on a JSON path or dynamic key it means "the key is absent or JSON null" (Milvus: `not exists`).
 */
export function planIsNull(ctx: PlanContext, node: IsNullNode): PredicatePlan {
  const geometry = geometryFieldOf(ctx, node.operand)
  if (geometry !== undefined) return isNull(geometry.name, geometry.nullable, node.negated)
  const t = resolveField(ctx, node.operand)
  switch (t.kind) {
    case 'scalar':
      return isNull(t.value.column, t.nullable, node.negated)
    case 'array':
      return isNull(t.column, t.nullable, node.negated)
    case 'json': {
      if (t.path.length === 0) return isNull(t.column, t.nullable, node.negated)
      const exists: PredicatePlan = { kind: 'exists', column: t.column, path: t.path }
      return node.negated ? exists : { kind: 'not', operand: exists }
    }
    case 'arrayElement':
      throw errors.invalid(`is null applies to whole fields, not to the element ${t.value.column}[${t.value.index}]`)
  }
}

function isNull(column: string, nullable: boolean, negated: boolean): PredicatePlan {
  return { kind: 'isNull', column, nullable: nullable && column !== META_FIELD, negated }
}

/** `exists meta["a"]`: the key is present and not JSON null. */
export function planExists(ctx: PlanContext, node: ExistsNode): PredicatePlan {
  const operand = node.operand
  if (operand.kind !== 'field') throw errors.invalid('exists needs a JSON key, such as exists meta["a"]')
  const t = resolveField(ctx, operand)
  if (t.kind !== 'json') throw errors.invalid(`exists needs a JSON key, such as exists meta["a"]; ${operand.name} is not JSON`)
  return { kind: 'exists', column: t.column, path: t.path }
}
