import { awaitTurn } from '../common/loop-turns.ts'
import { textAnalyzerKey } from '../expr/planner/text-match.ts'
import { DataType } from '../schema/data-type.ts'
import { textFieldOptions } from '../schema/text-field.ts'
import { textIndexFor } from '../text/text-index-cache.ts'
import type { DbState } from './db-state.ts'

/** Rows analyzed per step before yielding to the event loop (~10–30 ms). */
const ROWS_PER_STEP = 2048

/**
 * Builds the text index (`enable_match` fields) of every sealed segment that lacks it, in the
 * background after a seal, a compaction or an open, 2,048 rows at a time with the event loop free
 * between steps; so a sealed segment's first TEXT_MATCH finds its index ready instead of analyzing
 * every row. The indexes live beside the columns (not persisted); a text filter that comes first
 * builds the rest itself (the same index object: nothing is done twice).
 */
export async function warmTextIndexes(state: DbState, stopped: () => boolean): Promise<void> {
  for (const data of state.data.values()) {
    const fields = data.schema.fields.filter((f) => f.dataType === DataType.VarChar && textFieldOptions(f).enableMatch && textFieldOptions(f).multiAnalyzerParams === undefined)
    if (fields.length === 0) continue
    for (const segment of data.segmentsOf()) {
      if (segment.state !== 'sealed') continue
      for (const field of fields) {
        const col = segment.column(field.name)
        if (col === undefined || col.kind !== 'varchar') continue
        const index = textIndexFor(col.values, textAnalyzerKey(field))
        const rows = Math.min(segment.rowCount, col.values.length)
        while (index.indexedRows < rows) {
          if (stopped()) return
          index.extend(col.values, Math.min(rows, index.indexedRows + ROWS_PER_STEP), col.validBits)
          await awaitTurn()
        }
      }
    }
  }
}
