/**
 * The long fuzz run of issue 11 (test/fuzz/README.md): the same loop as `test/fuzz/fuzz.test.ts`,
 * with as many requests as you ask for, against a `quiver serve` child process. Prints progress,
 * every distinct finding with a replay command, and a JSON summary. Findings' requests are written
 * to tmp/fuzz/ (hex).
 *
 *   QUIVER_FUZZ_REQUESTS=200000 QUIVER_FUZZ_SEED=7 npx tsx bench/fuzz-long.ts
 *   npx tsx bench/fuzz-long.ts --seed 7 --replay grpc:1234 [--replay rest:56 …]
 *   npx tsx bench/fuzz-long.ts --grpc Insert <hex>        # raw request bytes (a finding's `hex`)
 *
 * `QUIVER_FUZZ_REQUESTS` (default 200,000) are split 60 % gRPC / 40 % REST; `QUIVER_FUZZ_SEED`
 * defaults to the clock. `--replay` regenerates the named cases of that seed, sends them one by
 * one to a fresh server, and prints each answer and what the checks found.
 */
import { inspect } from 'node:util'
import { checkGrpcAnswer, checkRestAnswer } from '../test/fuzz/fuzz-oracle.ts'
import { FuzzServer } from '../test/fuzz/fuzz-server.ts'
import { describeFinding, implementedRpcs, runFuzz } from '../test/fuzz/fuzz-session.ts'
import { createGrpcCorpus, grpcCase, ROOT_METADATA } from '../test/fuzz/grpc-fuzzer.ts'
import { grpcSeeds } from '../test/fuzz/grpc-seeds.ts'
import { restCase } from '../test/fuzz/rest-fuzzer.ts'
import { restSeeds } from '../test/fuzz/rest-seeds.ts'

/** Share of the requests that are gRPC (the rest are REST). */
const GRPC_SHARE = 0.6

const argValues = (name: string): string[] => process.argv.flatMap((a, i) => (a === `--${name}` && i + 1 < process.argv.length ? [process.argv[i + 1]!] : []))
const seedArg = argValues('seed')[0] ?? process.env.QUIVER_FUZZ_SEED
const seed = seedArg === undefined ? Date.now() % 1_000_000_000 : Number(seedArg)
const replays = argValues('replay')
const rawGrpc = process.argv.indexOf('--grpc')

if (rawGrpc >= 0) await replayBytes(process.argv[rawGrpc + 1]!, Buffer.from(process.argv[rawGrpc + 2] ?? '', 'hex'))
else if (replays.length > 0) await replay(seed, replays)
else await longRun(seed, Number(process.env.QUIVER_FUZZ_REQUESTS ?? 200_000))

async function longRun(seed: number, requests: number): Promise<void> {
  const grpcCases = Math.round(requests * GRPC_SHARE)
  const started = new Date()
  const report = await runFuzz({ seed, grpcCases, restCases: requests - grpcCases, log: (l) => console.log(l), findingsDir: 'tmp/fuzz' })
  const { findings, ...numbers } = report
  console.log(`\n${findings.length} distinct findings`)
  for (const f of findings) console.log(describeFinding(f, seed))
  console.log(JSON.stringify({ startedAt: started.toISOString(), node: process.version, ...numbers, durationMs: Math.round(numbers.durationMs), requestsPerSecond: Math.round(numbers.requestsPerSecond) }, null, 1))
  process.exitCode = findings.length === 0 ? 0 : 1
}

/** Sends raw request bytes to one MilvusService RPC (root's credentials) on a fresh server and prints the answer and the checks. */
async function replayBytes(rpc: string, bytes: Uint8Array): Promise<void> {
  const server = await FuzzServer.start()
  try {
    const c = { id: 'grpc:raw', service: 'milvus' as const, rpc, target: 'fuzz' as const, bytes, metadata: ROOT_METADATA, notes: ['raw bytes'] }
    const a = await server.sendGrpc(c)
    console.log(`${rpc}, ${bytes.length} bytes: answer in ${Math.round(a.ms)} ms:`, inspect(a.err ?? a.decodeError ?? a.res, { depth: 4, maxStringLength: 500 }))
    for (const f of [...checkGrpcAnswer(c, a, server.child.dataDir), ...(await server.check())]) console.log(`FINDING [${f.kind}] ${f.detail}`)
  } finally {
    console.log(`server stopped with exit code ${await server.stop()}`)
  }
}

async function replay(seed: number, ids: readonly string[]): Promise<void> {
  const corpus = createGrpcCorpus(grpcSeeds(), implementedRpcs())
  const rest = restSeeds()
  const server = await FuzzServer.start()
  console.log(`seed ${seed}: quiver serve pid ${server.child.pid} on 127.0.0.1:${server.child.port}`)
  try {
    for (const id of ids) {
      const [stream, n] = id.split(':')
      const index = Number(n)
      if (stream === 'grpc') {
        const c = grpcCase(corpus, seed, index)
        console.log(`\n${id} ${c.rpc} (${c.target}), metadata ${c.metadata.name}, ${c.bytes.length} bytes\n  ${c.notes.join('\n  ')}\n  hex: ${Buffer.from(c.bytes.subarray(0, 4_096)).toString('hex')}`)
        const a = await server.sendGrpc(c)
        console.log(`answer in ${Math.round(a.ms)} ms:`, inspect(a.err ?? a.decodeError ?? a.res, { depth: 4, maxStringLength: 500 }))
        for (const f of checkGrpcAnswer(c, a, server.child.dataDir)) console.log(`FINDING [${f.kind}] ${f.detail}`)
      } else {
        const c = restCase(rest, seed, index)
        console.log(`\n${id} ${c.endpoint} (${c.target}), ${c.bytes.length} bytes\n  ${c.notes.join('\n  ')}\n  request: ${JSON.stringify(Buffer.from(c.bytes.subarray(0, 2_048)).toString('latin1'))}`)
        const a = await server.sendRest(c)
        console.log(`answer in ${Math.round(a.ms)} ms:`, JSON.stringify(a.raw.subarray(0, 2_048).toString('latin1')))
        for (const f of checkRestAnswer(c, a, server.child.dataDir)) console.log(`FINDING [${f.kind}] ${f.detail}`)
      }
      for (const f of await server.check()) console.log(`FINDING [${f.kind}] ${f.detail}`)
    }
  } finally {
    console.log(`server stopped with exit code ${await server.stop()}`)
  }
}
