// VectorArena: zeroed 64-byte-aligned blocks, first-fit reuse and coalescing, growth that keeps earlier
// views valid with their data, empty allocations, the MemoryQuotaExhausted error at a small bytesMax,
// scratch reuse, and the process-wide arena. A fast-check model checks blocks never overlap.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { scanFloat } from './float-scan.ts'
import { Metric } from './metric.ts'
import { arenaAlignBytes, VectorArena } from './vector-arena.ts'

const pageBytes = 65536

describe('allocFloat32 and free', () => {
  test('blocks are zeroed, aligned, disjoint and counted in bytesUsed', async () => {
    const arena = await VectorArena.open({ initialBytes: pageBytes })
    const a = arena.allocFloat32(3)
    const b = arena.allocFloat32(17)
    for (const v of [a, b]) {
      assert.equal(v.byteOffset % arenaAlignBytes, 0)
      assert.notEqual(v.byteOffset, 0)
      assert.ok(v.every((x) => x === 0))
      assert.ok(arena.contains(v))
    }
    assert.ok(b.byteOffset >= a.byteOffset + 64)
    assert.equal(arena.bytesUsed, 64 + 128)
    a.fill(1)
    arena.free(a)
    assert.equal(arena.bytesUsed, 128)
    const c = arena.allocFloat32(5)
    assert.equal(c.byteOffset, a.byteOffset, 'first fit reuses the freed block')
    assert.ok(c.every((x) => x === 0), 'a reused block is zeroed again')
  })

  test('adjacent freed blocks coalesce into one that fits a larger request without growing', async () => {
    const arena = await VectorArena.open({ initialBytes: pageBytes, bytesMax: pageBytes })
    const blocks = [0, 1, 2, 3].map(() => arena.allocFloat32(16 * 64)) // 4 KiB each
    const first = blocks[0]!.byteOffset
    for (const b of blocks.slice(0, 3)) arena.free(b)
    const big = arena.allocFloat32(3 * 16 * 64)
    assert.equal(big.byteOffset, first)
    assert.equal(arena.bytesReserved, pageBytes)
  })

  test('growth keeps earlier views valid with their data, and kernels see both', async () => {
    const arena = await VectorArena.open({ initialBytes: pageBytes })
    const early = arena.allocFloat32(100)
    for (let i = 0; i < early.length; i++) early[i] = i
    const reservedBefore = arena.bytesReserved
    const late = arena.allocFloat32(1 << 20) // 4 MiB: must grow
    assert.ok(arena.bytesReserved >= reservedBefore + 4 * (1 << 20))
    assert.equal(early.length, 100)
    for (let i = 0; i < early.length; i++) assert.equal(early[i], i)
    early[7] = 70
    assert.equal(early[7], 70)
    late.set(early.subarray(0, 10), (1 << 20) - 10)
    const out = arena.allocFloat32(1)
    scanFloat(arena, Metric.L2, early, late.subarray((1 << 20) - 10), 1, 10, out)
    assert.equal(out[0], 0, 'the kernel reads the query from the old region and the row from the new one')
  })

  test('an allocation of 0 is an empty view that costs nothing and frees as a no-op', async () => {
    const arena = await VectorArena.open({ initialBytes: pageBytes })
    const empty = arena.allocFloat32(0)
    assert.equal(empty.length, 0)
    assert.equal(arena.bytesUsed, 0)
    arena.free(empty)
    assert.equal(arena.bytesUsed, 0)
  })

  test('a full arena throws MemoryQuotaExhausted and stays usable', async () => {
    const arena = await VectorArena.open({ initialBytes: pageBytes, bytesMax: 4 * pageBytes })
    const a = arena.allocFloat32(pageBytes / 4) // 1 page
    const used = arena.bytesUsed
    let error: unknown
    try {
      arena.allocFloat32(3 * (pageBytes / 4)) // 3 more pages: with the 64-byte null block, > 4 pages
    } catch (e) {
      error = e
    }
    assert.ok(error instanceof MilvusError)
    assert.equal(error.code, ErrorCode.MemoryQuotaExhausted)
    assert.equal(error.retriable, true)
    assert.match(error.message, /^vector arena is full: memory quota exceeded\[requestedBytes=196608\]/)
    assert.equal(arena.bytesUsed, used, 'a failed allocation changes nothing')
    arena.free(a)
    assert.equal(arena.allocFloat32(3 * (pageBytes / 4)).length, 3 * (pageBytes / 4))
    assert.equal(arena.bytesReserved, 4 * pageBytes)
  })

  test('freeing a foreign view or freeing twice is a programmer error', async () => {
    const arena = await VectorArena.open({ initialBytes: pageBytes })
    const other = await VectorArena.open({ initialBytes: pageBytes })
    assert.throws(() => arena.free(new Float32Array(4)), /not inside this arena/)
    assert.throws(() => arena.free(other.allocFloat32(4)), /not inside this arena/)
    const v = arena.allocFloat32(4)
    arena.free(v)
    assert.throws(() => arena.free(v), /double free/)
    assert.throws(() => arena.allocFloat32(-1))
  })

  test('model: live views never overlap and keep what was written into them', async () => {
    const arena = await VectorArena.open({ initialBytes: pageBytes })
    const op = fc.oneof(fc.record({ alloc: fc.integer({ min: 0, max: 5000 }) }), fc.record({ free: fc.nat(100) }))
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const live: { view: Float32Array; tag: number }[] = []
        let tag = 0
        for (const o of ops) {
          if ('alloc' in o) {
            const view = arena.allocFloat32(o.alloc)
            view.fill(++tag)
            live.push({ view, tag })
          } else if (live.length > 0) {
            arena.free(live.splice(o.free % live.length, 1)[0]!.view)
          }
        }
        for (const { view, tag } of live) assert.ok(view.every((x) => x === tag), 'a view kept its data')
        const expectedUsed = live.reduce((s, { view }) => s + Math.ceil(view.byteLength / 64) * 64, 0)
        assert.equal(arena.bytesUsed, expectedUsed)
        for (const { view } of live) arena.free(view)
        assert.equal(arena.bytesUsed, 0)
      }),
      { numRuns: 100, seed: 11 },
    )
  })
})

