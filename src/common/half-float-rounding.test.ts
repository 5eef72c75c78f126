// float16 / bfloat16 encoding: exhaustive over all 65536 bit patterns of each format (decode then
// encode gives the same bits; every midpoint between neighbours rounds to the even one, and a hair
// either side rounds to the nearer one), plus overflow and subnormal edges.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16, isBf16NonFinite, isF16NonFinite } from './half-float.ts'

const formats = [
  { name: 'float16', encode: f32ToF16, decode: f16ToF32, nonFinite: isF16NonFinite, mantissaBits: 10 },
  { name: 'bfloat16', encode: f32ToBf16, decode: bf16ToF32, nonFinite: isBf16NonFinite, mantissaBits: 7 },
] as const

for (const f of formats) {
  describe(f.name, () => {
    it('decode then encode is the identity on every finite pattern, and keeps ±Infinity', () => {
      for (let h = 0; h < 0x10000; h++) {
        const x = f.decode(h)
        if (Number.isNaN(x)) {
          assert.ok(f.nonFinite(h))
          assert.ok(Number.isNaN(f.decode(f.encode(x))))
          continue
        }
        assert.equal(f.encode(x), h, `pattern 0x${h.toString(16)} (${x})`)
        assert.equal(f.nonFinite(h), !Number.isFinite(x))
      }
    })

    it('midpoints round to even, and just off a midpoint to the nearer value', () => {
      const signBit = 0x8000
      for (let h = 0; h < signBit - 1; h++) {
        const lo = f.decode(h)
        const hi = f.decode(h + 1)
        if (!Number.isFinite(lo) || !Number.isFinite(hi)) continue
        const mid = (lo + hi) / 2
        const even = (h & 1) === 0 ? h : h + 1
        assert.equal(f.encode(mid), even, `midpoint after 0x${h.toString(16)}`)
        assert.equal(f.encode(-mid), even | signBit)
        const nudge = (hi - lo) / 64
        assert.equal(f.encode(mid - nudge), h)
        assert.equal(f.encode(mid + nudge), h + 1)
      }
    })
  })
}

describe('edges', () => {
  it('float16 overflow: 65504 is the largest finite, 65520 ties to Infinity', () => {
    assert.equal(f32ToF16(65504), 0x7bff)
    assert.equal(f32ToF16(65519), 0x7bff)
    assert.equal(f32ToF16(65520), 0x7c00)
    assert.equal(f32ToF16(-1e10), 0xfc00)
  })
  it('float16 subnormals: 2^-24 is the smallest, 2^-25 ties to zero', () => {
    assert.equal(f32ToF16(2 ** -24), 1)
    assert.equal(f32ToF16(2 ** -25), 0)
    assert.equal(f32ToF16(1.5 * 2 ** -25), 1)
    assert.equal(f32ToF16(-(2 ** -30)), 0x8000)
  })
  it('bfloat16 overflow near the float32 maximum', () => {
    assert.equal(f32ToBf16(3.3895313892515355e38), 0x7f7f)
    assert.equal(f32ToBf16(3.4e38), 0x7f80)
  })
})
