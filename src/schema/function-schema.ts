import { errors } from '../errors/errors.ts'
import { createAnalyzer } from '../text/analyzer.ts'
import { createMultiAnalyzer } from '../text/multi-analyzer.ts'
import type { FieldSchema } from './collection-schema.ts'
import { DataType, dataTypeName } from './data-type.ts'
import { textFieldOptions } from './text-field.ts'

/** Milvus `schema.FunctionType`; values equal the proto numbers. */
export const FunctionType = { Unknown: 0, BM25: 1, TextEmbedding: 2, Rerank: 3, MinHash: 4 } as const
export type FunctionType = (typeof FunctionType)[keyof typeof FunctionType]

const typeNames = new Map<number, string>(Object.entries(FunctionType).map(([k, v]) => [v, k]))

/** A function's type as describe spells it (`BM25`, `TextEmbedding`). */
export function functionTypeName(t: FunctionType): string {
  return typeNames.get(t) ?? 'Unknown'
}

/** A collection function (Milvus `schema.FunctionSchema`): output fields computed from input fields on every write. */
export interface FunctionSchema {
  readonly id: number
  readonly name: string
  readonly description: string
  readonly type: FunctionType
  readonly inputFieldNames: readonly string[]
  readonly outputFieldNames: readonly string[]
  /** Params as given (Milvus key/value strings); a BM25 function has none. */
  readonly params: Readonly<Record<string, string>>
}

/** Untyped function description as callers give it (camelCase, read off the wire or the SDK form). */
export interface FunctionSpec {
  name?: unknown
  description?: unknown
  type?: unknown
  inputFieldNames?: unknown
  outputFieldNames?: unknown
  params?: unknown
}

/** Reads a function type given as its number or name (`1`, `'BM25'`, `'bm25'`); undefined if unknown. */
export function parseFunctionType(x: unknown): FunctionType | undefined {
  if (typeof x === 'number') return typeNames.has(x) ? (x as FunctionType) : undefined
  if (typeof x !== 'string') return undefined
  if (/^\d+$/.test(x)) return parseFunctionType(Number(x))
  const hit = Object.entries(FunctionType).find(([k]) => k.toLowerCase() === x.toLowerCase())
  return hit?.[1]
}

/**
 * The functions of a schema, checked as Milvus's proxy checks them (`ValidateFunction`, same order
 * and wording): names, inputs and outputs present and distinct, inputs and outputs existing fields,
 * outputs not a key, not nullable and used by one function only; BM25: no params, one VarChar input
 * with `enable_analyzer` (its analyzer valid), one SparseFloatVector output. Functions that need an
 * external service (TextEmbedding, Rerank models) are refused (Quiver calls no model provider).
 */
export function createFunctions(specs: readonly FunctionSpec[], fields: readonly FieldSchema[], firstId: number): FunctionSchema[] {
  const byName = new Map(fields.map((f) => [f.name, f]))
  const usedNames = new Set<string>()
  const usedOutputs = new Set<string>()
  return specs.map((spec, i) => {
    const fn = basicFunction(spec, firstId + i)
    if (usedNames.has(fn.name)) throw errors.invalid(`duplicate function name: ${fn.name}`)
    usedNames.add(fn.name)
    const inputs = fn.inputFieldNames.map((n) => byName.get(n) ?? fail(`function input field not found: ${n}`))
    checkInputs(inputs, byName)
    const outputs = fn.outputFieldNames.map((n) => {
      const f = byName.get(n) ?? fail(`function output field not found: ${n}`)
      if (f.isPrimaryKey) fail(`function output field cannot be primary key: function ${fn.name}, field ${n}`)
      if (f.isPartitionKey || f.isClusteringKey === true) fail(`function output field cannot be partition key or clustering key: function ${fn.name}, field ${n}`)
      if (f.nullable) fail(`function output field cannot be nullable: function ${fn.name}, field ${n}`)
      if (usedOutputs.has(n)) fail(`duplicate function output field: function ${fn.name}, field ${n}`)
      usedOutputs.add(n)
      return f
    })
    if (outputs.length !== 1) fail(`BM25 function only need 1 output field, but got ${outputs.length}`)
    if (outputs[0]!.dataType !== DataType.SparseFloatVector) fail(`BM25 function output field must be a SparseFloatVector field, but got ${dataTypeName(outputs[0]!.dataType)}`)
    return fn
  })
}

