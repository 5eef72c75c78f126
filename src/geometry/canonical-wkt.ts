import { isWktProblem, readWkt, writeWkt } from './wkt.ts'

/**
 * The canonical WKT of `text` (what Quiver stores and answers: Milvus's printing), or the reason it
 * is not WKT. Stored values are always canonical, so reading them back never fails.
 */
export function canonicalWkt(text: string): { readonly wkt: string } | { readonly problem: string } {
  const g = readWkt(text)
  if (isWktProblem(g)) return g
  return { wkt: writeWkt(g) }
}
