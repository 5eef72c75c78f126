import type { Column, ColumnBatch, SparseRow } from '../column/column.ts'
import { rememberSparseBlocks } from '../column/sparse-blocks.ts'
import type { CollectionSchema, FieldSchema } from '../schema/collection-schema.ts'
import { FunctionType } from '../schema/function-schema.ts'
import { textFieldOptions } from '../schema/text-field.ts'
import { type Analyzer, createAnalyzer } from '../text/analyzer.ts'
import { createMultiAnalyzer, type MultiAnalyzer } from '../text/multi-analyzer.ts'
import { csrRow, scansInWasm, type TermFrequencyCsr, termFrequencyRows, utf8TermFrequencyCsr, utf8TermFrequencyCsrOf } from '../text/term-frequencies.ts'
import { termFrequencyPool } from '../text/term-frequency-pool.ts'
import { encodeUtf8Column } from '../text/utf8-texts.ts'

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
 * or empty text an empty row. The outputs are not logged (`docs/design/0017-function-outputs-unlogged.md`):
 * a writer computes them before its record (this function: large columns, on the worker pool) or
 * while it is written (`withInlineFunctionOutputs`), and replay computes them again from the logged
 * input. A partial upsert that does not give the input field leaves the output to the stored row.
 * Where it runs: the standard analyzer's function runs in WebAssembly (`text/term-scan.wat`, ~3 ms
 * per MiB of text) on this thread for columns under `POOL_WASM_TEXT_BYTES_MIN`; other analyzers run in
 * JavaScript, on this thread under `POOL_TEXT_BYTES_MIN`. Larger columns go to the term-frequency
 * worker pool (the same code, so the same output) once its workers are up; while they start, this
 * thread runs that code on the same UTF-8.
 */
export async function withFunctionOutputs(schema: CollectionSchema, batch: ColumnBatch): Promise<ColumnBatch> {
  if (schema.functions === undefined) return batch
  let columns: Map<string, Column> | undefined
  for (const fn of schema.functions) {
    if (fn.type !== FunctionType.BM25) continue
    const input = batch.columns.get(fn.inputFieldNames[0]!)
    if (input === undefined || input.kind !== 'varchar') continue
    const field = schema.fields.find((f) => f.name === fn.inputFieldNames[0])!
    columns ??= new Map(batch.columns)
    const wasm = multiAnalyzerOf(field) === null && scansInWasm(analyzerOf(field))
    const output = (await onPool(field, input, batch.columns, wasm)) ?? inline(field, input, batch.columns, wasm)
    columns.set(fn.outputFieldNames[0]!, output)
  }
  if (columns === undefined) return batch
  return { rowCount: batch.rowCount, columns: inSchemaOrder(schema, columns) }
}

/**
 * Starts the term-frequency workers for a new collection with a BM25 function whose analyzer runs in
 * JavaScript (in the background: they take 0.1–0.5 s to load), so its first large inserts already run
 * on them. The standard analyzer's columns stay on this thread up to 4 MiB: no workers for those.
 */
export function warmFunctionWorkers(schema: CollectionSchema): void {
  for (const fn of schema.functions ?? []) {
    if (fn.type !== FunctionType.BM25) continue
    const field = schema.fields.find((f) => f.name === fn.inputFieldNames[0])
    if (field !== undefined && (multiAnalyzerOf(field) !== null || !scansInWasm(analyzerOf(field)))) termFrequencyPool().ready()
  }
}

/**
 * Whether `withFunctionOutputs` hands a column of `batch` to the worker pool (then the writer computes
 * the outputs before it logs the record; otherwise on its own thread while the record is written).
 */
