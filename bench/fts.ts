/**
 * Full-text (BM25) benchmark and correctness oracle (issue 13), one run:
 * 1. corpus: Debian man pages (English, ~95k passages) and manpages-zh (Chinese), 1,000 + 200 seeded
 *    queries (bench/fts-corpus.ts; made once into bench/data/fts/, tokens re-analysed every run with
 *    Quiver's current analyzer);
 * 2. reference: Milvus's BM25 formula in Python over those tokens (bench/peers/fts_reference.py),
 *    cross-checked against PyPI bm25s;
 * 3. peers: LanceDB native FTS and Milvus Lite (BM25 function), each in a child process;
 * 4. Quiver embedded, in a child process too (bench/fts-quiver-run.ts): build rows/s, QPS (1 client, top 10), p50, hybrid dense + BM25 p50, top-10 ids and
 *    scores against the reference; with the BM25 function also the 10 % upsert check.
 * Prints Markdown (machine, load, command, tables). See bench/README.md "Full-text benchmark".
 * Run: `bash bench/peers/setup.sh` once, then `npx tsx bench/fts.ts [--peers lancedb,milvus-lite]`, or compiled
 * (no tsx in the process or its worker threads): `npm run build && node dist/bench/fts.js [...]`.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { agreement, overlap, type RefAnswer, runReference } from './fts-compare.ts'
import { benchRoot, buildCorpus, dataRoot, type Lang, type Passage, type Query, readJsonl, usableAnalyzer, writeTokens } from './fts-corpus.ts'
import { hasBm25Function, quiverModule, type QuiverMode, type QuiverResult, type QuiverRun } from './fts-quiver.ts'
import { finalCorpus, runUpsertCheck } from './fts-upsert.ts'

const here = benchRoot
const peersDir = path.join(here, 'peers')
const python = path.join(peersDir, '.venv', 'bin', 'python')

const { values: opt } = parseArgs({
  options: {
    lang: { type: 'string', default: 'en,zh' },
    peers: { type: 'string', default: 'lancedb,milvus-lite' },
    mode: { type: 'string', default: 'auto' },
    'min-seconds': { type: 'string', default: '5' },
    'milvus-rows': { type: 'string', default: '20000' },
    'milvus-queries': { type: 'string', default: '200' },
    'skip-quiver': { type: 'boolean', default: false },
    'segment-rows': { type: 'string' },
    k1: { type: 'string', default: '1.2' },
    b: { type: 'string', default: '0.75' },
    build: { type: 'string', default: 'src' },
    tol: { type: 'string', default: '1e-4' },
  },
})
const k = 10
if (opt.build === 'dist') process.env.QUIVER_BENCH_BUILD = 'dist'
const k1 = Number(opt.k1)
const b = Number(opt.b)
const tol = Number(opt.tol)
const minSeconds = Number(opt['min-seconds'])
const peers = opt.peers === 'none' ? [] : opt.peers.split(',')
const out: string[] = []
const say = (line = ''): void => {
  out.push(line)
  console.log(line)
}
const fmt = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

interface PeerResult {
  system: string
  version: string
  rows: number
  buildMs: number
  buildCpuMs?: number
  searchCpuMs?: number
  queries: number
  qps: number
  p50Ms: number
  errors: number
  results: number[][]
}

function runPeer(cmd: string, args: string[]): PeerResult | string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, RUST_LOG: 'error' }, stdio: ['ignore', 'pipe', 'inherit'] })
  if (r.status !== 0) return `failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''})`
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as PeerResult
}

/**
 * `runQuiver(run)` in a child process (bench/fts-quiver-run.ts), as each peer runs in its own: a fresh
 * process holding only the corpus, not this one's reference tokens and answers.
 */
function runQuiverChild(run: QuiverRun, lang: Lang): QuiverResult {
  const compiled = import.meta.url.endsWith('.js')
  const script = fileURLToPath(new URL(compiled ? './fts-quiver-run.js' : './fts-quiver-run.ts', import.meta.url))
  const args = [
    ...(compiled ? [] : ['--import', 'tsx']), script,
    '--lang', lang, '--dir', run.dir, '--mode', run.mode, '--k', String(run.k), '--k1', String(run.k1), '--b', String(run.b),
    '--dim', String(run.dim), '--batch', String(run.batch), '--min-seconds', String(run.minSeconds),
    ...(run.segmentRows === undefined ? [] : ['--segment-rows', String(run.segmentRows)]),
  ]
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] })
  if (r.status !== 0) throw new Error(`Quiver's run failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''})`)
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as QuiverResult
}

