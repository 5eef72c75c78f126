// No request can crash or freeze the server (issue 11): a real `quiver serve` child is fed seeded,
// mutated gRPC and REST requests in batches; every answer, and the server after every batch, must
// keep the invariants of test/fuzz/README.md. A failure prints the seed and each distinct finding
// with its request (hex) and a replay command. Bounded for CI; bench/fuzz-long.ts runs it long.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { describeFinding, implementedRpcs, runFuzz } from './fuzz-session.ts'

/** The CI run: a fixed seed unless QUIVER_FUZZ_SEED says otherwise. */
const SEED = Number(process.env.QUIVER_FUZZ_SEED ?? 20_261_206)
/** Requests of the CI run (60 % gRPC, 40 % REST); QUIVER_FUZZ_REQUESTS for more. */
const REQUESTS = Number(process.env.QUIVER_FUZZ_REQUESTS ?? 5_000)
const GRPC_SHARE = 0.6
/** RPCs that never answer 0 on one node (LoadBalance: 100 or 3000); their seeds expect those codes. */
const NEVER_OK: ReadonlySet<string> = new Set(['LoadBalance'])
/** The whole test, server start and stop included (a long QUIVER_FUZZ_REQUESTS gets 40 ms a request more). */
const TEST_MS_MAX = 240_000 + REQUESTS * 40

test(`fuzz: ${REQUESTS} gRPC and REST requests (seed ${SEED}) leave the server alive, healthy, its reference data unchanged`, { timeout: TEST_MS_MAX }, async (t) => {
  const grpcCases = Math.round(REQUESTS * GRPC_SHARE)
  const report = await runFuzz({ seed: SEED, grpcCases, restCases: REQUESTS - grpcCases, log: (line) => t.diagnostic(line), findingsDir: 'tmp/fuzz' })
  t.diagnostic(`seed ${SEED}: ${report.grpcSent} gRPC + ${report.restSent} REST in ${(report.durationMs / 1000).toFixed(1)} s (${report.requestsPerSecond.toFixed(0)}/s), ${report.restarts} restarts, outcomes ${JSON.stringify(report.outcomes)}`)
  assert.equal(report.grpcSent, grpcCases)
  assert.equal(report.restSent, REQUESTS - grpcCases)
  // Every implemented RPC accepted at least its seed: the mutations start from requests that reach the engine.
  const unreached = [...implementedRpcs(), 'ClientHeartbeat'].filter((rpc) => !NEVER_OK.has(rpc) && (report.acceptedByRpc[rpc] ?? 0) === 0)
  assert.deepEqual(unreached, [], 'RPCs no request reached (code 0)')
  assert.equal(report.findings.length, 0, `seed ${SEED}: ${report.findings.length} distinct findings\n\n${report.findings.map((f) => describeFinding(f, SEED)).join('\n\n')}`)
})