export function functionOutputsOnPool(schema: CollectionSchema, batch: ColumnBatch): boolean {
  for (const fn of schema.functions ?? []) {
    if (fn.type !== FunctionType.BM25) continue
    const input = batch.columns.get(fn.inputFieldNames[0]!)
    if (input === undefined || input.kind !== 'varchar' || input.values.length < 2) continue
    const field = schema.fields.find((f) => f.name === fn.inputFieldNames[0])!
    const threshold = multiAnalyzerOf(field) === null && scansInWasm(analyzerOf(field)) ? POOL_WASM_TEXT_BYTES_MIN : POOL_TEXT_BYTES_MIN
    if (approxBytes(input.values, threshold) >= threshold) return true
  }
  return false
}

/**
 * Encodes each BM25 input column's texts as UTF-8 (`encodeUtf8Column`) before the record is logged:
 * the WAL writes those bytes, and the function's scan reads them afterwards.
 */
export function encodeFunctionInputs(schema: CollectionSchema, batch: ColumnBatch): void {
  for (const fn of schema.functions ?? []) {
    if (fn.type !== FunctionType.BM25) continue
    const input = batch.columns.get(fn.inputFieldNames[0]!)
    if (input !== undefined && input.kind === 'varchar') encodeUtf8Column(input.values)
  }
}

/**
 * The batch with each BM25 output it lacks computed on this thread from its input (the same code as
 * `withFunctionOutputs`, so the same output): how a record logged without its outputs is applied —
 * by WAL replay, a read replica, or a writer whose own computation was not in yet. The batch itself
 * when it lacks none.
 */
export function withInlineFunctionOutputs(schema: CollectionSchema, batch: ColumnBatch): ColumnBatch {
  if (schema.functions === undefined) return batch
  let columns: Map<string, Column> | undefined
  for (const fn of schema.functions) {
    if (fn.type !== FunctionType.BM25 || batch.columns.has(fn.outputFieldNames[0]!)) continue
    const input = batch.columns.get(fn.inputFieldNames[0]!)
    if (input === undefined || input.kind !== 'varchar') continue
    const field = schema.fields.find((f) => f.name === fn.inputFieldNames[0])!
    columns ??= new Map(batch.columns)
    columns.set(fn.outputFieldNames[0]!, inline(field, input, batch.columns, multiAnalyzerOf(field) === null && scansInWasm(analyzerOf(field))))
  }
  if (columns === undefined) return batch
  return { rowCount: batch.rowCount, columns: inSchemaOrder(schema, columns) }
}

/** Text bytes from which a column goes to the worker pool, analyzed in JavaScript (below, the hop costs more than it saves). */
export const POOL_TEXT_BYTES_MIN = 128 * 1024

/**
 * The same for the standard analyzer, in WebAssembly here: ~12 ms of this thread at the threshold,
 * where the pool's hand-offs (and, in a fresh process, its workers' start) cost more than they save.
 */
export const POOL_WASM_TEXT_BYTES_MIN = 4 * 1024 * 1024

type VarcharColumn = Extract<Column, { kind: 'varchar' }>

function inline(field: FieldSchema, input: VarcharColumn, batchColumns: ReadonlyMap<string, Column>, wasm: boolean): Column {
  if (wasm) {
    const utf8 = encodeUtf8Column(input.values)
    // (A lone surrogate: the string path, which keeps it apart from U+FFFD.)
    if (utf8.wellFormed) return rowsOf([utf8TermFrequencyCsrOf(analyzerOf(field), utf8, 0, input.values.length, nullRows(input))], input.values.length)
  }
  const valid = input.validBits === null ? null : (r: number) => input.validBits!.get(r)
  const values: SparseRow[] = termFrequencyRows(inlineAnalyzerAt(field, batchColumns), input.values, valid === null ? null : (r) => !valid(r))
  return { kind: 'sparseVector', values, validBits: null }
}

function inlineAnalyzerAt(field: FieldSchema, batchColumns: ReadonlyMap<string, Column>): (row: number) => Analyzer {
  const multi = multiAnalyzerOf(field)
  return multi === null ? constant(analyzerOf(field)) : perRowAnalyzer(multi, batchColumns.get(multi.byField))
}

