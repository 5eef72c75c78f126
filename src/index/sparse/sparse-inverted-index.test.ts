// SPARSE_INVERTED_INDEX / SPARSE_WAND: differential tests against an exact scan (float64 inner
// products in ascending dimensions, positive scores only, rows offered in ascending order to the same
// top-k heap): every algorithm (TAAT_NAIVE, DAAT_WAND, DAAT_MAXSCORE), built or decoded, filtered or
// not, returns exactly the exact scan's rows and scores when the drop ratios are 0; then the
// approximate knobs and the spec checks.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { Bitset } from '../../common/bitset.ts'
import { TopKHeap } from '../../common/topk-heap.ts'
import type { SparseRow } from '../../column/column.ts'
import { MilvusError } from '../../errors/errors.ts'
import { VectorArena } from '../../vector/vector-arena.ts'
import { concatChunks } from '../index-codec.ts'
import { buildIndex, decodeIndex, type VectorIndex, validateIndexSpec, validateSearchParams } from '../vector-index.ts'
import { encodeSparseCsr } from './sparse-csr.ts'

function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A row of up to `nnzMax` entries in `dims` dimensions; values skewed (a few large), some negative. */
function randomRow(next: () => number, dims: number, nnzMax: number, negativeShare = 0.2): SparseRow {
  const set = new Set<number>()
  const n = Math.floor(next() * (nnzMax + 1))
  // Zipf-like dimensions: low dimensions are common, as in text.
  while (set.size < Math.min(n, dims)) set.add(Math.floor(dims * next() ** 2))
  const indices = Uint32Array.from([...set].sort((a, b) => a - b))
  return { indices, values: Float32Array.from(indices, () => Math.fround((next() < negativeShare ? -1 : 1) * next() ** 3 * 4)) }
}

/** The exact scan: float64 sums of float32 products in ascending dimensions, positive ones offered in row order. */
function exactTopK(rows: readonly SparseRow[], q: SparseRow, k: number, allowed: Bitset | null): { rows: number[]; scores: number[] } {
  const heap = new TopKHeap(Math.max(1, Math.min(k, rows.length)), true)
  rows.forEach((r, i) => {
    if (allowed !== null && !allowed.get(i)) return
    let s = 0
    for (let a = 0, b = 0; a < q.indices.length && b < r.indices.length; ) {
      if (q.indices[a] === r.indices[b]) s += q.values[a++]! * r.values[b++]!
      else if (q.indices[a]! < r.indices[b]!) a++
      else b++
    }
    if (s > 0) heap.push(s, i)
  })
  const { scores, ids } = heap.drain()
  return { rows: Array.from(ids), scores: Array.from(scores) }
}

const algos = ['TAAT_NAIVE', 'DAAT_WAND', 'DAAT_MAXSCORE'] as const

function indexesOf(rows: readonly SparseRow[], indexType = 'SPARSE_INVERTED_INDEX'): Map<string, VectorIndex> {
  const csr = encodeSparseCsr(rows)
  const out = new Map<string, VectorIndex>()
  for (const algo of algos) {
    const spec = validateIndexSpec({ indexType, metric: 'IP', params: { inverted_index_algo: algo }, dim: 0, fieldKind: 'sparse' })
    const built = buildIndex(spec, csr, rows.length)
    out.set(`${algo} built`, built)
    out.set(`${algo} decoded`, decodeIndex(concatChunks(built.encode()), csr, rows.length))
  }
  return out
}

function assertSame(index: VectorIndex, rows: readonly SparseRow[], q: SparseRow, k: number, allowed: Bitset | null, label: string): void {
  const want = exactTopK(rows, q, k, allowed)
  const got = index.search(encodeSparseCsr([q]), k, allowed, validateSearchParams(index.spec, k, {}))
  assert.deepEqual({ rows: Array.from(got.rows), scores: Array.from(got.scores) }, want, label)
}

