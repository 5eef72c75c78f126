import { errors } from '../../errors/errors.ts'
import { findField, META_FIELD } from '../../schema/collection-schema.ts'
import { DataType, dataTypeName, isVectorType } from '../../schema/data-type.ts'
import type { FieldNode, PathKey } from '../expr-node.ts'
import type { ScalarColumnKind, ValuePlan, ValueType } from '../expr-plan.ts'
import { printField } from '../expr-to-string.ts'
import type { PlanContext } from './plan-context.ts'

/** What a field reference names, once looked up in the schema. */
export type FieldTarget =
  | { readonly kind: 'scalar'; readonly value: ValuePlan & { kind: 'column' }; readonly nullable: boolean }
  /** A JSON field (or `$meta`) and a path into it; `label` names it in messages. */
  | { readonly kind: 'json'; readonly column: string; readonly path: readonly PathKey[]; readonly nullable: boolean; readonly label: string }
  | { readonly kind: 'array'; readonly column: string; readonly elementKind: ScalarColumnKind; readonly nullable: boolean }
  | { readonly kind: 'arrayElement'; readonly value: ValuePlan & { kind: 'arrayElement' } }

const scalarKinds: Partial<Record<DataType, ScalarColumnKind>> = {
  [DataType.Bool]: 'bool',
  [DataType.Int8]: 'int8',
  [DataType.Int16]: 'int16',
  [DataType.Int32]: 'int32',
  [DataType.Int64]: 'int64',
  [DataType.Timestamptz]: 'int64', // microseconds since the epoch; ISO literals: timestamptz-compare.ts
  [DataType.Float]: 'float',
  [DataType.Double]: 'double',
  [DataType.VarChar]: 'varchar',
  [DataType.String]: 'varchar',
}

export function valueTypeOf(kind: ScalarColumnKind): ValueType {
  switch (kind) {
    case 'bool':
      return 'bool'
    case 'varchar':
      return 'string'
    case 'float':
    case 'double':
      return 'float'
    default:
      return 'int'
  }
}

/**
 * Looks a field reference up: a schema field, `$meta["k"]`, or (with `enableDynamicField`) a bare
 * name that is not a field, read as the dynamic key `$meta["name"]`.
 */
export function resolveField(ctx: PlanContext, node: FieldNode): FieldTarget {
  const { schema } = ctx
  if (node.name === META_FIELD) {
    if (!schema.enableDynamicField) throw errors.invalid(`field ${META_FIELD} not exist (the collection has no dynamic field)`)
    ctx.columns.add(META_FIELD)
    return { kind: 'json', column: META_FIELD, path: node.path, nullable: false, label: `dynamic field ${printField(node)}` }
  }
  const field = findField(schema, node.name)
  if (field === undefined) {
    if (!schema.enableDynamicField) throw errors.invalid(`field ${node.name} not exist`)
    ctx.columns.add(META_FIELD)
    const path = [node.name, ...node.path]
    return { kind: 'json', column: META_FIELD, path, nullable: false, label: `dynamic field ${printField(node)}` }
  }
  const t = field.dataType
  if (isVectorType(t)) throw errors.invalid(`vector field ${field.name} cannot be used in a filter expression`)
  ctx.columns.add(field.name)
  if (t === DataType.JSON) {
    return { kind: 'json', column: field.name, path: node.path, nullable: field.nullable, label: `JSON field ${printField(node)}` }
  }
  if (t === DataType.Array) return resolveArray(node, field.name, field.elementType, field.nullable)
  const kind = scalarKinds[t]
  if (kind === undefined) throw errors.invalid(`field ${field.name} of type ${dataTypeName(t)} cannot be used in a filter expression`)
  if (node.path.length > 0) {
    throw errors.invalid(`field ${field.name} is ${dataTypeName(t)}; only JSON and Array fields take [...] (${printField(node)})`)
  }
  return { kind: 'scalar', value: { kind: 'column', column: field.name, columnKind: kind, type: valueTypeOf(kind) }, nullable: field.nullable }
}

function resolveArray(node: FieldNode, column: string, elementType: DataType | undefined, nullable: boolean): FieldTarget {
  const elementKind = elementType === undefined ? undefined : scalarKinds[elementType]
  if (elementKind === undefined) throw errors.invalid(`Array field ${column} has no scalar element type`)
  if (node.path.length === 0) return { kind: 'array', column, elementKind, nullable }
  const index = node.path[0]
  if (node.path.length > 1 || typeof index !== 'number') {
    throw errors.invalid(`Array field ${column} takes one integer index, like ${column}[0], got ${printField(node)}`)
  }
  return {
    kind: 'arrayElement',
    value: { kind: 'arrayElement', column, index, elementKind, type: valueTypeOf(elementKind) },
  }
}

const kindNames: Record<ScalarColumnKind, string> = {
  bool: 'Bool',
  int8: 'Int8',
  int16: 'Int16',
  int32: 'Int32',
  int64: 'Int64',
  float: 'Float',
  double: 'Double',
  varchar: 'VarChar',
}

/** How a value is named in error messages: `Int64 field age`, `JSON field meta["a"]`. */
export function describeValue(v: ValuePlan): string {
  switch (v.kind) {
    case 'column':
      return `${kindNames[v.columnKind]} field ${v.column}`
    case 'jsonPath':
      return v.column === META_FIELD
        ? `dynamic field ${String(v.path[0] ?? META_FIELD)}${describePath(v.path.slice(1))}`
        : `JSON field ${v.column}${describePath(v.path)}`
    case 'arrayElement':
      return `element ${v.index} of ${kindNames[v.elementKind]} Array field ${v.column}`
    case 'arrayLength':
      return `array_length(${v.source.column}${v.source.kind === 'json' ? describePath(v.source.path) : ''})`
    case 'arith':
      return `arithmetic on ${describeValue(v.operand)}`
  }
}

function describePath(path: readonly PathKey[]): string {
  return path.map((k) => (typeof k === 'number' ? `[${k}]` : `[${JSON.stringify(k)}]`)).join('')
}

/** Whether values are float32 (Float fields and Float array elements): constants are rounded to match. */
export function isFloat32(v: ValuePlan): boolean {
  return (v.kind === 'column' && v.columnKind === 'float') || (v.kind === 'arrayElement' && v.elementKind === 'float')
}
