/** Milvus's vector index types (AUTOINDEX is resolved to one of these by `validateIndexSpec`). */
export const IndexType = {
  FLAT: 'FLAT',
  IVF_FLAT: 'IVF_FLAT',
  IVF_SQ8: 'IVF_SQ8',
  IVF_PQ: 'IVF_PQ',
  HNSW: 'HNSW',
  BIN_FLAT: 'BIN_FLAT',
  BIN_IVF_FLAT: 'BIN_IVF_FLAT',
  SPARSE_INVERTED_INDEX: 'SPARSE_INVERTED_INDEX',
  SPARSE_WAND: 'SPARSE_WAND',
} as const
export type IndexType = (typeof IndexType)[keyof typeof IndexType]

/** The index types over binary vectors (HAMMING, JACCARD); every other type is over float vectors. */
export function isBinaryIndexType(t: IndexType): boolean {
  return t === IndexType.BIN_FLAT || t === IndexType.BIN_IVF_FLAT
}

/** The index types over sparse float vectors (posting lists; metric IP). */
export function isSparseIndexType(t: IndexType): boolean {
  return t === IndexType.SPARSE_INVERTED_INDEX || t === IndexType.SPARSE_WAND
}

/** Index types that partition rows into inverted lists and take `nlist` / `nprobe`. */
export function isIvfIndexType(t: IndexType): boolean {
  return t === IndexType.IVF_FLAT || t === IndexType.IVF_SQ8 || t === IndexType.IVF_PQ || t === IndexType.BIN_IVF_FLAT
}
