import { planOutput } from '../../../engine/output-fields.ts'
import type { Row } from '../../../engine/read-ops.ts'
import { type CollectionSchema, type FieldSchema, META_FIELD } from '../../../schema/collection-schema.ts'
import { DataType } from '../../../schema/data-type.ts'
import { findStructField } from '../../../schema/struct-array-schema.ts'
import { fieldDataOfRows, type StructOutputField } from './field-data-encode.ts'

// biome-ignore lint/suspicious/noExplicitAny: wire messages are loosely typed objects
type Wire = Record<string, any>

/** The columns a read answers with, by the engine's output-field rules (`planOutput`). */
export interface OutputColumns {
  readonly fields: readonly FieldSchema[]
  /** A `$meta` column follows the fields. */
  readonly withDynamic: boolean
  /**
   * `output_fields` of the response: the fields, then `$meta` when every dynamic key was asked
   * for (`*`) or the dynamic keys asked for by name (clients look those up inside `$meta`).
   */
  readonly names: readonly string[]
}

/**
 * `output_fields` as a read takes them: trimmed, empty names dropped, each name once in the order
 * first asked (Milvus reads them as a set). A million copies of one name held the event loop 6 s.
 */
export function requestedOutputFields(list: unknown): string[] {
  if (!Array.isArray(list)) return []
  const seen = new Set<string>()
  for (const f of list) {
    const name = String(f).trim()
    if (name !== '') seen.add(name)
  }
  return [...seen]
}

export function outputColumnsOf(schema: CollectionSchema, requested: readonly string[] | undefined, pkName: string): OutputColumns {
  const plan = planOutput(schema, requested, pkName)
  const fields = withStructs(plan.fields.filter((n) => n !== META_FIELD).map((n) => schema.fields.find((f) => f.name === n)!), schema)
  const dynamicNames = plan.dynamicKeys === 'all' ? [META_FIELD] : plan.dynamicKeys
  return { fields, withDynamic: plan.fields.includes(META_FIELD), names: [...fields.map((f) => f.name), ...dynamicNames] }
}

export function columnsOfRows(rows: readonly Row[], out: OutputColumns): Wire[] {
  return fieldDataOfRows(rows, out.fields, out.withDynamic)
}

/** Sub-field columns of a struct → one struct column at the place of its first sub-field (the rows hold the struct lists). */
function withStructs(fields: FieldSchema[], schema: CollectionSchema): FieldSchema[] {
  if (!fields.some((f) => f.structOf !== undefined)) return fields
  const out: FieldSchema[] = []
  const done = new Set<string>()
  for (const f of fields) {
    if (f.structOf === undefined) {
      out.push(f)
      continue
    }
    const name = f.structOf.structName
    if (done.has(name)) continue
    done.add(name)
    const struct = findStructField(schema, name)!
    const structFields = fields.filter((x) => x.structOf?.structName === name)
    const column: StructOutputField = {
      fieldId: struct.fieldId,
      name,
      dataType: DataType.ArrayOfStruct,
      description: struct.description,
      isPrimaryKey: false,
      autoId: false,
      nullable: false,
      isPartitionKey: false,
      isDynamic: false,
      structFields,
    }
    out.push(column)
  }
  return out
}
