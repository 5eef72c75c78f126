/** Milvus's index types for dense vectors (AUTOINDEX is resolved to one of these by `validateIndexSpec`). */
export const IndexType = {
  FLAT: 'FLAT',
  IVF_FLAT: 'IVF_FLAT',
  IVF_SQ8: 'IVF_SQ8',
  IVF_PQ: 'IVF_PQ',
  HNSW: 'HNSW',
  BIN_FLAT: 'BIN_FLAT',
  BIN_IVF_FLAT: 'BIN_IVF_FLAT',
} as const
export type IndexType = (typeof IndexType)[keyof typeof IndexType]

/** The index types over binary vectors (HAMMING, JACCARD); every other type is over float vectors. */
export function isBinaryIndexType(t: IndexType): boolean {
  return t === IndexType.BIN_FLAT || t === IndexType.BIN_IVF_FLAT
}

/** Index types that partition rows into inverted lists and take `nlist` / `nprobe`. */
export function isIvfIndexType(t: IndexType): boolean {
  return t === IndexType.IVF_FLAT || t === IndexType.IVF_SQ8 || t === IndexType.IVF_PQ || t === IndexType.BIN_IVF_FLAT
}
