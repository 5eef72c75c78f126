import Flatbush from 'flatbush'
import type { Bitset } from '../../common/bitset.ts'
import { assert } from '../../common/assert.ts'
import type { Column } from '../../column/column.ts'
import type { GeometryIndex, GeometryIndexOp } from '../../geometry/geometry-index.ts'
import type { Geometry } from '../../geometry/jsts.ts'
import { parsedGeometryAt } from '../../geometry/parsed-geometries.ts'
import { dwithinBoxes } from '../../geometry/search-boxes.ts'
import { SectionWriter, type SectionReader } from './index-sections.ts'
import { encodeScalarIndexPayload } from './scalar-index-codec.ts'
import { baseHeader, headerCount, type ScalarIndex, type ScalarIndexFactory, type ScalarIndexSpec } from './scalar-index-spec.ts'
import { checkRowIds, validityOf } from './index-validity.ts'

/**
 * RTREE (Milvus 2.6, Geometry fields): a static packed Hilbert R-tree (flatbush) over the bounding
 * boxes of one sealed segment's non-null, non-empty geometries. It decides no row: for a spatial
 * filter it returns the rows whose box is compatible with the query (boxes that intersect the
 * query's, or the `st_dwithin` search boxes), and the evaluator tests those exactly. Comparison
 * leaves (`lookup`) it never answers. The file holds the tree's own bytes and the row of each box.
 */
export class RtreeIndex implements ScalarIndex, GeometryIndex {
  readonly spec: ScalarIndexSpec
  readonly rowCount: number
  readonly validBits: Bitset | null
  readonly sizeBytes: number
  private readonly tree: Flatbush | null
  /** The segment row of each box, in the order the boxes were added. */
  private readonly rowIds: Uint32Array

  private constructor(spec: ScalarIndexSpec, rowCount: number, validBits: Bitset | null, tree: Flatbush | null, rowIds: Uint32Array) {
    this.spec = spec
    this.rowCount = rowCount
    this.validBits = validBits
    this.tree = tree
    this.rowIds = rowIds
    this.sizeBytes = (tree?.data.byteLength ?? 0) + rowIds.byteLength + (validBits?.words.byteLength ?? 0)
  }

  static build(spec: ScalarIndexSpec, column: Column, rowCount: number): RtreeIndex {
    assert.equal(column.kind, 'geometry', 'an RTREE index is built on Geometry fields')
    const c = column as Column & { kind: 'geometry' }
    const boxes: number[] = []
    const rows: number[] = []
    for (let row = 0; row < rowCount; row++) {
      if (c.validBits !== null && !c.validBits.get(row)) continue
      const g = parsedGeometryAt(c.values, row)
      if (g === null || g.isEmpty()) continue
      const e = g.getEnvelopeInternal()
      boxes.push(e.getMinX(), e.getMinY(), e.getMaxX(), e.getMaxY())
      rows.push(row)
    }
    let tree: Flatbush | null = null
    if (rows.length > 0) {
      tree = new Flatbush(rows.length)
      for (let i = 0; i < boxes.length; i += 4) tree.add(boxes[i]!, boxes[i + 1]!, boxes[i + 2]!, boxes[i + 3]!)
      tree.finish()
    }
    return new RtreeIndex(spec, rowCount, validityOf(column, rowCount), tree, Uint32Array.from(rows))
  }

  static decode(spec: ScalarIndexSpec, rowCount: number, header: Readonly<Record<string, unknown>>, r: SectionReader): RtreeIndex {
    const boxCount = headerCount(header, 'boxCount')
    const valid = r.valid(rowCount, header.nullable === true)
    const rowIds = r.u32(boxCount)
    checkRowIds(rowIds, rowCount)
    const bytes = r.u8()
    const tree = boxCount === 0 ? null : Flatbush.from(bytes.slice().buffer)
    if (tree !== null && tree.numItems !== boxCount) throw new Error(`RTREE file: ${tree.numItems} boxes, header says ${boxCount}`)
    return new RtreeIndex(spec, rowCount, valid, tree, rowIds.slice())
  }

  lookup(): Bitset | undefined {
    return undefined
  }

  candidates(op: GeometryIndexOp, query: Geometry, distanceM: number): Uint32Array {
    if (this.tree === null || query.isEmpty()) return new Uint32Array(0)
    const boxes = op === 'dwithin' ? dwithinBoxes(query, distanceM, this.tree) : [envelopeBox(query)]
    if (boxes === undefined) return allRows(this.rowIds)
    const seen = new Set<number>()
    for (const b of boxes) for (const i of this.tree.search(b[0], b[1], b[2], b[3])) seen.add(this.rowIds[i]!)
    return Uint32Array.from(seen).sort()
  }

  encode(): Uint8Array[] {
    const data = this.tree === null ? new Uint8Array(0) : new Uint8Array(this.tree.data as ArrayBuffer)
    const sections = new SectionWriter().valid(this.validBits).add(this.rowIds).add(data).sections
    return encodeScalarIndexPayload({ header: { ...baseHeader(this.spec, this.rowCount, this.validBits), boxCount: this.rowIds.length }, sections })
  }
}

export const RtreeIndexFactory: ScalarIndexFactory = { build: RtreeIndex.build, decode: RtreeIndex.decode }

function envelopeBox(g: Geometry): [number, number, number, number] {
  const e = g.getEnvelopeInternal()
  return [e.getMinX(), e.getMinY(), e.getMaxX(), e.getMaxY()]
}

function allRows(rowIds: Uint32Array): Uint32Array {
  return rowIds.slice().sort()
}
