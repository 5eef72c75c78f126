/**
 * JSON text that keeps bigints: a bigint is written as {"$i64":"<decimal>"} and read back as bigint.
 * Used for schemas (int64 defaults), WAL record headers and array values in segment files.
 */
export function stringifyWithBigint(v: unknown): string {
  return JSON.stringify(v ?? null, (_k, x) => (typeof x === 'bigint' ? { $i64: x.toString() } : x))
}

export function parseWithBigint(s: string): unknown {
  return JSON.parse(s, (_k, x) =>
    x !== null && typeof x === 'object' && !Array.isArray(x) && typeof x.$i64 === 'string' && Object.keys(x).length === 1
      ? BigInt(x.$i64)
      : x,
  )
}
