import type { Column, ColumnBatch, SparseRow } from '../column/column.ts'
import type { CollectionSchema, FieldSchema } from '../schema/collection-schema.ts'
import { FunctionType } from '../schema/function-schema.ts'
import { textFieldOptions } from '../schema/text-field.ts'
import { type Analyzer, createAnalyzer } from '../text/analyzer.ts'
import { termFrequencies } from '../text/term-frequencies.ts'

/** One analyzer per input field (schemas are immutable; a changed schema is a new object). */
const analyzers = new WeakMap<FieldSchema, Analyzer>()

/** The analyzer of a BM25 input field, built once from its `analyzer_params`. */
export function analyzerOf(field: FieldSchema): Analyzer {
  let a = analyzers.get(field)
  if (a === undefined) {
    a = createAnalyzer(textFieldOptions(field).analyzerParams)
    analyzers.set(field, a)
  }
  return a
}

/**
 * The batch with every BM25 function's output column computed from its input column (Milvus runs
 * the function in the proxy before the insert message): term hash → term frequency per row, a null
 * or empty text an empty row. Runs before the WAL record, so replay reads the same vectors and never
 * analyzes. A partial upsert that does not give the input field leaves the output to the stored row.
 */
export function withFunctionOutputs(schema: CollectionSchema, batch: ColumnBatch): ColumnBatch {
  if (schema.functions === undefined) return batch
  let columns: Map<string, Column> | undefined
  for (const fn of schema.functions) {
    if (fn.type !== FunctionType.BM25) continue
    const input = batch.columns.get(fn.inputFieldNames[0]!)
    if (input === undefined || input.kind !== 'varchar') continue
    const field = schema.fields.find((f) => f.name === fn.inputFieldNames[0])!
    columns ??= new Map(batch.columns)
    columns.set(fn.outputFieldNames[0]!, bm25Column(analyzerOf(field), input.values, input.validBits === null ? null : (r) => input.validBits!.get(r)))
  }
  if (columns === undefined) return batch
  return { rowCount: batch.rowCount, columns: inSchemaOrder(schema, columns) }
}

function bm25Column(analyzer: Analyzer, texts: readonly string[], valid: ((row: number) => boolean) | null): Column {
  const values = new Array<SparseRow>(texts.length)
  for (let r = 0; r < texts.length; r++) {
    values[r] = valid !== null && !valid(r) ? emptyRow : termFrequencies(analyzer, texts[r]!)
  }
  return { kind: 'sparseVector', values, validBits: null }
}

const emptyRow: SparseRow = { indices: new Uint32Array(0), values: new Float32Array(0) }

function inSchemaOrder(schema: CollectionSchema, columns: Map<string, Column>): Map<string, Column> {
  const out = new Map<string, Column>()
  for (const f of schema.fields) {
    const c = columns.get(f.name)
    if (c !== undefined) out.set(f.name, c)
  }
  for (const [name, c] of columns) if (!out.has(name)) out.set(name, c)
  return out
}
