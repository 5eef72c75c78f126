// The console's request ring with a fake clock: requests are counted in their second, old seconds
// fall out of the window and are overwritten, and only requests past the threshold are kept as slow
// ones, newest first and bounded.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RequestSamples } from './request-samples.ts'

function ring(secondsMax: number, slowRequestMs: number, slowCountMax = 3) {
  let nowMs = 1_000_000
  const samples = new RequestSamples({ secondsMax, slowRequestMs, slowCountMax, nowMs: () => nowMs })
  return { samples, advance: (ms: number) => void (nowMs += ms), now: () => nowMs }
}

test('requests are summed per second: count, errors, latency sum and max', () => {
  const { samples, advance } = ring(10, 1000)
  samples.observe({ method: 'Search', protocol: 'grpc', code: 0, seconds: 0.004 })
  samples.observe({ method: 'Query', protocol: 'rest', code: 100, seconds: 0.01 })
  advance(1000)
  samples.observe({ method: 'Insert', protocol: 'grpc', code: 0, seconds: 0.002, rows: 5 })
  const got = samples.samples()
  assert.equal(got.length, 2)
  assert.deepEqual(got[0], { atMs: 1_000_000, count: 2, errorCount: 1, latencyMsSum: 14, latencyMsMax: 10 })
  assert.equal(got[1]!.atMs, 1_001_000)
  assert.equal(got[1]!.count, 1)
  assert.equal(got[1]!.errorCount, 0)
})

test('seconds older than the window are dropped and their slots reused', () => {
  const { samples, advance } = ring(3, 1000)
  samples.observe({ method: 'Search', protocol: 'grpc', code: 0, seconds: 0.001 })
  advance(3000)
  assert.deepEqual(samples.samples(), [], 'the only sample is 3 s old with a 3 s window')
  samples.observe({ method: 'Search', protocol: 'grpc', code: 0, seconds: 0.001 })
  const got = samples.samples()
  assert.equal(got.length, 1)
  assert.equal(got[0]!.count, 1, 'the reused slot starts from zero')
})

test('slow requests: only at or past the threshold, newest first, at most slowCountMax', () => {
  const { samples, advance } = ring(10, 50, 2)
  samples.observe({ method: 'Fast', protocol: 'grpc', code: 0, seconds: 0.049 })
  for (const method of ['A', 'B', 'C']) {
    samples.observe({ method, protocol: 'rest', code: 0, seconds: 0.05 })
    advance(10)
  }
  assert.deepEqual(
    samples.slowRequests().map((s) => s.method),
    ['C', 'B'],
  )
  assert.equal(samples.slowRequests()[0]!.latencyMs, 50)
})

test('a window that is not a positive integer is refused', () => {
  assert.throws(() => new RequestSamples({ secondsMax: 0, slowRequestMs: 1 }), RangeError)
})
