import { Bitset } from '../../common/bitset.ts'
import { textIndexFor } from '../../text/text-index-cache.ts'
import type { PhraseMatchPlan, TextMatchPlan } from '../expr-plan.ts'
import { type ColumnSource, readColumn } from './column-access.ts'
import { leafTruth, type Truth } from './truth.ts'

type TextPlan = TextMatchPlan | PhraseMatchPlan

/** Rows analyzed into the text index between the points where a sliced evaluation may pause (~10–30 ms). */
const ROWS_PER_STEP = 2048

/**
 * `TEXT_MATCH` / `PHRASE_MATCH` over every row, answered by the column's text inverted index
 * (`text/text-index-cache.ts`: built on first use, extended as a growing column appends); only the
 * rows holding the query's terms are visited; null rows are unknown. A generator that yields every
 * ROWS_PER_STEP rows it adds to the index: a segment's first text filter analyzes every row
 * (seconds for 100k rows), so a sliced read lets others run meanwhile. Rows analyzed stay indexed
 * even if the read is abandoned.
 */
export function* evalTextMatchSteps(p: TextPlan, src: ColumnSource, wantFalse: boolean): Generator<void, Truth, void> {
  const col = readColumn(src, p.column, 'varchar')
  const n = src.rowCount
  const index = textIndexFor(col.values, p.analyzer)
  const upTo = Math.min(n, col.values.length)
  while (index.indexedRows < upTo) {
    index.extend(col.values, Math.min(upTo, index.indexedRows + ROWS_PER_STEP), col.validBits)
    if (index.indexedRows < upTo) yield
  }
  const holds = new Bitset(n)
  const hit = (row: number) => holds.set(row)
  if (p.kind === 'textMatch') index.matchAny(p.terms, p.minShouldMatch, n, hit)
  else index.matchPhrase(p.terms, p.offsets, p.slop, n, hit)
  return leafTruth(holds, col.validBits, wantFalse)
}
