/** Milvus's consistency levels, by their proto numbers (`common.ConsistencyLevel`). */
export const consistencyLevels = ['Strong', 'Session', 'Bounded', 'Eventually', 'Customized'] as const
export type ConsistencyLevel = (typeof consistencyLevels)[number]

/** What the SDKs send when the caller names none (and what a collection without one reports). */
export const DEFAULT_CONSISTENCY_LEVEL: ConsistencyLevel = 'Bounded'

/**
 * A collection's consistency level from a request: a name (any case) or its proto number. Absent →
 * Bounded, what the SDKs send; an unknown name → Strong, the proto default the Node SDK sends for
 * it (its create succeeds, as Milvus's does). Stored and reported only: Quiver's reads are Strong.
 */
export function consistencyLevelOf(v: unknown): ConsistencyLevel {
  if (v === undefined || v === null || v === '') return DEFAULT_CONSISTENCY_LEVEL
  if (typeof v === 'number') return consistencyLevels[v] ?? 'Strong'
  const name = String(v).toLowerCase()
  return consistencyLevels.find((l) => l.toLowerCase() === name) ?? 'Strong'
}
