import { errors } from '../../errors/errors.ts'
import { canonicalWkt } from '../../geometry/canonical-wkt.ts'
import { isWktProblem, readWkt } from '../../geometry/wkt.ts'
import type { SpatialRelation } from '../../geometry/spatial-op.ts'
import { type FieldSchema, findField } from '../../schema/collection-schema.ts'
import { DataType } from '../../schema/data-type.ts'
import type { CallNode, ExprNode } from '../expr-node.ts'
import type { PredicatePlan, SpatialOp } from '../expr-plan.ts'
import { exprToString } from '../expr-to-string.ts'
import { describeConst } from './constant.ts'
import type { PlanContext } from './plan-context.ts'
import { planConst } from './plan-operand.ts'

/**
 * Milvus 2.6's geometry functions (`Plan.g4`: SpatialBinary, STDWithin, STIsValid), all upper or
 * all lower case: `st_equals|st_touches|st_overlaps|st_crosses|st_contains|st_intersects|st_within
 * (field, 'WKT')`, `st_dwithin(field, 'POINT (lon lat)', metres)`, `st_isvalid(field)`.
 * The first argument is a Geometry field; the row's geometry is the left operand.
 */
const relations: Readonly<Record<string, SpatialRelation>> = {
  st_equals: 'equals',
  st_touches: 'touches',
  st_overlaps: 'overlaps',
  st_crosses: 'crosses',
  st_contains: 'contains',
  st_intersects: 'intersects',
  st_within: 'within',
}

export const spatialFunctionNames: readonly string[] = [...Object.keys(relations), 'st_dwithin', 'st_isvalid']

export function isSpatialFunction(name: string): boolean {
  return name === 'st_dwithin' || name === 'st_isvalid' || Object.hasOwn(relations, name)
}

/** Plans a call for which `isSpatialFunction(node.name)`. */
export function planSpatial(ctx: PlanContext, node: CallNode): PredicatePlan {
  const name = node.name
  const arity = name === 'st_isvalid' ? 1 : name === 'st_dwithin' ? 3 : 2
  if (node.args.length !== arity) throw errors.invalid(`${upper(name)} takes ${arity} argument${arity > 1 ? 's' : ''}, got ${node.args.length}`)
  const column = geometryColumn(ctx, node)
  if (name === 'st_isvalid') return spatial('isvalid', column, '', 0)
  const wkt = queryWkt(ctx, node, node.args[1]!)
  if (name !== 'st_dwithin') return spatial(relations[name]!, column, wkt, 0)
  if (!wkt.startsWith('POINT ')) throw errors.invalid(`ST_DWITHIN needs a POINT (longitude latitude) to measure from, got: ${wkt}`)
  return spatial('dwithin', column, wkt, distanceOf(ctx, node.args[2]!))
}

function spatial(op: SpatialOp, column: string, wkt: string, distanceM: number): PredicatePlan {
  return { kind: 'spatial', op, column, wkt, distanceM }
}

/** The first argument: the name of a Geometry field (Milvus: an Identifier). */
function geometryColumn(ctx: PlanContext, node: CallNode): string {
  const arg = node.args[0]!
  const field = arg.kind === 'field' && arg.path.length === 0 ? findField(ctx.schema, arg.name) : undefined
  if (field === undefined || field.dataType !== DataType.Geometry) {
    const what = node.name === 'st_dwithin' ? 'ST_DWITHIN' : node.name === 'st_isvalid' ? 'STIsValid' : 'spatial'
    throw errors.invalid(`${what} operation are only supported on geometry fields now, got: ${exprToString(node)}`)
  }
  ctx.columns.add(field.name)
  return field.name
}

function queryWkt(ctx: PlanContext, node: CallNode, arg: ExprNode): string {
  const c = planConst(ctx, arg, `the geometry of ${upper(node.name)}`)
  if (c.type !== 'string') throw errors.invalid(`${upper(node.name)} needs a WKT string as its second argument, got ${describeConst(c)}`)
  const g = readWkt(c.value)
  if (isWktProblem(g)) throw errors.invalid(`invalid WKT in ${upper(node.name)}: ${c.value}: ${g.problem}`)
  const canonical = canonicalWkt(c.value)
  return 'wkt' in canonical ? canonical.wkt : c.value
}

/** `ST_DWITHIN`'s distance: a constant integer or float, ≥ 0, in metres. */
function distanceOf(ctx: PlanContext, arg: ExprNode): number {
  const c = planConst(ctx, arg, 'distance parameter')
  if (c.type !== 'int' && c.type !== 'float') {
    throw errors.invalid(`distance parameter must be a numeric value (int or float), got: ${exprToString(arg)}`)
  }
  const d = Number(c.value)
  if (!(d >= 0)) throw errors.invalid(`distance parameter must be non-negative, got: ${d.toFixed(6)}`)
  return d
}

function upper(name: string): string {
  return name.toUpperCase()
}

/** The Geometry field `node` names (for `is null`), registered as read; else undefined. */
export function geometryFieldOf(ctx: PlanContext, node: ExprNode): FieldSchema | undefined {
  if (node.kind !== 'field' || node.path.length > 0) return undefined
  const field = findField(ctx.schema, node.name)
  if (field === undefined || field.dataType !== DataType.Geometry) return undefined
  ctx.columns.add(field.name)
  return field
}