function nullRows(input: VarcharColumn): ((row: number) => boolean) | null {
  const valid = input.validBits
  return valid === null ? null : (r) => !valid.get(r)
}

/** The output computed by the worker pool, or undefined when this column stays on this thread. */
async function onPool(field: FieldSchema, input: VarcharColumn, batchColumns: ReadonlyMap<string, Column>, wasm: boolean): Promise<Column | undefined> {
  const texts = input.values
  const threshold = wasm ? POOL_WASM_TEXT_BYTES_MIN : POOL_TEXT_BYTES_MIN
  if (texts.length < 2 || approxBytes(texts, threshold) < threshold) return undefined
  const utf8 = encodeUtf8Column(texts)
  // A lone surrogate would decode as U+FFFD on a worker, which some analyzers tell apart.
  if (!utf8.wellFormed) return undefined
  const pool = termFrequencyPool()
  // While the workers start, this thread runs their code on the same UTF-8 (the standard analyzer's in WebAssembly).
  if (!pool.ready()) {
    const csr = multiAnalyzerOf(field) === null ? utf8TermFrequencyCsrOf(analyzerOf(field), utf8, 0, texts.length, nullRows(input)) : utf8TermFrequencyCsr(inlineAnalyzerAt(field, batchColumns), utf8, 0, texts.length, nullRows(input))
    return rowsOf([csr], texts.length)
  }
  const options = textFieldOptions(field)
  const rowCount = texts.length
  let nulls: Uint8Array | undefined
  if (input.validBits !== null) {
    nulls = new Uint8Array(rowCount)
    for (let r = 0; r < rowCount; r++) if (!input.validBits.get(r)) nulls[r] = 1
  }
  let languages: (string | null)[] | undefined
  if (options.multiAnalyzerParams !== undefined) {
    const by = batchColumns.get(multiAnalyzerOf(field)!.byField)
    languages = new Array<string | null>(rowCount).fill(null)
    if (by !== undefined && by.kind === 'varchar') for (let r = 0; r < rowCount; r++) languages[r] = by.validBits !== null && !by.validBits.get(r) ? null : by.values[r]!
  }
  let parts: TermFrequencyCsr[]
  try {
    parts = await pool.run({
      ...(options.multiAnalyzerParams !== undefined ? { multi: options.multiAnalyzerParams, languages: languages! } : options.analyzerParams !== undefined ? { analyzer: options.analyzerParams } : {}),
      texts: utf8,
      rowCount,
      ...(nulls === undefined ? {} : { nulls }),
    })
  } catch {
    // A worker that failed or exited: this thread computes the same output.
    return undefined
  }
  return rowsOf(parts, rowCount)
}

/** The output column of CSR blocks in row order: each row as views into its block (the blocks remembered: `sparseBlocksOf`). */
function rowsOf(parts: readonly TermFrequencyCsr[], rowCount: number): Column {
  const values = new Array<SparseRow>(rowCount)
  let r = 0
  for (const part of parts) for (let i = 0; i + 1 < part.rowStart.length; i++) values[r++] = csrRow(part, i)
  rememberSparseBlocks(values, parts)
  return { kind: 'sparseVector', values, validBits: null }
}

/** At least the UTF-16 length of the texts (a lower bound of their UTF-8 bytes), stopping at `threshold`. */
function approxBytes(texts: readonly string[], threshold: number): number {
  let n = 0
  for (let i = 0; i < texts.length && n < threshold; i++) n += texts[i]!.length
  return n
}

function constant(a: Analyzer): (row: number) => Analyzer {
  return () => a
}

/** Each row's analyzer from its language (the `by_field` column; absent or null: `default`). */
function perRowAnalyzer(multi: MultiAnalyzer, languages: Column | undefined): (row: number) => Analyzer {
  if (languages === undefined || languages.kind !== 'varchar') return () => multi.analyzerFor(undefined)
  return (r) => multi.analyzerFor(languages.validBits !== null && !languages.validBits.get(r) ? undefined : languages.values[r])
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
