import { Bitset } from '../../common/bitset.ts'
import { textIndexOf } from '../../text/text-index-cache.ts'
import type { PhraseMatchPlan, TextMatchPlan } from '../expr-plan.ts'
import { type ColumnSource, readColumn } from './column-access.ts'
import { leafTruth, type Truth } from './truth.ts'

/**
 * `TEXT_MATCH` / `PHRASE_MATCH` over every row, answered by the column's text inverted index
 * (`text/text-index-cache.ts`: built on first use, extended as a growing column appends). Only the
 * rows holding the query's terms are visited. Null rows are unknown.
 */
export function evalTextMatch(p: TextMatchPlan | PhraseMatchPlan, src: ColumnSource, wantFalse: boolean): Truth {
  const col = readColumn(src, p.column, 'varchar')
  const n = src.rowCount
  const holds = new Bitset(n)
  const index = textIndexOf(col.values, n, col.validBits, p.analyzer)
  const hit = (row: number) => holds.set(row)
  if (p.kind === 'textMatch') index.matchAny(p.terms, p.minShouldMatch, n, hit)
  else index.matchPhrase(p.terms, p.offsets, p.slop, n, hit)
  return leafTruth(holds, col.validBits, wantFalse)
}
