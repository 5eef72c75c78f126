import { Bitset } from '../../common/bitset.ts'

/**
 * Three-valued truth of a predicate over all rows, as two bitsets: `t` (1 = true) and `f`
 * (1 = false); a row in neither is unknown (null). `f === null` means "no unknown rows: f is the
 * complement of t", which is the common case and costs nothing. Callers that will not negate ask
 * for `t` only (`wantFalse = false`); then `f` is not computed and must not be read.
 */
export interface Truth {
  readonly t: Bitset
  readonly f: Bitset | null
}

/**
 * A leaf: `holds` for every row, `valid` (1 = not null) from the column; rows not valid are unknown.
 * `valid` may be longer than the rows evaluated (a growing column); results keep `holds`' capacity.
 */
export function leafTruth(holds: Bitset, valid: Bitset | null, wantFalse: boolean): Truth {
  if (valid === null) return { t: holds, f: null }
  const f = wantFalse ? holds.clone().not().and(valid) : null
  holds.and(valid)
  return { t: holds, f }
}

export function notTruth(x: Truth, wantFalse: boolean): Truth {
  if (x.f !== null) return { t: x.f, f: wantFalse ? x.t : null }
  if (!wantFalse) return { t: x.t.not(), f: null }
  return { t: x.t.clone().not(), f: x.t }
}

/** Kleene and: true if all true; false if any false. */
export function andTruth(parts: readonly Truth[], wantFalse: boolean): Truth {
  const f = wantFalse ? combineFalse(parts, 'or') : null
  const t = parts[0]!.t
  for (let i = 1; i < parts.length; i++) t.and(parts[i]!.t)
  return { t, f }
}

/** Kleene or: true if any true; false if all false. */
export function orTruth(parts: readonly Truth[], wantFalse: boolean): Truth {
  const f = wantFalse ? combineFalse(parts, 'and') : null
  const t = parts[0]!.t
  for (let i = 1; i < parts.length; i++) t.or(parts[i]!.t)
  return { t, f }
}

/** The false set of an and (union of falses) or of an or (intersection); null if no part has unknowns. */
function combineFalse(parts: readonly Truth[], how: 'or' | 'and'): Bitset | null {
  if (parts.every((p) => p.f === null)) return null
  let acc: Bitset | null = null
  for (const p of parts) {
    const f = p.f ?? p.t.clone().not()
    if (acc === null) acc = p.f === null ? f : f.clone()
    else if (how === 'or') acc.or(f)
    else acc.and(f)
  }
  return acc
}

export function constantTruth(value: boolean, n: number): Truth {
  return { t: value ? Bitset.full(n) : new Bitset(n), f: null }
}
