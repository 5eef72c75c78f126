// Micro-benchmark: scoring 100k int8 rows of dim 128 against one query (L2 and IP), three ways:
// `scanInt8` (each 256 KiB block widened to float32 in arena scratch, then the WASM SIMD kernel),
// a plain JS loop over the Int8Array, and `scanFloat` over rows already stored as float32 (the upper
// bound, at 4× the memory). Run: npx tsx src/vector/int8-scan.bench.ts
import { scanFloat } from './float-scan.ts'
import { scanInt8 } from './int8-scan.ts'
import { Metric } from './metric.ts'
import { VectorArena } from './vector-arena.ts'

const n = 100_000
const dim = 128
const rounds = 20
await VectorArena.init()
const arena = VectorArena.shared()
const base = Int8Array.from({ length: n * dim }, (_, i) => ((i * 2654435761) >>> 24) - 128)
const wide = arena.allocFloat32(n * dim)
wide.set(base)
const query = Float32Array.from({ length: dim }, (_, i) => (i % 17) - 8)
const out = new Float32Array(n)

function jsL2(q: Float32Array, rows: Int8Array, count: number, d: number, o: Float32Array): void {
  for (let r = 0; r < count; r++) {
    let s = 0
    const at = r * d
    for (let k = 0; k < d; k++) {
      const x = q[k]! - rows[at + k]!
      s += x * x
    }
    o[r] = s
  }
}

function time(label: string, run: () => void): void {
  run()
  const t0 = performance.now()
  for (let i = 0; i < rounds; i++) run()
  const ms = (performance.now() - t0) / rounds
  console.log(`${label.padEnd(44)} ${ms.toFixed(2)} ms  ${((n / ms) * 1000 / 1e6).toFixed(1)} M rows/s`)
}

for (const metric of [Metric.L2, Metric.IP]) {
  time(`scanInt8 (widen + WASM) ${metric}`, () => scanInt8(arena, metric, query, base, n, dim, out))
  time(`scanFloat on float32 copy ${metric}`, () => scanFloat(arena, metric, query, wide, n, dim, out))
}
time('plain JS loop over Int8Array L2', () => jsL2(query, base, n, dim, out))
