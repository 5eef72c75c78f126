import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { Bitset } from '../common/bitset.ts'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { isBinaryMetric, largerIsBetter, type Metric } from '../vector/metric.ts'
import { VectorArena } from '../vector/vector-arena.ts'
import { buildIndexInWorker } from './index-builder.ts'
import { concatChunks } from './index-codec.ts'
import type { SearchParams } from './index-spec.ts'
import { IndexType } from './index-type.ts'
import { clusteredBits, clusteredVectors, recallAt } from './test-fixtures.ts'
import { buildIndex, decodeIndex, type IndexSearchResult, type VectorIndex } from './vector-index.ts'

/** One index type as the contract suite runs it. */
export interface IndexContractCase {
  readonly indexType: IndexType
  readonly params: Readonly<Record<string, number>>
  /** The first metric gets every test; the others the recall and exactness tests. */
  readonly metrics: readonly Metric[]
  readonly searchParams: SearchParams
  /** recall@10 against FLAT on the seeded data, unfiltered, at least (chosen from measurement). */
  readonly recallMin: number
  /** recall@10 against FLAT when half the rows are allowed. */
  readonly recallMinHalf: number
}

/** Seeded data of the suite: small enough to keep each suite at a few seconds on 2 shared cores. */
const rowCount = 2000
const floatDim = 32
const binaryDim = 128
const queryCount = 40
const k = 10

interface Fixture {
  readonly metric: Metric
  readonly dim: number
  readonly vectors: Float32Array | Uint8Array
  readonly queries: (Float32Array | Uint8Array)[]
  readonly flat: VectorIndex
  readonly index: VectorIndex
  /** Every row's exact score per query (FLAT with k = rowCount). */
  readonly exact: Float32Array[]
}

function makeData(binary: boolean, n: number, stream: number, seed = 7): Float32Array | Uint8Array {
  return binary ? clusteredBits(seed, n, binaryDim, 50, 0.15, stream) : clusteredVectors(seed, n, floatDim, 100, 0.5, stream)
}

function queriesOf(binary: boolean): (Float32Array | Uint8Array)[] {
  const dim = binary ? binaryDim / 8 : floatDim
  const all = makeData(binary, queryCount, 1)
  return Array.from({ length: queryCount }, (_, q) => all.slice(q * dim, (q + 1) * dim))
}

/** `values` copied into the vector arena, as the engine stores float columns. */
function inArena(values: Float32Array | Uint8Array): Float32Array | Uint8Array {
  if (values instanceof Uint8Array) return values
  const out = VectorArena.shared().allocFloat32(values.length)
  out.set(values)
  return out
}

function flatType(metric: Metric): IndexType {
  return isBinaryMetric(metric) ? IndexType.BIN_FLAT : IndexType.FLAT
}

function fixtureOf(c: IndexContractCase, metric: Metric): Fixture {
  const binary = isBinaryMetric(metric)
  const dim = binary ? binaryDim : floatDim
  const vectors = inArena(makeData(binary, rowCount, 0))
  const queries = queriesOf(binary)
  const flat = buildIndex({ indexType: flatType(metric), metric, dim, params: {} }, vectors, rowCount)
  const index = buildIndex({ indexType: c.indexType, metric, dim, params: c.params }, vectors, rowCount)
  const exact = queries.map((q) => scoresByRow(flat.search(q, rowCount, null, {}), rowCount))
  return { metric, dim, vectors, queries, flat, index, exact }
}

function scoresByRow(result: IndexSearchResult, n: number): Float32Array {
  const out = new Float32Array(n)
  for (let i = 0; i < result.rows.length; i++) out[result.rows[i]!] = result.scores[i]!
  return out
}

function searchAll(index: VectorIndex, f: Fixture, allowed: Bitset | null, params: SearchParams): IndexSearchResult[] {
  return f.queries.map((q) => index.search(q, k, allowed, params))
}

function bitsOf(n: number, keep: (row: number) => boolean): Bitset {
  const bits = new Bitset(n)
  for (let row = 0; row < n; row++) if (keep(row)) bits.set(row)
  return bits
}

/** Rows unique and allowed, scores exact (FLAT's) and best first. */
function assertWellFormed(f: Fixture, results: IndexSearchResult[], allowed: Bitset | null): void {
  const larger = largerIsBetter(f.metric)
  results.forEach((r, q) => {
    assert.equal(r.rows.length, r.scores.length)
    assert.equal(new Set(r.rows).size, r.rows.length, 'duplicate rows')
    for (let i = 0; i < r.rows.length; i++) {
      const row = r.rows[i]!
      if (allowed !== null) assert.ok(allowed.get(row), `row ${row} is not allowed`)
      assert.equal(r.scores[i], f.exact[q]![row], `score of row ${row} is not exact`)
      if (i > 0) assert.ok(larger ? r.scores[i - 1]! >= r.scores[i]! : r.scores[i - 1]! <= r.scores[i]!, 'not best first')
    }
  })
}

function sameResults(a: IndexSearchResult[], b: IndexSearchResult[]): void {
  assert.equal(a.length, b.length)
  for (let q = 0; q < a.length; q++) {
    assert.deepEqual(Array.from(a[q]!.rows), Array.from(b[q]!.rows))
    assert.deepEqual(Array.from(a[q]!.scores), Array.from(b[q]!.scores))
  }
}

