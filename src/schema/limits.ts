/**
 * Milvus's schema limits (proxy defaults), each a named constant with its unit, tested at the boundary.
 * Sources: milvus `configs/milvus.yaml` (`proxy.maxNameLength`, `proxy.maxFieldNum`,
 * `proxy.maxDimension`, `proxy.maxVectorFieldNum`, `rootCoord.maxPartitionNum`).
 */
export const limits = {
  nameLengthMax: 255,
  fieldCountMax: 64,
  vectorFieldCountMax: 4,
  dimMax: 32768,
  varcharLengthMax: 65535,
  arrayCapacityMax: 4096,
  partitionCountMax: 1024,
  /** Milvus `rootCoord.maxDatabaseNum`. */
  databaseCountMax: 64,
  partitionKeyPartitionsDefault: 16,
  partitionKeyPartitionsMax: 1024,
  /** Milvus `proxy.maxInsertSize`-style request limit (bytes of data in one write). */
  requestBytesMax: 64 * 1024 * 1024,
  /** JSON value size per row (Milvus `common.maxJSONLength`-ish, bytes). */
  jsonBytesMax: 65536,
} as const
