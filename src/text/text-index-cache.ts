import { type Analyzer, type AnalyzerParams, createAnalyzer } from './analyzer.ts'
import { TextIndex } from './text-index.ts'

/**
 * The analyzer of `analyzer_params` given as JSON ('' = the default analyzer), built once per
 * distinct JSON (bounded: parameters come from schemas, a few per collection).
 */
const analyzers = new Map<string, Analyzer>()
const analyzersMax = 256

export function analyzerOf(json: string): Analyzer {
  let a = analyzers.get(json)
  if (a === undefined) {
    a = createAnalyzer(json === '' ? undefined : (JSON.parse(json) as AnalyzerParams))
    if (analyzers.size >= analyzersMax) analyzers.clear()
    analyzers.set(json, a)
  }
  return a
}

/**
 * The text index of a string column, kept beside its values array (a WeakMap: a sealed column never
 * changes, a growing one only appends), one per analyzer. Each call first indexes the rows appended
 * since the last one, so a growing segment's index is maintained incrementally by the reads that
 * use it, a sealed or reloaded segment's index is built on its first text filter, and a compacted
 * segment (new arrays) gets a new one. The index dies with the column.
 */
const indexes = new WeakMap<readonly unknown[], Map<string, TextIndex>>()

/** The index kept for `values` and `analyzer`, as far as it has been extended (`extend` it to the rows needed). */
export function textIndexFor(values: readonly unknown[], analyzer: string): TextIndex {
  let byAnalyzer = indexes.get(values)
  if (byAnalyzer === undefined) {
    byAnalyzer = new Map()
    indexes.set(values, byAnalyzer)
  }
  let index = byAnalyzer.get(analyzer)
  if (index === undefined) {
    index = new TextIndex(analyzerOf(analyzer))
    byAnalyzer.set(analyzer, index)
  }
  return index
}
