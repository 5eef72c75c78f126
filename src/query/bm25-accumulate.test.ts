import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SparseRow } from '../column/column.ts'
import { encodeSparseCsr, readSparseCsr } from '../index/sparse/sparse-csr.ts'
import { buildSparsePostings } from '../index/sparse/sparse-postings.ts'
import { seededRandom } from '../vector/seeded-random.ts'
import { type Accumulators, accumulateTerms } from './bm25-accumulate.ts'
import { maxScoreSegment } from './bm25-maxscore.ts'
import { type Bm25Segment, lengthNorms, minDocLength } from './bm25-segment.ts'
import { TopKHeap } from '../common/topk-heap.ts'

/** A Zipf-like corpus: term t appears with probability ~ 1/(t+1), so term 0 is in most rows (a "the"). */
function corpus(rowCount: number, random: () => number): Bm25Segment {
  const rows: SparseRow[] = []
  for (let r = 0; r < rowCount; r++) {
    const tf = new Map<number, number>()
    const len = 3 + Math.floor(random() * 30)
    for (let i = 0; i < len; i++) {
      const t = Math.floor(Math.exp(random() * Math.log(400))) - 1
      tf.set(t, (tf.get(t) ?? 0) + 1)
    }
    const indices = Uint32Array.from([...tf.keys()].sort((a, b) => a - b))
    rows.push({ indices, values: Float32Array.from(indices, (t) => tf.get(t)!) })
  }
  const docLength = Float32Array.from(rows, (row) => row.values.reduce((a, b) => a + b, 0))
  const postings = buildSparsePostings(readSparseCsr(encodeSparseCsr(rows)))
  return { rowCount, baseRows: rowCount, postings, docLength, docLengthTotal: docLength.reduce((a, b) => a + b, 0), rows }
}

function topK(view: Bm25Segment, terms: number[], weights: number[], allowed: Uint32Array, k: number, pruneK: number): [number, number][] {
  const acc: Accumulators = { sums: new Float64Array(view.rowCount), touched: new Int32Array(view.rowCount) }
  const avgdl = view.docLengthTotal / view.rowCount
  const count = accumulateTerms(view, { terms: Uint32Array.from(terms), weights: Float64Array.from(weights) }, 1.2, 0.75, avgdl, allowed, acc, pruneK)
  const hits: [number, number][] = []
  for (let i = 0; i < count; i++) hits.push([acc.touched[i]!, acc.sums[acc.touched[i]!]!])
  return hits.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k)
}

test('pruned top-k equals the full term-at-a-time top-k: rows, scores, with filters and common terms', () => {
  const random = seededRandom(7)
  const view = corpus(3_000, random)
  for (let q = 0; q < 200; q++) {
    const termCount = 1 + Math.floor(random() * 5)
    const terms = [...new Set(Array.from({ length: termCount }, () => (random() < 0.3 ? Math.floor(random() * 3) : Math.floor(random() * 400))))].sort((a, b) => a - b)
    const weights = terms.map(() => 0.1 + random() * 5)
    const allowed = new Uint32Array(Math.ceil(view.rowCount / 32))
    const share = random() < 0.5 ? 1 : random()
    for (let r = 0; r < view.rowCount; r++) if (random() < share) allowed[r >>> 5]! |= 1 << (r & 31)
    const k = 1 + Math.floor(random() * 20)
    const exact = topK(view, terms, weights, allowed, k, 0)
    const pruned = topK(view, terms, weights, allowed, k, k)
    assert.equal(pruned.length, exact.length, `query ${q}`)
    for (let i = 0; i < exact.length; i++) {
      assert.ok(Math.abs(pruned[i]![1] - exact[i]![1]) <= 1e-9 * exact[i]![1], `query ${q} hit ${i}: ${pruned[i]![1]} vs ${exact[i]![1]}`)
    }
    // Ties aside, the same rows.
    assert.deepEqual(new Set(pruned.map((h) => h[1].toFixed(9))), new Set(exact.map((h) => h[1].toFixed(9))), `query ${q}`)
  }
})

test('DAAT MaxScore top-k equals the exhaustive term-at-a-time top-k, also with a bar carried in from an earlier segment', () => {
  const random = seededRandom(11)
  const view = corpus(4_000, random)
  const avgdl = view.docLengthTotal / view.rowCount
  const norms = lengthNorms(view, 1.2, 0.75, avgdl)
  const minNorm = (d: number): number => 1.2 * (1 - 0.75 + (0.75 * minDocLength(view, d)) / avgdl)
  for (let q = 0; q < 300; q++) {
    const termCount = 1 + Math.floor(random() * 12)
    const terms = [...new Set(Array.from({ length: termCount }, () => (random() < 0.4 ? Math.floor(random() * 4) : Math.floor(random() * 420))))].sort((a, b) => a - b)
    const weights = terms.map(() => 0.1 + random() * 5)
    const allowed = new Uint32Array(Math.ceil(view.rowCount / 32))
    const share = random() < 0.5 ? 1 : random()
    for (let r = 0; r < view.rowCount; r++) if (random() < share) allowed[r >>> 5]! |= 1 << (r & 31)
    const k = 1 + Math.floor(random() * 20)
    const exact = topK(view, terms, weights, allowed, k, 0)
    const heap = new TopKHeap(k, true)
    // Half the queries start from a heap an earlier segment filled (rows 1e6 + i, never in this segment).
    const carried = random() < 0.5 && exact.length === k ? exact[k - 1]![1] * (0.5 + random() * 0.6) : 0
    if (carried > 0) for (let i = 0; i < k; i++) heap.push(carried, 1e6 + i)
    maxScoreSegment(view, { terms: Uint32Array.from(terms), weights: Float64Array.from(weights) }, 1.2, norms, minNorm, allowed, heap, 0)
    const { scores, ids } = heap.drain()
    const want = [...exact.map(([r, s]) => [r, Math.fround(s)] as [number, number]), ...Array.from({ length: carried > 0 ? k : 0 }, (_, i) => [1e6 + i, Math.fround(carried)] as [number, number])]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
    assert.equal(scores.length, want.length, `query ${q}`)
    for (let i = 0; i < want.length; i++) assert.equal(scores[i], want[i]![1], `query ${q} hit ${i}`)
    // Ties (in float32, as the heap keeps scores) may pick any of the tied rows.
    const all = [...topK(view, terms, weights, allowed, view.rowCount, 0).map(([r, s]) => [r, Math.fround(s)] as [number, number]), ...want]
    const rowsOf = (s: number): number[] => all.filter((w) => w[1] === s).map((w) => w[0])
    for (let i = 0; i < ids.length; i++) assert.ok(rowsOf(scores[i]!).includes(ids[i]!), `query ${q} hit ${i}: row ${ids[i]} scored ${scores[i]}`)
  }
})
