import { errors } from '../errors/errors.ts'
import { analyzerErrorDetail, type AnalyzerParams, createAnalyzer } from '../text/analyzer.ts'
import { createMultiAnalyzer } from '../text/multi-analyzer.ts'
import { DataType } from './data-type.ts'
import type { FieldSchema } from './collection-schema.ts'

/**
 * A VARCHAR field's full-text options, read from the type params Milvus uses (`enable_analyzer`,
 * `enable_match`, `analyzer_params`, `multi_analyzer_params`; kept in `FieldSchema.properties` as the
 * client sent them, so describe echoes them unchanged).
 */
export interface TextFieldOptions {
  readonly enableAnalyzer: boolean
  readonly enableMatch: boolean
  /** Parsed `analyzer_params` JSON; undefined → the standard analyzer. */
  readonly analyzerParams?: AnalyzerParams
  /** Parsed `multi_analyzer_params` JSON (analyzers chosen per row by a language field). */
  readonly multiAnalyzerParams?: AnalyzerParams
}

export function textFieldOptions(field: FieldSchema): TextFieldOptions {
  const p = field.properties ?? {}
  const options: { -readonly [K in keyof TextFieldOptions]: TextFieldOptions[K] } = {
    enableAnalyzer: p.enable_analyzer === 'true',
    enableMatch: p.enable_match === 'true',
  }
  const analyzer = jsonObject(field.name, 'analyzer_params', p.analyzer_params)
  if (analyzer !== undefined) options.analyzerParams = analyzer
  const multi = jsonObject(field.name, 'multi_analyzer_params', p.multi_analyzer_params)
  if (multi !== undefined) options.multiAnalyzerParams = multi
  if ((options.enableAnalyzer || options.enableMatch) && field.dataType !== DataType.VarChar) {
    throw errors.invalid(`field ${field.name}: enable_analyzer and enable_match are only for VarChar fields`)
  }
  return options
}

function jsonObject(field: string, key: string, raw: string | undefined): AnalyzerParams | undefined {
  if (raw === undefined || raw === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw errors.invalid(`field ${field}: ${key} is not valid JSON: ${raw}`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw errors.invalid(`field ${field}: ${key} should be a JSON object, got ${raw}`)
  return value as AnalyzerParams
}

/**
 * Checks every full-text field of a schema the way Milvus's proxy does when a collection is created
 * (or a field added): `enable_match` needs `enable_analyzer`; `multi_analyzer_params` excludes
 * `enable_match` and `analyzer_params` and names an existing VarChar `by_field`; the analyzer itself
 * is built so a bad one is refused now (1100, naming the field), never at insert.
 */
export function validateTextFields(fields: readonly FieldSchema[]): void {
  for (const field of fields) {
    const o = textFieldOptions(field)
    if (!o.enableAnalyzer && !o.enableMatch) continue
    if (!o.enableAnalyzer) throw errors.invalid(`field ${field.name} is set to enable match or bm25 function but not enable analyzer`, { field: field.name })
    if (o.multiAnalyzerParams !== undefined) {
      if (o.enableMatch) throw errors.invalid(`multi analyzer now only support for bm25, but now field ${field.name} enable match`, { field: field.name })
      if (o.analyzerParams !== undefined) throw errors.invalid(`field ${field.name} analyzer params should be none if has multi analyzer params`, { field: field.name })
      const multi = buildAnalyzer(field.name, () => createMultiAnalyzer(o.multiAnalyzerParams!))
      const by = fields.find((f) => f.name === multi.byField)
      if (by === undefined || by.dataType !== DataType.VarChar) {
        throw errors.invalid(`field ${field.name}: multi analyzer by_field ${multi.byField} should be a VarChar field of the collection`, { field: field.name })
      }
      continue
    }
    buildAnalyzer(field.name, () => createAnalyzer(o.analyzerParams))
  }
}

function buildAnalyzer<T>(field: string, build: () => T): T {
  try {
    return build()
  } catch (e) {
    throw errors.invalid(`create analyzer failed for field ${field}: ${analyzerErrorDetail(e)}`, { field })
  }
}
