// SPARSE_INVERTED_INDEX / SPARSE_WAND: on random sparse rows, every search (with and without an
// allowed-rows filter, before and after an encode/decode round trip) equals a brute-force inner
// product over the rows sharing a dimension with the query; drop ratios leave values out; the
// index specs are validated as Milvus's sparse checker does.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Bitset } from '../common/bitset.ts'
import type { SparseRow } from '../column/column.ts'
import { MilvusError } from '../errors/errors.ts'
import { concatChunks } from './index-codec.ts'
import { encodeSparseCsr } from './sparse-csr.ts'
import { buildIndex, decodeIndex, validateIndexSpec, validateSearchParams } from './vector-index.ts'
import { VectorArena } from '../vector/vector-arena.ts'

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

function randomRow(next: () => number, dims: number, nnzMax: number): SparseRow {
  const set = new Set<number>()
  const n = Math.floor(next() * nnzMax)
  while (set.size < n) set.add(Math.floor(next() * dims))
  const indices = Uint32Array.from([...set].sort((a, b) => a - b))
  return { indices, values: Float32Array.from(indices, () => Math.fround(next() * 2 - 0.5)) }
}

/** Inner products (float64 sums of float32 products, ascending dims) of rows sharing a dimension. */
function bruteForce(rows: readonly SparseRow[], q: SparseRow, k: number, allowed: (r: number) => boolean): { row: number; score: number }[] {
  const out: { row: number; score: number }[] = []
  rows.forEach((r, i) => {
    if (!allowed(i)) return
    let s = 0
    let shared = false
    for (let a = 0, b = 0; a < q.indices.length && b < r.indices.length; ) {
      if (q.indices[a] === r.indices[b]) {
        s += q.values[a++]! * r.values[b++]!
        shared = true
      } else if (q.indices[a]! < r.indices[b]!) a++
      else b++
    }
    if (shared) out.push({ row: i, score: Math.fround(s) })
  })
  return out.sort((x, y) => y.score - x.score || x.row - y.row).slice(0, k)
}

describe('sparse inverted index', async () => {
  await VectorArena.init()
  const next = rng(104)
  const rows = Array.from({ length: 500 }, () => randomRow(next, 300, 12))
  const csr = encodeSparseCsr(rows)

  for (const indexType of ['SPARSE_INVERTED_INDEX', 'SPARSE_WAND']) {
    test(`${indexType}: exact top k against brute force, filtered or not, after a round trip`, () => {
      const spec = validateIndexSpec({ indexType, metric: 'IP', params: { inverted_index_algo: 'DAAT_MAXSCORE' }, dim: 0, fieldKind: 'sparse' })
      const built = buildIndex(spec, csr, rows.length)
      const decoded = decodeIndex(concatChunks(built.encode()), csr, rows.length)
      const allowedBits = new Bitset(rows.length)
      for (let i = 0; i < rows.length; i += 3) allowedBits.set(i)
      for (let t = 0; t < 30; t++) {
        const q = randomRow(next, 300, 20)
        for (const index of [built, decoded]) {
          for (const [bits, allowed] of [[null, () => true], [allowedBits, (r: number) => r % 3 === 0]] as const) {
            const want = bruteForce(rows, q, 10, allowed)
            const got = index.search(encodeSparseCsr([q]), 10, bits, {})
            assert.deepEqual(Array.from(got.scores), want.map((w) => w.score))
            assert.deepEqual(new Set(got.rows), new Set(want.map((w) => w.row)))
          }
        }
      }
    })
  }

  test('drop_ratio_build leaves the smallest values of each row out; drop_ratio_search those of the query', () => {
    const two: SparseRow[] = [{ indices: Uint32Array.of(1, 2), values: Float32Array.of(0.1, 5) }, { indices: Uint32Array.of(1), values: Float32Array.of(1) }]
    const spec = validateIndexSpec({ indexType: 'SPARSE_INVERTED_INDEX', metric: 'IP', params: { drop_ratio_build: 0.5 }, dim: 0, fieldKind: 'sparse' })
    const index = buildIndex(spec, encodeSparseCsr(two), 2)
    const q = encodeSparseCsr([{ indices: Uint32Array.of(1, 2), values: Float32Array.of(1, 1) }])
    assert.deepEqual(Array.from(index.search(q, 5, null, {}).rows), [0, 1])
    assert.deepEqual(Array.from(index.search(encodeSparseCsr([{ indices: Uint32Array.of(1), values: Float32Array.of(1) }]), 5, null, {}).rows), [1], 'row 0 lost its 0.1 at dim 1')
    const dropQ = validateSearchParams(spec, 5, { drop_ratio_search: 0.5 })
    assert.deepEqual(Array.from(index.search(encodeSparseCsr([{ indices: Uint32Array.of(1, 2), values: Float32Array.of(0.5, 1) }]), 5, null, dropQ).rows), [0])
  })

  test('specs are checked as Milvus does', () => {
    const bad = (raw: Record<string, unknown>, re: RegExp) =>
      assert.throws(() => validateIndexSpec({ indexType: 'SPARSE_WAND', metric: 'IP', params: {}, dim: 0, fieldKind: 'sparse', ...raw } as never), (e) => e instanceof MilvusError && e.code === 1100 && re.test(e.message))
    bad({ metric: 'L2' }, /only IP&BM25 is the supported metric type for sparse index/)
    bad({ params: { drop_ratio_build: 1 } }, /drop_ratio_build must be in range \[0, 1\)/)
    bad({ params: { inverted_index_algo: 'FAST' } }, /sparse inverted index algo FAST not found or not supported/)
    bad({ indexType: 'HNSW' }, /data type SparseFloatVector can't build with this index HNSW/)
    assert.equal(validateIndexSpec({ indexType: 'AUTOINDEX', metric: undefined, params: {}, dim: 0, fieldKind: 'sparse' }).indexType, 'SPARSE_INVERTED_INDEX')
    assert.throws(() => validateIndexSpec({ indexType: 'SPARSE_WAND', metric: 'IP', params: {}, dim: 4, fieldKind: 'float' }), /data type FloatVector can't build with this index SPARSE_WAND/)
  })
})
