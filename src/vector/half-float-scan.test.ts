// scanHalfFloat gives exactly the scores of scanFloat over the same rows converted to float32 (the kernel
// sees identical inputs), for float16 and bfloat16, several dims and row counts spanning many blocks.
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { scanFloat } from './float-scan.ts'
import { bf16ToF32Array, f16ToF32Array, f32ToBf16Array, f32ToF16Array } from '../common/half-float.ts'
import { scanHalfFloat } from './half-float-scan.ts'
import { type FloatMetric, Metric } from './metric.ts'
import { randomFloats, seededRandom } from './seeded-random.ts'
import { VectorArena } from './vector-arena.ts'

let arena: VectorArena
before(async () => {
  arena = await VectorArena.open({ initialBytes: 1 << 16 })
})

const metrics: FloatMetric[] = [Metric.L2, Metric.IP, Metric.COSINE]

test('float16 and bfloat16 rows score like their float32 conversion', () => {
  const random = seededRandom(5)
  for (const dim of [1, 3, 16, 17, 128, 768]) {
    for (const n of [0, 1, 5, 1000]) {
      const query = randomFloats(random, dim)
      const source = randomFloats(random, n * dim)
      const encodings = [
        { encoding: 'float16', encode: f32ToF16Array, decode: f16ToF32Array },
        { encoding: 'bfloat16', encode: f32ToBf16Array, decode: bf16ToF32Array },
      ] as const
      for (const { encoding, encode, decode } of encodings) {
        const half = new Uint16Array(n * dim)
        encode(source, half)
        const widened = new Float32Array(n * dim)
        decode(half, widened)
        for (const metric of metrics) {
          const want = new Float32Array(n)
          scanFloat(arena, metric, query, widened, n, dim, want)
          const out = new Float32Array(n)
          scanHalfFloat(arena, metric, encoding, query, half, n, dim, out)
          assert.deepEqual(out, want, `${encoding} ${metric} dim=${dim} n=${n}`)
          const arenaOut = arena.allocFloat32(n)
          scanHalfFloat(arena, metric, encoding, query, half, n, dim, arenaOut)
          assert.deepEqual(arenaOut, want)
          arena.free(arenaOut)
        }
      }
    }
  }
})