function recallOf(f: Fixture, index: VectorIndex, allowed: Bitset | null, params: SearchParams): number {
  const truth = searchAll(f.flat, f, allowed, {}).map((r) => r.rows)
  return recallAt(k, truth, searchAll(index, f, allowed, params).map((r) => r.rows))
}

/** Registers the contract tests every VectorIndex implementation passes. */
export function vectorIndexContract(c: IndexContractCase): void {
  describe(`${c.indexType} (VectorIndex contract)`, () => {
    const fixtures = new Map<Metric, Fixture>()
    before(async () => {
      await VectorArena.init()
      for (const metric of c.metrics) fixtures.set(metric, fixtureOf(c, metric))
    })
    const main = (): Fixture => fixtures.get(c.metrics[0]!)!

    for (const metric of c.metrics) {
      test(`${metric}: recall@${k} against FLAT ≥ ${c.recallMin}, scores exact and best first`, () => {
        const f = fixtures.get(metric)!
        const recall = recallOf(f, f.index, null, c.searchParams)
        assert.ok(recall >= c.recallMin, `recall ${recall.toFixed(3)} < ${c.recallMin}`)
        assertWellFormed(f, searchAll(f.index, f, null, c.searchParams), null)
      })
    }

    test('allowedBits: all ones equals null; none gives nothing', () => {
      const f = main()
      sameResults(searchAll(f.index, f, Bitset.full(rowCount), c.searchParams), searchAll(f.index, f, null, c.searchParams))
      for (const r of searchAll(f.index, f, new Bitset(rowCount), c.searchParams)) assert.equal(r.rows.length, 0)
    })

    test('allowedBits: a few rows gives exactly FLAT over them', () => {
      const f = main()
      const few = bitsOf(rowCount, (row) => row % 397 === 5)
      sameResults(searchAll(f.index, f, few, c.searchParams), searchAll(f.flat, f, few, {}))
    })

    test(`allowedBits: half the rows, only allowed rows, recall ≥ ${c.recallMinHalf}`, () => {
      const f = main()
      const half = bitsOf(rowCount, (row) => row % 2 === 1)
      assertWellFormed(f, searchAll(f.index, f, half, c.searchParams), half)
      const recall = recallOf(f, f.index, half, c.searchParams)
      assert.ok(recall >= c.recallMinHalf, `recall ${recall.toFixed(3)} < ${c.recallMinHalf}`)
    })

    test('k larger than the rows returns every row, exactly as FLAT', () => {
      const f = main()
      const n = 40
      const vectors = f.vectors.subarray(0, (n * f.dim) / (isBinaryMetric(f.metric) ? 8 : 1))
      const small = buildIndex({ indexType: c.indexType, metric: f.metric, dim: f.dim, params: c.params }, vectors, n)
      const flat = buildIndex({ indexType: flatType(f.metric), metric: f.metric, dim: f.dim, params: {} }, vectors, n)
      for (const q of f.queries.slice(0, 5)) {
        const got = small.search(q, 100, null, c.searchParams)
        assert.equal(got.rows.length, n)
        sameResults([got], [flat.search(q, 100, null, {})])
      }
      small.release()
      flat.release()
    })

    test('an empty index (0 rows) returns nothing and round-trips', () => {
      const f = main()
      const empty = buildIndex({ indexType: c.indexType, metric: f.metric, dim: f.dim, params: c.params }, f.vectors, 0)
      assert.equal(empty.search(f.queries[0]!, k, null, c.searchParams).rows.length, 0)
      const decoded = decodeIndex(concatChunks(empty.encode()), f.vectors, 0)
      assert.equal(decoded.rowCount, 0)
      assert.equal(decoded.search(f.queries[0]!, k, new Bitset(0), c.searchParams).rows.length, 0)
    })

    test('encode → decode gives identical results; corrupt bytes are a 2100 error', () => {
      const f = main()
      const bytes = concatChunks(f.index.encode())
      const decoded = decodeIndex(bytes, f.vectors, rowCount)
      assert.deepEqual(decoded.spec, f.index.spec)
      const half = bitsOf(rowCount, (row) => row % 2 === 0)
      sameResults(searchAll(decoded, f, null, c.searchParams), searchAll(f.index, f, null, c.searchParams))
      sameResults(searchAll(decoded, f, half, c.searchParams), searchAll(f.index, f, half, c.searchParams))
      decoded.release()
      const bad = bytes.slice()
      bad[bad.length >> 1]! ^= 0x40
      assert.throws(() => decodeIndex(bad, f.vectors, rowCount), (e: unknown) => e instanceof MilvusError && e.code === ErrorCode.IoFailed)
    })

    test('a worker build gives the bytes of an in-thread build', async () => {
      const f = main()
      const spec = f.index.spec
      assert.deepEqual(await buildIndexInWorker(spec, f.vectors, rowCount), concatChunks(f.index.encode()))
    })

    test('rows outside the arena give the same results', () => {
      const f = main()
      if (f.vectors instanceof Uint8Array) return
      const plain = f.vectors.slice()
      const index = buildIndex(f.index.spec, plain, rowCount)
      assert.deepEqual(concatChunks(index.encode()), concatChunks(f.index.encode()))
      sameResults(searchAll(index, f, null, c.searchParams), searchAll(f.index, f, null, c.searchParams))
      index.release()
      index.release()
    })

    test('a query of the wrong dimension is an assertion', () => {
      const f = main()
      const wrong = f.queries[0]!.slice(0, f.queries[0]!.length - 1)
      assert.throws(() => f.index.search(wrong, k, null, c.searchParams), assert.AssertionError)
    })
  })
}
