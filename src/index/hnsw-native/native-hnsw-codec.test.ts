// encode/decode of the native HNSW: a round trip gives identical bytes and identical results; the
// bytes are hnswlib's own file layout (hnswlib-node reads ours and we read its); corrupted bytes are a
// MilvusError 2100 (checked before any allocation), never a crash or an out-of-range row.
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
/** Bytes before the level-0 block: 6 size_t, int32 maxlevel, uint32 entry point, 3 size_t, double, size_t. */
const headerBytes = 96
const dir = mkdtempSync(join(tmpdir(), 'quiver-hnsw-codec-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const queryAt = (q: number) => data.queries.subarray(q * dim, (q + 1) * dim)

function isCorrupt(e: unknown): boolean {
  return e instanceof MilvusError && e.code === ErrorCode.IoFailed
}

describe('native HNSW encode/decode', () => {
  test('a round trip gives the same bytes and the same results, filtered or not', () => {
    const allowed = new Bitset(rowCount)
    for (let r = 0; r < rowCount; r += 3) allowed.set(r)
    for (const metric of [Metric.L2, Metric.IP, Metric.COSINE] as const) {
      const index = createNativeHnsw({ ...params, metric }, data.vectors, rowCount)
      const bytes = index.encode()
      const decoded = decodeNativeHnsw(bytes, metric, dim)
      assert.equal(decoded.rowCount, rowCount)
      assert.deepEqual(decoded.encode(), bytes)
      for (let q = 0; q < queryCount; q++) {
        for (const bits of [null, allowed]) assert.deepEqual(decoded.search(queryAt(q), k, bits, ef), index.search(queryAt(q), k, bits, ef))
      }
    }
  })

  test("hnswlib-node reads our bytes and we read its file, with the same neighbours (L2)", () => {
    const ours = createNativeHnsw({ ...params, metric: Metric.L2 }, data.vectors, rowCount)
    const file = join(dir, 'ours.bin')
    writeFileSync(file, ours.encode())
    const theirs = new hnswlib.HierarchicalNSW('l2', dim)
    theirs.readIndexSync(file)
    theirs.setEf(ef)
    for (let q = 0; q < queryCount; q++) {
      assert.deepEqual(theirs.searchKnn(Array.from(queryAt(q)), k).neighbors, [...ours.search(queryAt(q), k, null, ef).rows])
    }
    const theirFile = join(dir, 'theirs.bin')
    theirs.writeIndexSync(theirFile)
    const back = decodeNativeHnsw(new Uint8Array(readFileSync(theirFile)), Metric.L2, dim)
    assert.deepEqual(back.search(queryAt(0), k, null, ef), ours.search(queryAt(0), k, null, ef))
  })

  test('truncated bytes, a wrong dim and an out-of-range neighbour are MilvusError 2100', () => {
    const bytes = createNativeHnsw({ ...params, metric: Metric.L2 }, data.vectors, rowCount).encode()
    assert.throws(() => decodeNativeHnsw(bytes.subarray(0, bytes.length - 1), Metric.L2, dim), isCorrupt)
    assert.throws(() => decodeNativeHnsw(bytes.subarray(0, 10), Metric.L2, dim), isCorrupt)
    assert.throws(() => decodeNativeHnsw(new Uint8Array(0), Metric.L2, dim), isCorrupt)
    assert.throws(() => decodeNativeHnsw(bytes, Metric.L2, dim + 1), isCorrupt)
    const badLink = bytes.slice()
    new DataView(badLink.buffer).setUint32(headerBytes + 4, rowCount + 5, true) // row 0's first level-0 neighbour
    assert.throws(() => decodeNativeHnsw(badLink, Metric.L2, dim), isCorrupt)
  })

  test('random byte flips either fail as MilvusError 2100 or decode to an index that returns rows in range', () => {
    const bytes = createNativeHnsw({ ...params, metric: Metric.IP }, data.vectors, 300).encode()
    const random = seededRandom(17)
    for (let trial = 0; trial < 300; trial++) {
      const copy = bytes.slice()
      // Half the flips hit the header and the first elements' links, where they matter most.
      const span = trial % 2 === 0 ? headerBytes + 400 : copy.length
      for (let f = 0; f < 3; f++) {
        const at = Math.floor(random() * span)
        copy[at] = copy[at]! ^ (1 << Math.floor(random() * 8))
      }
      try {
        const index = decodeNativeHnsw(copy, Metric.IP, dim)
        for (const r of index.search(queryAt(0), k, null, ef).rows) assert.ok(r >= 0 && r < index.rowCount)
      } catch (e) {
        assert.ok(isCorrupt(e), `unexpected error ${String(e)}`)
      }
    }
  })
})
