import type { Column, ColumnBatch, SparseRow } from '../column/column.ts'
import type { CollectionSchema, FieldSchema } from '../schema/collection-schema.ts'
import { FunctionType } from '../schema/function-schema.ts'
import { textFieldOptions } from '../schema/text-field.ts'
import { type Analyzer, createAnalyzer } from '../text/analyzer.ts'
import { createMultiAnalyzer, type MultiAnalyzer } from '../text/multi-analyzer.ts'
import { termFrequencyRows } from '../text/term-frequencies.ts'

/** One analyzer per input field (schemas are immutable; a changed schema is a new object). */
const analyzers = new WeakMap<FieldSchema, Analyzer>()

const multiAnalyzers = new WeakMap<FieldSchema, MultiAnalyzer | null>()

/** The multi-language analyzer of a field with `multi_analyzer_params` (null without). */
export function multiAnalyzerOf(field: FieldSchema): MultiAnalyzer | null {
  let m = multiAnalyzers.get(field)
  if (m === undefined) {
    const params = textFieldOptions(field).multiAnalyzerParams
    m = params === undefined ? null : createMultiAnalyzer(params)
    multiAnalyzers.set(field, m)
  }
  return m
}

/**
 * The analyzer of a BM25 input field, built once from its `analyzer_params`; with
 * `multi_analyzer_params`, the one `analyzerName` selects (alias, else `default`), as Milvus's
 * search takes `analyzer_name`.
 */
export function analyzerOf(field: FieldSchema, analyzerName?: string): Analyzer {
  const multi = multiAnalyzerOf(field)
  if (multi !== null) return multi.analyzerFor(analyzerName)
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
    const valid = input.validBits === null ? null : (r: number) => input.validBits!.get(r)
    const multi = multiAnalyzerOf(field)
    const analyzerAt = multi === null ? constant(analyzerOf(field)) : perRowAnalyzer(multi, batch.columns.get(multi.byField))
    columns.set(fn.outputFieldNames[0]!, bm25Column(analyzerAt, input.values, valid))
  }
  if (columns === undefined) return batch
  return { rowCount: batch.rowCount, columns: inSchemaOrder(schema, columns) }
}

function constant(a: Analyzer): (row: number) => Analyzer {
  return () => a
}

/** Each row's analyzer from its language (the `by_field` column; absent or null: `default`). */
function perRowAnalyzer(multi: MultiAnalyzer, languages: Column | undefined): (row: number) => Analyzer {
  if (languages === undefined || languages.kind !== 'varchar') return () => multi.analyzerFor(undefined)
  return (r) => multi.analyzerFor(languages.validBits !== null && !languages.validBits.get(r) ? undefined : languages.values[r])
}

function bm25Column(analyzerAt: (row: number) => Analyzer, texts: readonly string[], valid: ((row: number) => boolean) | null): Column {
  const values: SparseRow[] = termFrequencyRows(analyzerAt, texts, valid === null ? null : (r) => !valid(r))
  return { kind: 'sparseVector', values, validBits: null }
}

function inSchemaOrder(schema: CollectionSchema, columns: Map<string, Column>): Map<string, Column> {
  const out = new Map<string, Column>()
  for (const f of schema.fields) {
    const c = columns.get(f.name)
    if (c !== undefined) out.set(f.name, c)
  }
  for (const [name, c] of columns) if (!out.has(name)) out.set(name, c)
  return out
}
