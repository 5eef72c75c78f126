// encode/decode of the native HNSW: the bytes hold the graph only (no vectors); decoding them over a fresh
// copy of the column gives identical bytes and results; the graph is hnswlib's (put back together with
// its vectors, hnswlib-node reads it); old files and corrupted bytes are a MilvusError 2100, never a crash.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import hnswlib from 'hnswlib-node'
import { Bitset } from '../../common/bitset.ts'
import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import { Metric } from '../../vector/metric.ts'
import { seededRandom } from '../../vector/seeded-random.ts'
import { clusteredVectors } from './clustered-vectors.ts'
import { createNativeHnsw, decodeNativeHnsw } from './native-hnsw.ts'

const dim = 24
const rowCount = 2_000
const queryCount = 20
const k = 10
const ef = 40
const data = clusteredVectors({ seed: 3, dim, rowCount, queryCount, clusterCount: 10, spread: 0.2 })
const params = { dim, M: 8, efConstruction: 64, seed: 9 }
/** Bytes before the level-0 links (native/hnsw/index-codec.h, format 2). */
const headerBytes = 72
/** hnswlib's size_t header fields before the level-0 block of its own file layout (format 1). */
const hnswlibHeaderBytes = 96
const dir = mkdtempSync(join(tmpdir(), 'quiver-hnsw-codec-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const queryAt = (q: number) => data.queries.subarray(q * dim, (q + 1) * dim)

function isCorrupt(e: unknown): boolean {
  return e instanceof MilvusError && e.code === ErrorCode.IoFailed
}

/**
 * The graph bytes with their vectors put back in hnswlib's own file layout (what format 1 was): the
 * same header fields, each element's level-0 links + vector + label, then the upper links.
 */
function toHnswlibFile(bytes: Uint8Array, vectors: Float32Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = Number(view.getBigUint64(16, true))
  const maxM0 = Number(view.getBigUint64(40, true))
  const links0 = maxM0 * 4 + 4
  const element = links0 + dim * 4 + 8
  const upper = bytes.subarray(headerBytes + count * links0)
  const out = new Uint8Array(hnswlibHeaderBytes + count * element + upper.length)
  const o = new DataView(out.buffer)
  const sizes = [0, count, count, element, links0 + dim * 4, links0]
  sizes.forEach((v, i) => o.setBigUint64(i * 8, BigInt(v), true))
  out.set(bytes.subarray(24, headerBytes), 48) // maxLevel .. efConstruction, as hnswlib orders them
  for (let i = 0; i < count; i++) {
    const at = hnswlibHeaderBytes + i * element
    out.set(bytes.subarray(headerBytes + i * links0, headerBytes + (i + 1) * links0), at)
    out.set(new Uint8Array(vectors.buffer, vectors.byteOffset + i * dim * 4, dim * 4), at + links0)
    o.setBigUint64(at + links0 + dim * 4, BigInt(i), true)
  }
  out.set(upper, hnswlibHeaderBytes + count * element)
  return out
}

describe('native HNSW encode/decode', () => {
  test('a round trip over a fresh copy of the column gives the same bytes and the same results, filtered or not', () => {
    const allowed = new Bitset(rowCount)
    for (let r = 0; r < rowCount; r += 3) allowed.set(r)
    for (const metric of [Metric.L2, Metric.IP, Metric.COSINE] as const) {
      const index = createNativeHnsw({ ...params, metric }, data.vectors, rowCount)
      const bytes = index.encode()
      const decoded = decodeNativeHnsw(bytes, metric, dim, data.vectors.slice(0, rowCount * dim))
      assert.equal(decoded.rowCount, rowCount)
      assert.deepEqual(decoded.encode(), bytes)
      for (let q = 0; q < queryCount; q++) {
        for (const bits of [null, allowed]) assert.deepEqual(decoded.search(queryAt(q), k, bits, ef), index.search(queryAt(q), k, bits, ef))
        assert.deepEqual(decoded.searchExact(queryAt(q), k, allowed), index.searchExact(queryAt(q), k, allowed))
      }
    }
  })

  test('the bytes hold no vectors: their size does not grow with dim (COSINE adds a norm per row)', () => {
    const wide = clusteredVectors({ seed: 4, dim: 512, rowCount: 500, queryCount: 1, clusterCount: 5, spread: 0.2 })
    const sizes = [Metric.L2, Metric.COSINE].map((metric) => createNativeHnsw({ ...params, dim: 512, metric }, wide.vectors, 500).encode().length)
    const narrow = createNativeHnsw({ ...params, metric: Metric.L2 }, data.vectors, 500).encode().length
    const vectorBytes = 500 * 512 * 4
    assert.ok(sizes[0]! < vectorBytes / 10, `${sizes[0]} bytes for ${vectorBytes} bytes of vectors`)
    const linksPerRow = (2 * params.M * 4 + 4) + 4 // level-0 list + upper-links size field
    assert.ok(sizes[0]! >= headerBytes + 500 * linksPerRow && narrow >= headerBytes + 500 * linksPerRow)
    assert.ok(Math.abs(sizes[0]! - narrow) < 500 * 8, 'dim 512 and dim 24 graphs are about the same size')
    assert.ok(sizes[1]! > headerBytes + 500 * (linksPerRow + 4) - 1)
  })

  test("the graph is hnswlib's: with its vectors put back, hnswlib-node finds the same neighbours (L2)", () => {
    const ours = createNativeHnsw({ ...params, metric: Metric.L2 }, data.vectors, rowCount)
    const file = join(dir, 'ours.bin')
    writeFileSync(file, toHnswlibFile(ours.encode(), data.vectors))
    const theirs = new hnswlib.HierarchicalNSW('l2', dim)
    theirs.readIndexSync(file)
    theirs.setEf(ef)
    for (let q = 0; q < queryCount; q++) {
      assert.deepEqual(theirs.searchKnn(Array.from(queryAt(q)), k).neighbors, [...ours.search(queryAt(q), k, null, ef).rows])
    }
  })

  test("an old file (format 1: hnswlib's layout with the vectors inside) is a MilvusError 2100 saying so", () => {
    const theirs = new hnswlib.HierarchicalNSW('l2', dim)
    theirs.initIndex(50, 8, 32, 1)
    for (let r = 0; r < 50; r++) theirs.addPoint(Array.from(data.vectors.subarray(r * dim, (r + 1) * dim)), r)
    const file = join(dir, 'theirs.bin')
    theirs.writeIndexSync(file)
    assert.throws(
      () => decodeNativeHnsw(new Uint8Array(readFileSync(file)), Metric.L2, dim, data.vectors),
      (e) => isCorrupt(e) && /format 1 held the vectors inside/.test((e as Error).message),
    )
  })

  test('truncated bytes, another dim or metric, too few vectors and an out-of-range neighbour are MilvusError 2100', () => {
    const bytes = createNativeHnsw({ ...params, metric: Metric.L2 }, data.vectors, rowCount).encode()
    const column = data.vectors
    assert.throws(() => decodeNativeHnsw(bytes.subarray(0, bytes.length - 1), Metric.L2, dim, column), isCorrupt)
    assert.throws(() => decodeNativeHnsw(bytes.subarray(0, 10), Metric.L2, dim, column), isCorrupt)
    assert.throws(() => decodeNativeHnsw(new Uint8Array(0), Metric.L2, dim, column), isCorrupt)
    assert.throws(() => decodeNativeHnsw(bytes, Metric.L2, dim + 1, column), isCorrupt)
    assert.throws(() => decodeNativeHnsw(bytes, Metric.IP, dim, column), isCorrupt)
    assert.throws(() => decodeNativeHnsw(bytes, Metric.L2, dim, column.subarray(0, (rowCount - 1) * dim)), isCorrupt)
    const badLink = bytes.slice()
    new DataView(badLink.buffer).setUint32(headerBytes + 4, rowCount + 5, true) // row 0's first level-0 neighbour
    assert.throws(() => decodeNativeHnsw(badLink, Metric.L2, dim, column), isCorrupt)
    const badVersion = bytes.slice()
    new DataView(badVersion.buffer).setUint32(4, 3, true)
    assert.throws(() => decodeNativeHnsw(badVersion, Metric.L2, dim, column), (e) => isCorrupt(e) && /format version 3/.test((e as Error).message))
  })

  test('random byte flips either fail as MilvusError 2100 or decode to an index that returns rows in range', () => {
    for (const metric of [Metric.IP, Metric.COSINE] as const) {
      const bytes = createNativeHnsw({ ...params, metric }, data.vectors, 300).encode()
      const random = seededRandom(17)
      for (let trial = 0; trial < 200; trial++) {
        const copy = bytes.slice()
        // Half the flips hit the header and the first elements' links, where they matter most.
        const span = trial % 2 === 0 ? headerBytes + 400 : copy.length
        for (let f = 0; f < 3; f++) {
          const at = Math.floor(random() * span)
          copy[at] = copy[at]! ^ (1 << Math.floor(random() * 8))
        }
        try {
          const index = decodeNativeHnsw(copy, metric, dim, data.vectors)
          for (const r of index.search(queryAt(0), k, null, ef).rows) assert.ok(r >= 0 && r < index.rowCount)
        } catch (e) {
          assert.ok(isCorrupt(e), `unexpected error ${String(e)}`)
        }
      }
    }
  })
})