describe('scratch and the shared arena', () => {
  test('a scratch slot is reused while large enough and grows when asked for more', async () => {
    const arena = await VectorArena.open({ initialBytes: pageBytes })
    const a = arena.scratchFloat32('scores', 100)
    const b = arena.scratchFloat32('scores', 50)
    assert.equal(b.byteOffset, a.byteOffset)
    assert.equal(b.length, 50)
    const c = arena.scratchFloat32('scores', 10_000)
    assert.equal(c.length, 10_000)
    assert.notEqual(arena.scratchFloat32('query', 100).byteOffset, c.byteOffset)
  })

  test('shared() needs init() first and then always returns the same arena', async () => {
    assert.throws(() => VectorArena.shared(), /before `await VectorArena.init\(\)`/)
    const [a, b] = await Promise.all([VectorArena.init(), VectorArena.init()])
    assert.equal(a, b)
    assert.equal(VectorArena.shared(), a)
  })
})

describe('giving freed pages back (trim)', () => {
  test('once 4 MiB were freed, free ranges of 64 KiB and more go to the page discarder; smaller ones and used blocks never do', async () => {
    const arena = await VectorArena.open({ initialBytes: 16 << 20 })
    const seen: { offset: number; bytes: number }[] = []
    arena.setPageDiscarder((bytes) => {
      seen.push({ offset: bytes.byteOffset, bytes: bytes.byteLength })
      return bytes.byteLength
    })
    const kept = arena.allocFloat32(1 << 20) // 4 MiB that stays in use
    const small = arena.allocFloat32(1000)
    const gap = arena.allocFloat32(16) // keeps `small`'s range from merging with its neighbours
    const big = arena.allocFloat32((3 << 20) / 4) // 3 MiB
    arena.free(small)
    arena.free(big)
    assert.equal(seen.length, 0, 'under 4 MiB freed: no trim yet')
    const more = arena.allocFloat32((2 << 20) / 4)
    arena.free(more)
    assert.ok(seen.length > 0, 'past 4 MiB freed: trimmed')
    for (const s of seen) {
      assert.ok(s.bytes >= 64 << 10, `a range of ${s.bytes} B`)
      const ends = [kept, gap].map((v) => [v.byteOffset, v.byteOffset + v.byteLength])
      for (const [from, to] of ends) assert.ok(s.offset + s.bytes <= from! || s.offset >= to!, 'never a block in use')
    }
    assert.ok(!seen.some((s) => s.offset === small.byteOffset), 'the 4 KB range is kept')
    assert.equal(arena.trimStats.trims, 1)
    assert.equal(arena.trimStats.discardedBytes, 5 << 20, 'the 3 + 2 MiB freed (the 4 KB block is in a range too small)')
    kept.fill(1)
    assert.equal(arena.allocFloat32(1 << 20).every((x) => x === 0), true, 'a new block over trimmed pages reads zeros')
  })

  test('a range trimmed before is not handed over again unless a block was freed in it since', async () => {
    const arena = await VectorArena.open({ initialBytes: 32 << 20 })
    const seen: number[] = []
    arena.setPageDiscarder((bytes) => {
      seen.push(bytes.byteOffset)
      return bytes.byteLength
    })
    const a = arena.allocFloat32((5 << 20) / 4)
    arena.allocFloat32(16) // fences keep the two ranges apart
    const b = arena.allocFloat32((5 << 20) / 4)
    arena.allocFloat32(16)
    arena.free(a)
    assert.deepEqual(seen, [a.byteOffset], 'first trim: the range a was freed into')
    seen.length = 0
    arena.free(b)
    assert.deepEqual(seen, [b.byteOffset], "second trim: only b's range, not a's again")
    assert.equal(arena.trimStats.discardedBytes, 10 << 20)
  })

  test('without a page discarder, trim gives nothing back', async () => {
    const arena = await VectorArena.open()
    arena.free(arena.allocFloat32(2 << 20))
    assert.equal(arena.trim(), 0)
    assert.equal(arena.trimStats.discardedBytes, 0)
  })
})