function fail(message: string): never {
  throw errors.invalid(message)
}

function basicFunction(spec: FunctionSpec, id: number): FunctionSchema {
  const name = typeof spec.name === 'string' ? spec.name : ''
  if (name === '') throw errors.missing('function name cannot be empty')
  const type = parseFunctionType(spec.type)
  if (type === undefined || type === FunctionType.Unknown) fail(`function ${name}: unknown function type ${String(spec.type)}`)
  if (type !== FunctionType.BM25) {
    throw errors.notSupported(`function ${name}: ${functionTypeName(type)} functions call an external model service, which Quiver does not; only BM25 functions are supported`)
  }
  const inputs = nameList(spec.inputFieldNames)
  const outputs = nameList(spec.outputFieldNames)
  if (inputs.length === 0) throw errors.missing(`function input field names cannot be empty, function: ${name}`)
  if (outputs.length === 0) throw errors.missing(`function output field names cannot be empty, function: ${name}`)
  for (const input of inputs) {
    if (input === '') throw errors.missing(`function input field name cannot be empty string, function: ${name}`)
    if (inputs.filter((x) => x === input).length > 1) fail(`each function input field should be used exactly once in the same function, function: ${name}, input field: ${input}`)
  }
  for (const output of outputs) {
    if (output === '') throw errors.missing(`function output field name cannot be empty string, function: ${name}`)
    if (inputs.includes(output)) fail(`a single field cannot be both input and output in the same function, function: ${name}, field: ${output}`)
    if (outputs.filter((x) => x === output).length > 1) fail(`each function output field should be used exactly once in the same function, function: ${name}, output field: ${output}`)
  }
  const params = paramsOf(spec.params)
  if (Object.keys(params).length !== 0) fail('BM25 function accepts no params')
  const description = typeof spec.description === 'string' ? spec.description : ''
  return Object.freeze({ id, name, description, type, inputFieldNames: Object.freeze(inputs), outputFieldNames: Object.freeze(outputs), params })
}

function checkInputs(inputs: readonly FieldSchema[], byName: ReadonlyMap<string, FieldSchema>): void {
  const first = inputs[0]!
  if (inputs.length !== 1 || first.dataType !== DataType.VarChar) {
    fail(`BM25 function input field must be a VARCHAR/TEXT field, got ${inputs.length} field with type ${dataTypeName(first.dataType)}`)
  }
  const options = textFieldOptions(first)
  if (!options.enableAnalyzer) fail('BM25 function input field must set enable_analyzer to true')
  if (options.multiAnalyzerParams === undefined) {
    createAnalyzer(options.analyzerParams)
    return
  }
  // Multi-language: every analyzer built now; each row's analyzer named by a VarChar field's value.
  const multi = createMultiAnalyzer(options.multiAnalyzerParams)
  const by = byName.get(multi.byField)
  if (by === undefined) fail(`bm25 function with multi analyzer by_field ${multi.byField} not found in schema`)
  if (by.dataType !== DataType.VarChar) fail(`bm25 function with multi analyzer by_field ${multi.byField} must be a VarChar field, got ${dataTypeName(by.dataType)}`)
}

function nameList(x: unknown): string[] {
  if (x === undefined || x === null) return []
  if (!Array.isArray(x)) fail(`function field names should be a list of names, got ${JSON.stringify(x)}`)
  return x.map((n) => String(n))
}

/** Params as a record of strings: a `{ key, value }` list (wire) or an object (SDK); values that are objects become JSON. */
function paramsOf(x: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {}
  if (Array.isArray(x)) {
    for (const kv of x as { key?: unknown; value?: unknown }[]) out[String(kv.key)] = String(kv.value)
  } else if (x !== null && typeof x === 'object') {
    for (const [k, v] of Object.entries(x)) out[k] = typeof v === 'string' ? v : JSON.stringify(v)
  }
  return Object.freeze(out)
}

/** The BM25 function whose output is `field`, if any. */
export function bm25FunctionOf(functions: readonly FunctionSchema[] | undefined, field: string): FunctionSchema | undefined {
  return functions?.find((f) => f.type === FunctionType.BM25 && f.outputFieldNames[0] === field)
}
