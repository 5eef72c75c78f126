/**
 * Flat vector arrays a write's decoder made for this write alone (a gRPC request's `float_vector`,
 * decoded into a fresh Float32Array): nothing else holds or changes them, so the batch's column may
 * take the array as it is instead of copying it. Arrays from embedded callers are never marked: the
 * caller may reuse its array after the write returns.
 */
const owned = new WeakSet<object>()

/** Marks `data` as made for one write and held by nothing else. */
export function markOwnedVectors(data: Float32Array): Float32Array {
  owned.add(data)
  return data
}

/** True when `data` was marked by `markOwnedVectors`. */
export function isOwnedVectors(data: unknown): data is Float32Array {
  return typeof data === 'object' && data !== null && owned.has(data)
}
