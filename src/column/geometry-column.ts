import { Bitset } from '../common/bitset.ts'
import { canonicalWkt } from '../geometry/canonical-wkt.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import type { Column } from './column.ts'
import { resolveMissing } from './missing-value.ts'
import { type BuildContext, type RawColumn, rowValues } from './raw-column.ts'
import { describeValue, fieldRowError, typeProblem } from './value-problem.ts'
import { utf8Length } from './varchar-column.ts'

/**
 * Geometry column: WKT strings (Milvus's `geometry_wkt_data`), validated by parsing and stored in
 * canonical form (`geometry/wkt.ts`), so every later read parses. A value that is not WKT is 1100
 * naming the field, the row and the parser's complaint; the batch is refused whole.
 */
export function buildGeometryColumn(field: FieldSchema, raw: RawColumn, ctx: BuildContext): Column {
  const values = rowValues(field, raw)
  const n = ctx.rowCount
  const out = new Array<string>(n)
  const validBits = field.nullable ? Bitset.full(n) : null
  let bytes = 0
  let lastIn: string | undefined
  let lastOut = ''
  for (let i = 0; i < n; i++) {
    let v = values[i]
    if (v === undefined || v === null) {
      v = resolveMissing(field, i, validBits)
      if (v === undefined) {
        out[i] = ''
        continue
      }
    }
    if (typeof v !== 'string') throw fieldRowError(field.name, i, typeProblem('Geometry (a WKT string)', v))
    if (v !== lastIn) {
      const c = canonicalWkt(v)
      if ('problem' in c) throw fieldRowError(field.name, i, `invalid WKT geometry ${describeValue(v)}: ${c.problem}`)
      lastIn = v
      lastOut = c.wkt
    }
    out[i] = lastOut
    bytes += utf8Length(lastOut)
  }
  ctx.size.add(bytes + n * 4, field.name)
  return { kind: 'geometry', values: out, validBits }
}