function loadCorpus(lang: Lang): { passages: Passage[]; queries: Query[] } {
  const dir = path.join(dataRoot, lang)
  if (!existsSync(path.join(dir, 'meta.json'))) buildCorpus({ queries: 1000, zhQueries: 200, seed: 13 })
  return { passages: readJsonl<Passage>(path.join(dir, 'passages.jsonl')), queries: readJsonl<Query>(path.join(dir, 'queries.jsonl')) }
}

function reference(lang: Lang, passages: readonly Passage[], queries: readonly Query[], tag: string): { answers: RefAnswer[]; summary: ReturnType<typeof runReference>['summary'] } {
  const dir = path.join(dataRoot, lang)
  writeTokens(lang, passages, queries, tag)
  const t = (f: string) => path.join(dir, `${tag}${f}`)
  return runReference(python, path.join(peersDir, 'fts_reference.py'), t('tokens.jsonl'), t('query-tokens.jsonl'), t('reference.jsonl'), { k, k1, b, tol, checkBm25s: tag === '' ? 200 : 0 })
}

async function main(): Promise<void> {
  const load0 = os.loadavg()[0]!
  const started = new Date().toISOString()
  const { Quiver } = await quiverModule()
  let mode: QuiverMode = opt.mode === 'function' ? 'function' : 'sparse-ip'
  if (opt.mode === 'auto') {
    const probe = await Quiver.open({ path: path.join(here, 'data', 'fts', 'probe') })
    mode = (await hasBm25Function(probe)) ? 'function' : 'sparse-ip'
    await probe.close()
  }
  say(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${started}; load average ${load0.toFixed(2)} at start`)
  say(`Command: ${import.meta.url.endsWith('.js') ? 'node dist/bench/fts.js' : 'npx tsx bench/fts.ts'} ${process.argv.slice(2).join(' ')}`.trim())
  say(`BM25 k1 = ${k1}, b = ${b}; top ${k}; 1 client; Quiver mode: ${mode}${mode === 'sparse-ip' ? ' (no BM25 function in this tree: Quiver scores client-computed BM25 weights with metric IP)' : ''}`)
  say()
  for (const lang of opt.lang.split(',') as Lang[]) {
    const { passages, queries } = loadCorpus(lang)
    const analyzer = usableAnalyzer(lang)
    const ref = reference(lang, passages, queries, '')
    say(`### ${lang === 'en' ? 'English (man-pages 6.03)' : 'Chinese (manpages-zh 1.6.4.0, zh_CN)'}: ${fmt(passages.length)} passages, ${fmt(queries.length)} queries, analyzer ${JSON.stringify(analyzer)}`)
    say()
    say(`Reference: ${fmt(ref.summary.terms)} terms, avgdl ${ref.summary.avgdl.toFixed(2)}${ref.summary.check ? `; Milvus formula vs bm25s ${ref.summary.check.bm25s} (lucene × (k1 + 1)) on ${ref.summary.check.queries} queries: max relative difference ${ref.summary.check.max_rel_diff.toExponential(1)}` : ''}`)
    say()
    const rows: string[] = []
    const dataDir = path.join(dataRoot, lang)
    let quiver: QuiverResult | undefined
    if (!opt['skip-quiver']) {
      const run = { dir: path.join(here, 'data', 'fts', `quiver-${lang}`), passages, queries, mode, analyzer, k, k1, b, dim: 32, batch: 5000, minSeconds, ...(opt['segment-rows'] === undefined ? {} : { segmentRows: Number(opt['segment-rows']) }) }
      quiver = runQuiverChild(run, lang)
      const agree = agreement(ref.answers, quiver.results, tol)
      rows.push(`| Quiver (embedded, ${mode}) | ${fmt(quiver.rows)} | ${fmt((quiver.rows * 1000) / quiver.buildMs)} | ${fmt(quiver.qps)} | ${quiver.p50Ms.toFixed(2)} | ${fmt(quiver.buildCpuMs / 1000, 1)} | ${(quiver.searchCpuMs / quiver.queries).toFixed(3)} | ${quiver.hybridP50Ms.toFixed(2)} | ${agree.equal} / ${agree.total} equal (max score diff ${agree.maxScoreDiff.toExponential(1)}) |`)
      for (const e of agree.examples) say(`- Quiver ≠ reference: ${e}`)
      if (mode === 'function') {
        const { final } = finalCorpus(passages)
        const finalRef = reference(lang, final, queries, 'upsert-')
        const u = await runUpsertCheck(run)
        const checks = [['upserted', u.upserted], ['fresh rebuild', u.fresh], ['upserted, after reopen', u.reopened]] as const
        say(`Upsert check: ${fmt(u.changed)} documents (10 %) upserted with other text in ${fmt(u.upsertMs)} ms, 16,384-row segments; against the reference over the final corpus:`)
        for (const [name, hits] of checks) {
          const a = agreement(finalRef.answers, hits, tol)
          say(`- ${name}: ${a.equal} / ${a.total} queries equal (max score diff ${a.maxScoreDiff.toExponential(1)})${a.examples.length > 0 ? `; ${a.examples.join('; ')}` : ''}`)
        }
        say()
      }
    }
    if (lang === 'en') {
      for (const peer of peers) {
        const r = peer === 'lancedb'
          ? runPeer('node', [path.join(peersDir, 'lancedb-fts.mjs'), '--data', dataDir, '--dir', path.join(here, 'data', 'fts', 'lancedb'), '--min-seconds', String(minSeconds)])
          : runPeer(python, [path.join(peersDir, 'milvus_lite_fts.py'), '--data', dataDir, '--dir', path.join(here, 'data', 'fts', 'milvus-lite'), '--rows', opt['milvus-rows'], '--queries', opt['milvus-queries'], '--min-seconds', String(minSeconds)])
        if (typeof r === 'string') {
          rows.push(`| ${peer} | – | – | – | – | – | – | – | ${r} |`)
          continue
        }
        const note = r.rows === passages.length ? `top-10 overlap with the reference ${overlap(ref.answers, r.results).toFixed(3)} (its own tokenizer${peer === 'lancedb' ? ' and scoring' : ''})` : `on the first ${fmt(r.rows)} passages (pure Python; overlap not comparable)`
        const cpu = (x: number | undefined, d: number, per = 1): string => (x === undefined ? '–' : (x / per).toFixed(d))
        rows.push(`| ${r.system} (${r.version}) | ${fmt(r.rows)} | ${fmt((r.rows * 1000) / r.buildMs)} | ${fmt(r.qps)} | ${r.p50Ms.toFixed(2)} | ${cpu(r.buildCpuMs, 1, 1000)} | ${cpu(r.searchCpuMs, 3, r.queries)} | – | ${note}${r.errors > 0 ? `; ${r.errors} queries failed` : ''} |`)
        if (quiver !== undefined && r.rows === quiver.rows) {
          // CPU columns of the ratio row: the peer's CPU / Quiver's (like the other ratios, > 1 favours Quiver).
          const cpuRatio = (mine: number, theirs: number | undefined): string => (theirs === undefined ? '' : `${(theirs / mine).toFixed(2)}×`)
          rows.push(`| Quiver / ${r.system} | | ${((quiver.rows / quiver.buildMs) / (r.rows / r.buildMs)).toFixed(2)}× | ${(quiver.qps / r.qps).toFixed(2)}× | | ${cpuRatio(quiver.buildCpuMs, r.buildCpuMs)} | ${cpuRatio(quiver.searchCpuMs / quiver.queries, r.searchCpuMs === undefined ? undefined : r.searchCpuMs / r.queries)} | | |`)
        }
      }
    }
    say('| system | rows | build rows/s | QPS | p50 ms | build CPU s | CPU ms / query | hybrid p50 ms | top-10 vs reference |')
    say('|---|---:|---:|---:|---:|---:|---:|---:|---|')
    for (const r of rows) say(r)
    say()
  }
  say(`Load average at the end: ${os.loadavg()[0]!.toFixed(2)}`)
  writeFileSync(path.join(dataRoot, 'last-run.md'), out.join('\n') + '\n')
}

await main()
