/**
 * Compares a system's BM25 top-k with the reference's (bench/peers/fts_reference.py), tolerating only
 * what ties allow: the same number of hits, the i-th score within `tol` of the reference's i-th, every
 * returned id one the reference ranks there (its score within `tol`) or tied with the k-th (its `tail`).
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Hits } from './fts-quiver.ts'

export interface RefAnswer {
  readonly q: number
  readonly ids: number[]
  readonly scores: number[]
  readonly tail: number[]
}

/** null when `got` equals the reference up to ties, else why not. */
export function mismatch(ref: RefAnswer, got: Hits, tol: number): string | null {
  if (got.length !== ref.ids.length) return `${got.length} hits, reference ${ref.ids.length}`
  const allowed = new Map<number, number>()
  ref.ids.forEach((id, i) => allowed.set(id, ref.scores[i]!))
  const kth = ref.scores[ref.scores.length - 1]
  for (const id of ref.tail) allowed.set(id, kth!)
  const seen = new Set<number>()
  for (let i = 0; i < got.length; i++) {
    const [id, score] = got[i]!
    if (Math.abs(score - ref.scores[i]!) > tol) return `rank ${i}: score ${score}, reference ${ref.scores[i]} (id ${id}, reference id ${ref.ids[i]})`
    const want = allowed.get(id)
    if (want === undefined) return `rank ${i}: id ${id} (score ${score}) is not in the reference's top ${ref.ids.length} nor tied with its last`
    if (Math.abs(score - want) > 2 * tol) return `rank ${i}: id ${id} scored ${score}, reference ${want}`
    if (seen.has(id)) return `id ${id} twice`
    seen.add(id)
  }
  return null
}

export interface Agreement {
  readonly equal: number
  readonly total: number
  readonly maxScoreDiff: number
  readonly examples: string[]
}

export function agreement(refs: readonly RefAnswer[], got: readonly Hits[], tol: number): Agreement {
  let equal = 0
  let maxScoreDiff = 0
  const examples: string[] = []
  refs.forEach((ref, q) => {
    const hits = got[q] ?? []
    for (let i = 0; i < Math.min(hits.length, ref.scores.length); i++) maxScoreDiff = Math.max(maxScoreDiff, Math.abs(hits[i]![1] - ref.scores[i]!))
    const why = mismatch(ref, hits, tol)
    if (why === null) equal++
    else if (examples.length < 5) examples.push(`query ${q}: ${why}`)
  })
  return { equal, total: refs.length, maxScoreDiff, examples }
}

/** Share of the reference's top-k ids a system returned (for peers with their own tokenizer and formula). */
export function overlap(refs: readonly RefAnswer[], got: readonly (readonly number[])[]): number {
  let hit = 0
  let total = 0
  refs.forEach((ref, q) => {
    if (q >= got.length) return
    const want = new Set([...ref.ids, ...ref.tail])
    for (const id of got[q]!) if (want.has(id)) hit++
    total += ref.ids.length
  })
  return total === 0 ? 1 : hit / total
}

export interface ReferenceSummary {
  readonly docs: number
  readonly terms: number
  readonly avgdl: number
  readonly build_s: number
  readonly search_s: number
  readonly check?: { bm25s: string; queries: number; max_rel_diff: number }
}

/** Runs the Python reference over token files; returns its answers and summary. */
export function runReference(python: string, script: string, tokens: string, queryTokens: string, out: string, opts: { k: number; k1: number; b: number; tol: number; checkBm25s: number }): { answers: RefAnswer[]; summary: ReferenceSummary } {
  const args = [script, '--tokens', tokens, '--query-tokens', queryTokens, '--out', out, '--k', String(opts.k), '--k1', String(opts.k1), '--b', String(opts.b), '--tie', String(opts.tol), '--check-bm25s', String(opts.checkBm25s)]
  const r = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 26 })
  if (r.status !== 0) throw new Error(`reference failed (${path.basename(script)}): ${r.stderr || r.error?.message}`)
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as ReferenceSummary
  const answers = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as RefAnswer)
  return { answers, summary }
}
