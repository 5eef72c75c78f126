import type { IndexJsonPath } from '../catalog/index-meta.ts'
import { errors } from '../errors/errors.ts'
import type { PathKey } from '../expr/expr-node.ts'
import { parseExpr } from '../expr/parse-expr.ts'
import { jsonIndexSpecOf } from '../expr/scalar-index/scalar-index-rules.ts'
import { type CollectionSchema, META_FIELD } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'

/**
 * Whether `createIndex` on `fieldName` builds a JSON path index: the field is JSON, or it is not a
 * field but the collection has a dynamic field and the request names a `json_path` or a
 * `json_cast_type` (an index on a dynamic key, as Milvus 2.6 takes it).
 */
export function isJsonIndexRequest(schema: CollectionSchema, fieldName: string, params: Readonly<Record<string, string>>): boolean {
  const field = schema.fields.find((f) => f.name === fieldName)
  if (field !== undefined) return field.dataType === DataType.JSON
  return schema.enableDynamicField && (params.json_path !== undefined || params.json_cast_type !== undefined)
}

/**
 * The column, path and cast type of a JSON path index on `fieldName` (a JSON field, or a dynamic
 * key) from its `json_path` (filter syntax: `meta["a"]["b"]`, `meta`, a dynamic key `color` or
 * `color["x"]`, `$meta["color"]`; default: the whole field) and `json_cast_type`. MilvusError 1100
 * when the path does not parse or names another field, when the index type or cast does not fit
 * (`jsonIndexSpecOf`), or for `json_cast_function` (see docs/compat.md); 1101 without a cast type.
 */
export function resolveJsonIndex(schema: CollectionSchema, fieldName: string, indexType: string, params: Readonly<Record<string, string>>): IndexJsonPath {
  const { castType } = jsonIndexSpecOf(indexType, params.json_cast_type, fieldName)
  if (params.json_cast_function !== undefined) {
    throw errors.invalid(
      `json_cast_function ${params.json_cast_function} is not supported: Quiver answers a filter the same with and without an index, and a converting cast would make them differ (field ${fieldName})`,
      { field: fieldName },
    )
  }
  const isField = schema.fields.some((f) => f.name === fieldName)
  const text = params.json_path ?? fieldName
  const node = parseJsonPath(text, fieldName)
  if (isField) {
    if (node.name !== fieldName) throw pathMismatch(text, fieldName)
    return { column: fieldName, path: node.path, castType }
  }
  const path: readonly PathKey[] = node.name === META_FIELD ? node.path : [node.name, ...node.path]
  // `field_name` is a dynamic key, or `$meta` itself with the key in the path.
  if (fieldName === META_FIELD ? path.length === 0 : path[0] !== fieldName) throw pathMismatch(text, fieldName)
  return { column: META_FIELD, path, castType }
}

function parseJsonPath(text: string, fieldName: string): { name: string; path: readonly PathKey[] } {
  let node: ReturnType<typeof parseExpr> | undefined
  try {
    node = parseExpr(text)
  } catch {
    node = undefined
  }
  if (node?.kind !== 'field') {
    throw errors.invalid(`json_path ${text} is not a JSON path of field ${fieldName} (expected a field name with keys, like ${fieldName}["key"]["nested"])`, { field: fieldName })
  }
  return node
}

function pathMismatch(text: string, fieldName: string) {
  return errors.invalid(`json_path ${text} does not refer to field ${fieldName}`, { field: fieldName })
}
