import type { Column } from '../column/column.ts'
import { columnKindOf } from '../column/column-kind.ts'
import { errors } from '../errors/errors.ts'
import { compileFilter } from '../expr/compile-filter.ts'
import { evaluate } from '../expr/evaluate.ts'
import type { CollectionSchema, FieldSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import { findStructField, type StructArrayFieldSchema } from '../schema/struct-array-schema.ts'
import type { Segment } from '../segment/segment.ts'
import type { Database } from './database.ts'
import { planOutput } from './output-fields.ts'
import type { QueryOptions, Row } from './read-ops.ts'

/** Key of a query row's matching struct element offsets (element-level query); a symbol, so it is never an output field. */
export const ELEMENT_OFFSETS: unique symbol = Symbol('elementOffsets')

/**
 * `element_filter(struct, predicate)` (Milvus 2.6): a row matches when at least one of its struct
 * elements satisfies the predicate, where `$[sub]` is that element's scalar sub-field `sub`; the
 * query answers each matching row with the offsets of its matching elements. Quiver takes it as the
 * whole filter or ANDed (`and`, `&&`) with a row-level filter at the top of the expression.
 */
export interface ElementFilter {
  /** The row-level rest of the filter, if any. */
  readonly rowFilter: string | undefined
  readonly struct: StructArrayFieldSchema
  /** The predicate with `$[sub]` read as column `sub`, over the struct's scalar sub-fields. */
  readonly predicate: string
}

/** The element filter in `filter`, or undefined when it has none. Throws 1100 when it is misplaced or names no struct field. */
export function parseElementFilter(filter: string | undefined, schema: CollectionSchema): ElementFilter | undefined {
  if (filter === undefined) return undefined
  const at = findCall(filter)
  if (at === undefined) return undefined
  const close = matchingParen(filter, at.open)
  const args = filter.slice(at.open + 1, close)
  const comma = topLevelComma(args)
  if (comma < 0) throw errors.invalid(`element_filter needs two arguments, a struct array field and a predicate: ${filter}`)
  const name = args.slice(0, comma).trim()
  const struct = findStructField(schema, name)
  if (struct === undefined) throw errors.invalid(`element_filter: ${name} is not a struct array field`, { field: name })
  const before = filter.slice(0, at.start).trim()
  const after = filter.slice(close + 1).trim()
  const rowFilter = restOf(before, after, filter)
  return { rowFilter, struct, predicate: args.slice(comma + 1).replace(/\$\[\s*([A-Za-z_][A-Za-z0-9_]*)\s*\]/g, '$1').trim() }
}

/** Each row's struct elements (as the query returns them, `items: [{ label, order }, …]`) that satisfy the predicate. */
export function matchElements(f: ElementFilter, schema: CollectionSchema, lists: readonly (readonly Record<string, unknown>[])[]): number[][] {
  const subs = scalarSubFields(f.struct, schema)
  const perSub = new Map(subs.map((s) => [s.name, lists.map((l) => l.map((e) => e[s.name]))]))
  return matchSubValues(f, subs, perSub, lists.map((l) => l.length))
}

/** The matching element offsets of every row, from each scalar sub-field's values per row. */
function matchSubValues(f: ElementFilter, subs: readonly FieldSchema[], perSub: ReadonlyMap<string, readonly (readonly unknown[])[]>, counts: readonly number[]): number[][] {
  const elementSchema: CollectionSchema = { name: f.struct.name, description: '', fields: subs, enableDynamicField: false, numPartitions: 0 }
  const plan = compileFilter(f.predicate, elementSchema)
  const rowOf: number[] = []
  const offsetOf: number[] = []
  counts.forEach((n, r) => {
    for (let j = 0; j < n; j++) {
      rowOf.push(r)
      offsetOf.push(j)
    }
  })
  const columns = new Map<string, Column>(subs.map((s) => [s.name, elementColumn(s, perSub.get(s.name)!, rowOf.length)]))
  const bits = evaluate(plan, { rowCount: rowOf.length, column: (n) => columns.get(n) })
  const out = counts.map((): number[] => [])
  for (let e = 0; e < rowOf.length; e++) if (bits.get(e)) out[rowOf[e]!]!.push(offsetOf[e]!)
  return out
}

/**
 * A search with an element filter: it must search a vector sub-field of the filter's struct; the
 * request then carries, per segment, the elements of each row that match (computed once per segment).
 */
export function withElementMask<T extends { readonly field: FieldSchema }>(schema: CollectionSchema, resolved: T, f: ElementFilter | undefined): T & { elementMask?: (segment: Segment) => (row: number) => ReadonlySet<number> } {
  if (f === undefined) return resolved
  if (resolved.field.structOf?.structName !== f.struct.name) {
    throw errors.invalid(`element_filter(${f.struct.name}, …) in a search needs anns_field to be a vector sub-field of ${f.struct.name}, got ${resolved.field.name}`, { field: resolved.field.name })
  }
  const subs = scalarSubFields(f.struct, schema)
  const elementMask = (segment: Segment) => {
    const perSub = new Map(subs.map((s) => [s.name, segment.fields.get(`${f.struct.name}[${s.name}]`)!.view().values as unknown[][]]))
    const first = perSub.values().next().value ?? []
    const matched = matchSubValues(f, subs, perSub, first.map((l) => l.length))
    return (row: number): ReadonlySet<number> => new Set(matched[row] ?? [])
  }
  return { ...resolved, elementMask }
}

/** The struct's scalar sub-fields as plain fields named by their names inside the struct. */
function scalarSubFields(s: StructArrayFieldSchema, schema: CollectionSchema): FieldSchema[] {
  return s.fieldNames
    .map((n) => schema.fields.find((f) => f.name === n)!)
    .filter((f) => f.dataType === DataType.Array)
    .map((f) => {
      const { structOf, elementType, maxCapacity: _m, ...rest } = f
      return { ...rest, name: structOf!.subName, dataType: elementType ?? DataType.None }
    })
}

/** One sub-field's values of every element, in (row, offset) order, as a column of its element kind. */
function elementColumn(f: FieldSchema, perRow: readonly (readonly unknown[])[], total: number): Column {
  const values: unknown[] = []
  for (const l of perRow) for (const v of l) values.push(v)
  const kind = columnKindOf(f)
  switch (kind) {
    case 'bool':
      return { kind, values: Uint8Array.from(values, (v) => (v === true ? 1 : 0)), validBits: null }
    case 'int8':
      return { kind, values: Int8Array.from(values as number[]), validBits: null }
    case 'int16':
      return { kind, values: Int16Array.from(values as number[]), validBits: null }
    case 'int32':
      return { kind, values: Int32Array.from(values as number[]), validBits: null }
    case 'int64':
      return { kind, values: BigInt64Array.from(values, (v) => BigInt(v as bigint)), validBits: null }
    case 'float':
      return { kind, values: Float32Array.from(values as number[]), validBits: null }
    case 'double':
      return { kind, values: Float64Array.from(values as number[]), validBits: null }
    case 'varchar':
      return { kind, values: values.map(String), validBits: null }
    default:
      throw new Error(`struct sub-field ${f.name} of kind ${kind} in ${total} elements is not a scalar`)
  }
}

function findCall(s: string): { start: number; open: number } | undefined {
  let quote: string | undefined
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (quote !== undefined) {
      if (c === '\\') i++
      else if (c === quote) quote = undefined
      continue
    }
    if (c === '"' || c === "'") quote = c
    else if (/^element_filter\s*\(/i.test(s.slice(i, i + 40)) && (i === 0 || !/[A-Za-z0-9_]/.test(s[i - 1]!))) {
      return { start: i, open: s.indexOf('(', i) }
    }
  }
  return undefined
}

function matchingParen(s: string, open: number): number {
  let depth = 0
  let quote: string | undefined
  for (let i = open; i < s.length; i++) {
    const c = s[i]!
    if (quote !== undefined) {
      if (c === '\\') i++
      else if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") quote = c
    else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i
  }
  throw errors.invalid(`element_filter has no closing parenthesis: ${s}`)
}

function topLevelComma(s: string): number {
  let depth = 0
  let quote: string | undefined
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (quote !== undefined) {
      if (c === '\\') i++
      else if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") quote = c
    else if (c === '(' || c === '[') depth++
    else if (c === ')' || c === ']') depth--
    else if (c === ',' && depth === 0) return i
  }
  return -1
}

const andOp = /^(and|&&)\s+|^&&/i

/** The row filter around the element filter: nothing, or one side joined to it by a top-level AND. */
function restOf(before: string, after: string, filter: string): string | undefined {
  if (before === '' && after === '') return undefined
  if (before === '' && andOp.test(after)) return after.replace(andOp, '').trim()
  const tail = /\s*(and|&&)$/i
  if (after === '' && tail.test(before)) return before.replace(tail, '').trim()
  throw errors.invalid(`element_filter must be the whole filter or joined to a row filter by AND at the top level: ${filter}`)
}

/**
 * A query whose filter holds an element filter: the rows of the row-level rest (with the whole struct
 * read), kept when some element matches, each carrying its matching offsets under `ELEMENT_OFFSETS`;
 * then the asked output (only the sub-fields asked for) and the paging.
 */
export async function queryElementRows(
  db: Database,
  collection: string,
  opts: QueryOptions,
  f: ElementFilter,
  queryRows: (db: Database, collection: string, opts: QueryOptions) => Promise<Row[]>,
): Promise<Row[]> {
  const d = db.state.collection(collection)
  const { limit, offset, ...rest } = opts
  const rows = await queryRows(db, collection, { ...rest, filter: f.rowFilter ?? '', outputFields: [...(opts.outputFields ?? []), f.struct.name] })
  const lists = rows.map((r) => (Array.isArray(r[f.struct.name]) ? (r[f.struct.name] as Record<string, unknown>[]) : []))
  const offsets = matchElements(f, d.schema, lists)
  const asked = planOutput(d.schema, opts.outputFields, d.pkField.name).structs?.find((s) => s.name === f.struct.name)
  const kept: Row[] = []
  rows.forEach((row, i) => {
    if (offsets[i]!.length === 0) return
    if (asked === undefined) delete row[f.struct.name]
    else row[f.struct.name] = lists[i]!.map((e) => Object.fromEntries(asked.members.map(([, sub]) => [sub, e[sub]])))
    ;(row as Record<symbol, unknown>)[ELEMENT_OFFSETS] = offsets[i]
    kept.push(row)
  })
  const from = offset ?? 0
  return kept.slice(from, limit === undefined || limit < 0 ? undefined : from + limit)
}
