/**
 * Objects that hold memory until their `release()`, counted process-wide: +1 when made, −1 at their
 * first release. Leak tests compare them with what the engine still holds (a segment compacted away,
 * a replaced native HNSW graph or an interim index that is never released shows up as a count that only grows);
 * `/metrics` shows them as `quiver_memory_objects`.
 */
export type LiveObjectKind = 'segment' | 'nativeHnsw' | 'interimIndex'

const counts: Record<LiveObjectKind, number> = { segment: 0, nativeHnsw: 0, interimIndex: 0 }

/** Counts one new object of `kind`. */
export function countCreated(kind: LiveObjectKind): void {
  counts[kind]++
}

/** Uncounts one object of `kind`: call it once, at the object's first release. */
export function countReleased(kind: LiveObjectKind): void {
  counts[kind]--
}

/** Objects of each kind made and not released yet, in this process. */
export function liveObjectCounts(): Readonly<Record<LiveObjectKind, number>> {
  return { ...counts }
}