describe('sparse inverted index', async () => {
  await VectorArena.init()

  test('every algorithm returns the exact scan top k on random data, filtered or not, built or decoded', () => {
    const next = rng(104)
    const rows = Array.from({ length: 3000 }, () => randomRow(next, 2000, 40))
    const allowed = new Bitset(rows.length)
    for (let i = 0; i < rows.length; i++) if (next() < 0.3) allowed.set(i)
    const indexes = indexesOf(rows)
    for (let t = 0; t < 40; t++) {
      const q = randomRow(next, 2000, 30)
      for (const k of [1, 10, 100]) {
        for (const [name, index] of indexes) {
          assertSame(index, rows, q, k, null, `${name} query ${t} k ${k}`)
          assertSame(index, rows, q, k, allowed, `${name} query ${t} k ${k} filtered`)
        }
      }
    }
  })

  test('property: on small dense-ish data (many ties, negative values, empty rows) the algorithms equal the exact scan', () => {
    const entry = fc.tuple(fc.integer({ min: 0, max: 12 }), fc.constantFrom(-2, -1, 0.5, 1, 2, 3))
    const row = fc.uniqueArray(entry, { selector: (e) => e[0], maxLength: 6 }).map((es): SparseRow => {
      const sorted = [...es].sort((a, b) => a[0] - b[0])
      return { indices: Uint32Array.from(sorted, (e) => e[0]), values: Float32Array.from(sorted, (e) => e[1]) }
    })
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 60 }), row, fc.integer({ min: 1, max: 20 }), fc.array(fc.boolean(), { maxLength: 60 }), (rows, q, k, mask) => {
        const allowed = new Bitset(rows.length)
        for (let i = 0; i < rows.length; i++) if (mask[i] !== false) allowed.set(i)
        for (const [name, index] of indexesOf(rows)) {
          assertSame(index, rows, q, k, null, name)
          assertSame(index, rows, q, k, allowed, `${name} filtered`)
        }
      }),
      { numRuns: 150, seed: 12 },
    )
  })

  test('SPARSE_WAND defaults to DAAT_WAND, SPARSE_INVERTED_INDEX and AUTOINDEX to DAAT_MAXSCORE; all exact', () => {
    const next = rng(7)
    const rows = Array.from({ length: 400 }, () => randomRow(next, 100, 10, 0))
    const csr = encodeSparseCsr(rows)
    for (const indexType of ['SPARSE_WAND', 'SPARSE_INVERTED_INDEX', 'AUTOINDEX']) {
      const spec = validateIndexSpec({ indexType, metric: undefined, params: {}, dim: 0, fieldKind: 'sparse' })
      assert.equal(spec.params.inverted_index_algo, indexType === 'SPARSE_WAND' ? 1 : 2)
      const index = buildIndex(spec, csr, rows.length)
      for (let t = 0; t < 10; t++) assertSame(index, rows, randomRow(next, 100, 8, 0), 10, null, indexType)
    }
  })

  test('drop_ratio_search leaves the query smallest values out; drop_ratio_build is accepted and changes nothing (Milvus 2.6)', () => {
    const two: SparseRow[] = [{ indices: Uint32Array.of(1, 2), values: Float32Array.of(0.1, 5) }, { indices: Uint32Array.of(1), values: Float32Array.of(1) }]
    for (const algo of algos) {
      const spec = validateIndexSpec({ indexType: 'SPARSE_INVERTED_INDEX', metric: 'IP', params: { drop_ratio_build: 0.5, inverted_index_algo: algo }, dim: 0, fieldKind: 'sparse' })
      const index = buildIndex(spec, encodeSparseCsr(two), 2)
      const one = encodeSparseCsr([{ indices: Uint32Array.of(1), values: Float32Array.of(1) }])
      assert.deepEqual(Array.from(index.search(one, 5, null, {}).rows), [1, 0], `${algo}: row 0 keeps its 0.1 at dim 1`)
      const q = encodeSparseCsr([{ indices: Uint32Array.of(1, 2), values: Float32Array.of(0.5, 1) }])
      assert.deepEqual(Array.from(index.search(q, 5, null, validateSearchParams(spec, 5, {})).rows), [0, 1])
      assert.deepEqual(Array.from(index.search(q, 5, null, validateSearchParams(spec, 5, { drop_ratio_search: 0.5 })).rows), [0], `${algo}: the query's 0.5 is dropped`)
    }
  })

  test('dim_max_score_ratio below 1 prunes harder: results stay a subset of real hits with exact scores', () => {
    const next = rng(9)
    const rows = Array.from({ length: 2000 }, () => randomRow(next, 500, 30, 0))
    for (const algo of ['DAAT_WAND', 'DAAT_MAXSCORE']) {
      const spec = validateIndexSpec({ indexType: 'SPARSE_INVERTED_INDEX', metric: 'IP', params: { inverted_index_algo: algo }, dim: 0, fieldKind: 'sparse' })
      const index = buildIndex(spec, encodeSparseCsr(rows), rows.length)
      for (let t = 0; t < 10; t++) {
        const q = randomRow(next, 500, 20, 0)
        const all = exactTopK(rows, q, rows.length, null)
        const scoreOf = new Map(all.rows.map((r, i) => [r, all.scores[i]!]))
        const got = index.search(encodeSparseCsr([q]), 10, null, validateSearchParams(spec, 10, { dim_max_score_ratio: 0.5 }))
        got.rows.forEach((r, i) => assert.equal(got.scores[i], scoreOf.get(r), `${algo}: row ${r} scored exactly`))
      }
    }
  })

  test('drop_ratio_search scores count the kept terms; refine_factor re-scores k × refine_factor candidates exactly', () => {
    const next = rng(11)
    const rows = Array.from({ length: 1500 }, () => randomRow(next, 300, 25, 0))
    let refinedHits = 0
    for (const algo of algos) {
      const spec = validateIndexSpec({ indexType: 'SPARSE_INVERTED_INDEX', metric: 'IP', params: { inverted_index_algo: algo }, dim: 0, fieldKind: 'sparse' })
      const index = buildIndex(spec, encodeSparseCsr(rows), rows.length)
      for (let t = 0; t < 10; t++) {
        const q = randomRow(next, 300, 20, 0)
        const all = exactTopK(rows, q, rows.length, null)
        const exact = new Map(all.rows.map((r, i) => [r, all.scores[i]!]))
        const partial = index.search(encodeSparseCsr([q]), 10, null, validateSearchParams(spec, 10, { drop_ratio_search: 0.6 }))
        partial.rows.forEach((r, i) => assert.ok(partial.scores[i]! <= exact.get(r)!, `${algo}: a partial score never exceeds the full one`))
        const refined = index.search(encodeSparseCsr([q]), 10, null, validateSearchParams(spec, 10, { drop_ratio_search: 0.6, refine_factor: 1000 }))
        refined.rows.forEach((r, i) => assert.equal(refined.scores[i], exact.get(r), `${algo}: refined row ${r} has its exact score`))
        const want = exactTopK(rows, q, 10, null)
        assert.ok((refined.scores[0] ?? 0) <= (want.scores[0] ?? 0), 'never better than the exact best')
        refinedHits += refined.rows.length
      }
    }
    assert.ok(refinedHits > 100, 'the queries found rows')
  })

  test('search parameters are checked: drop_ratio_search in [0, 1), dim_max_score_ratio in [0.5, 1.3]', () => {
    const spec = validateIndexSpec({ indexType: 'SPARSE_INVERTED_INDEX', metric: 'IP', params: {}, dim: 0, fieldKind: 'sparse' })
    assert.deepEqual(validateSearchParams(spec, 5, { drop_ratio_search: '0.2', dim_max_score_ratio: 0.9, refine_factor: 3 }), { dropRatioSearch: 0.2, dimMaxScoreRatio: 0.9, refineFactor: 3 })
    assert.deepEqual(validateSearchParams(spec, 5, {}), { dropRatioSearch: 0, dimMaxScoreRatio: 1.05, refineFactor: 1 })
    const bad = (raw: Record<string, unknown>, re: RegExp) => assert.throws(() => validateSearchParams(spec, 5, raw), (e: unknown) => e instanceof MilvusError && e.code === 1100 && re.test(e.message))
    bad({ drop_ratio_search: 1 }, /drop_ratio_search must be in range \[0, 1\), got 1/)
    bad({ drop_ratio_search: -0.1 }, /drop_ratio_search must be in range/)
    bad({ dim_max_score_ratio: 1.31 }, /dim_max_score_ratio must be in range \[0.5, 1.3\], got 1.31/)
    bad({ dim_max_score_ratio: 'x' }, /dim_max_score_ratio must be in range/)
    bad({ refine_factor: 0 }, /refine_factor must be an integer in range \[1, 1024\], got 0/)
    bad({ refine_factor: 1.5 }, /refine_factor must be an integer/)
  })

  test('index specs are checked as Milvus 2.6 does', () => {
    const bad = (raw: Record<string, unknown>, re: RegExp) =>
      assert.throws(() => validateIndexSpec({ indexType: 'SPARSE_WAND', metric: 'IP', params: {}, dim: 0, fieldKind: 'sparse', ...raw } as never), (e: unknown) => e instanceof MilvusError && e.code === 1100 && re.test(e.message))
    bad({ metric: 'L2' }, /only IP&BM25 is the supported metric type for sparse index, got L2/)
    bad({ metric: 'BM25' }, /only BM25 Function output field support BM25 metric type/)
    bad({ params: { drop_ratio_build: 1 } }, /drop_ratio_build must be in range \[0, 1\)/)
    bad({ params: { inverted_index_algo: 'FAST' } }, /sparse inverted index algo FAST not found or not supported, supported: \[TAAT_NAIVE DAAT_WAND DAAT_MAXSCORE\]/)
    bad({ indexType: 'HNSW' }, /data type SparseFloatVector can't build with this index HNSW/)
    assert.throws(() => validateIndexSpec({ indexType: 'SPARSE_WAND', metric: 'IP', params: {}, dim: 4, fieldKind: 'float' }), /data type FloatVector can't build with this index SPARSE_WAND/)
  })

  test('an empty segment, an empty query and a query sharing no dimension find nothing', () => {
    const spec = validateIndexSpec({ indexType: 'SPARSE_INVERTED_INDEX', metric: 'IP', params: {}, dim: 0, fieldKind: 'sparse' })
    const empty = buildIndex(spec, encodeSparseCsr([]), 0)
    const q = encodeSparseCsr([{ indices: Uint32Array.of(3), values: Float32Array.of(1) }])
    assert.equal(empty.search(q, 5, null, {}).rows.length, 0)
    const one = buildIndex(spec, encodeSparseCsr([{ indices: Uint32Array.of(1), values: Float32Array.of(1) }, { indices: new Uint32Array(0), values: new Float32Array(0) }]), 2)
    assert.equal(one.search(q, 5, null, {}).rows.length, 0)
    assert.equal(one.search(encodeSparseCsr([{ indices: new Uint32Array(0), values: new Float32Array(0) }]), 5, null, {}).rows.length, 0)
  })

  test('a decoded index encodes as the bytes it was decoded from; encoding a built one is deterministic', () => {
    const rows = Array.from({ length: 50 }, (_, r) => ({ indices: Uint32Array.of(r % 7, 100 + r), values: Float32Array.of(1 + (r % 3), 2) }))
    const spec = validateIndexSpec({ indexType: 'SPARSE_INVERTED_INDEX', metric: 'IP', params: {}, dim: 0, fieldKind: 'sparse' })
    const csr = encodeSparseCsr(rows)
    const bytes = concatChunks(buildIndex(spec, csr, rows.length).encode())
    assert.deepEqual(concatChunks(buildIndex(spec, csr, rows.length).encode()), bytes)
    const decoded = decodeIndex(bytes, csr, rows.length)
    const again = decoded.encode()
    assert.equal(again.length, 1)
    assert.equal(again[0], bytes, 'the same buffer, not a copy')
    const q = { indices: Uint32Array.of(3, 120), values: Float32Array.of(1, 1) }
    assertSame(decodeIndex(again[0]!, csr, rows.length), rows, q, 5, null, 'decoded from its own encoding')
  })
})
