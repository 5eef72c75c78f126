import { errors } from '../errors/errors.ts'
import type { AnalyzerParams } from '../text/analyzer.ts'
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
