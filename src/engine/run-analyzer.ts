import { errors } from '../errors/errors.ts'
import { findField } from '../schema/collection-schema.ts'
import { textFieldOptions } from '../schema/text-field.ts'
import { type AnalyzerParams, createAnalyzer, type DetailedToken, type TextAnalyzer } from '../text/analyzer.ts'
import { createMultiAnalyzer } from '../text/multi-analyzer.ts'
import { termHash } from '../text/term-hash.ts'
import type { Database } from './database.ts'

/** What `RunAnalyzer` analyzes and how it answers. */
export interface RunAnalyzerSpec {
  /** The analyzer to build (`analyzer_params`: an object, or its JSON text as the wire carries it). */
  readonly analyzerParams?: AnalyzerParams | string
  readonly texts: readonly string[]
  readonly withDetail?: boolean
  readonly withHash?: boolean
  /** Catalog key of a collection whose field's analyzer to use instead of `analyzerParams`. */
  readonly collection?: string
  readonly field?: string
  /** For a multi-analyzer field: one name for every text, or one per text (none: `default`). */
  readonly analyzerNames?: readonly string[]
}

/** One token as RunAnalyzer reports it; offsets are UTF-8 byte offsets, as Milvus reports them. */
export interface AnalyzedToken {
  readonly token: string
  readonly startOffset?: number
  readonly endOffset?: number
  readonly position?: number
  readonly positionLength?: number
  readonly hash?: number
}

/**
 * Milvus's `RunAnalyzer`: the tokens each text gives with the analyzer of `analyzerParams`, or of a
 * collection field (its `analyzer_params`, or its multi-language analyzer with `analyzerNames`).
 * With detail: offsets, position, position length; with hash: the term hash a BM25 function uses.
 */
export function runAnalyzer(db: Database, spec: RunAnalyzerSpec): AnalyzedToken[][] {
  const pick = analyzerOf(db, spec)
  return spec.texts.map((text, i) => {
    const bytes = spec.withDetail === true ? utf8Offsets(text) : undefined
    return pick(i).analyze(text).map((t) => tokenOut(t, spec, bytes))
  })
}

function analyzerOf(db: Database, spec: RunAnalyzerSpec): (textIndex: number) => TextAnalyzer {
  if (spec.collection === undefined || spec.collection === '') {
    const analyzer = createAnalyzer(paramsOf(spec.analyzerParams))
    return () => analyzer
  }
  if (spec.field === undefined || spec.field === '') throw errors.invalid('field name should be set when running the analyzer of a collection')
  const schema = db.state.collection(spec.collection).schema
  const field = findField(schema, spec.field)
  if (field === undefined) throw errors.fieldNotFound(spec.field)
  const o = textFieldOptions(field)
  if (!o.enableAnalyzer) throw errors.invalid(`field ${field.name} does not enable analyzer`, { field: field.name })
  if (o.multiAnalyzerParams === undefined) {
    const analyzer = createAnalyzer(o.analyzerParams)
    return () => analyzer
  }
  const multi = createMultiAnalyzer(o.multiAnalyzerParams)
  const names = spec.analyzerNames ?? []
  if (names.length > 1 && names.length !== spec.texts.length) {
    throw errors.invalid(`analyzer names should be one or one per text, got ${names.length} names for ${spec.texts.length} texts`)
  }
  return (i) => multi.analyzerFor(names.length === 0 ? undefined : names.length === 1 ? names[0] : names[i])
}

function paramsOf(raw: AnalyzerParams | string | undefined): AnalyzerParams | undefined {
  if (typeof raw !== 'string') return raw
  if (raw === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (e) {
    throw errors.invalid(`analyzer params is not valid JSON: ${(e as Error).message}`)
  }
  return value as AnalyzerParams
}

function tokenOut(t: DetailedToken, spec: RunAnalyzerSpec, bytes: ((i: number) => number) | undefined): AnalyzedToken {
  const out: { -readonly [K in keyof AnalyzedToken]: AnalyzedToken[K] } = { token: t.text }
  if (bytes !== undefined) {
    out.startOffset = bytes(t.startOffset)
    out.endOffset = bytes(t.endOffset)
    out.position = t.position
    out.positionLength = t.positionLength
  }
  if (spec.withHash === true) out.hash = termHash(t.text)
  return out
}

/** UTF-16 index → UTF-8 byte offset in `text` (identity for ASCII text). */
function utf8Offsets(text: string): (i: number) => number {
  if (!/[^\x00-\x7f]/.test(text)) return (i) => i
  const at = new Uint32Array(text.length + 1)
  let bytes = 0
  for (let k = 0; k < text.length; k++) {
    at[k] = bytes
    const c = text.charCodeAt(k)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && k + 1 < text.length) {
      at[k + 1] = bytes
      bytes += 4
      k++
    } else bytes += 3
  }
  at[text.length] = bytes
  return (i) => at[i]!
}
