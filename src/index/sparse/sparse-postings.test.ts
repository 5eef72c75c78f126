import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SparseRow } from '../../column/column.ts'
import { seededRandom } from '../../vector/seeded-random.ts'
import { encodeSparseCsr, readSparseCsr } from './sparse-csr.ts'
import { buildSparsePostings } from './sparse-postings.ts'

test('posting lists equal a naive grouping: dimensions ascending, rows ascending, values kept; edge dimensions and many distinct ones', () => {
  const random = seededRandom(3)
  // Hash-like dimensions, small integers, multiples of 4096 (equal low bits), and the extremes.
  const pool = [0, 1, 0xffffffff, 0x80000000, ...Array.from({ length: 3000 }, (_, i) => i * 4096), ...Array.from({ length: 3000 }, () => Math.floor(random() * 2 ** 32))]
  const rows: SparseRow[] = []
  for (let r = 0; r < 2000; r++) {
    const dims = new Set<number>()
    const n = Math.floor(random() * 40)
    for (let i = 0; i < n; i++) dims.add(pool[Math.floor(random() * pool.length)]!)
    const indices = Uint32Array.from([...dims].sort((a, b) => a - b))
    rows.push({ indices, values: Float32Array.from(indices, () => random() * 10 - 2) })
  }
  const p = buildSparsePostings(readSparseCsr(encodeSparseCsr(rows)))
  const naive = new Map<number, [number, number][]>()
  rows.forEach((row, r) => row.indices.forEach((d, i) => naive.set(d, [...(naive.get(d) ?? []), [r, row.values[i]!]])))
  const dims = [...naive.keys()].sort((a, b) => a - b)
  assert.deepEqual([...p.dims], dims)
  assert.equal(p.postStart[dims.length], rows.reduce((n, r) => n + r.indices.length, 0))
  dims.forEach((d, k) => {
    const list: [number, number][] = []
    for (let at = p.postStart[k]!; at < p.postStart[k + 1]!; at++) list.push([p.postRows[at]!, p.postValues[at]!])
    assert.deepEqual(list, naive.get(d), `dimension ${d}`)
    assert.equal(p.maxValue[k], Math.max(...list.map((e) => e[1])))
    assert.equal(p.minValue[k], Math.min(...list.map((e) => e[1])))
  })
})
