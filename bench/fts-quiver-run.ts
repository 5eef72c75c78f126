/**
 * Quiver's timed full-text run (`runQuiver`: build, then search) in a process of its own, as each
 * peer runs in its own: started by bench/fts.ts, so the build is timed in a fresh process that holds
 * only the corpus — not beside the parent's reference tokens and answers, whose garbage collection
 * the build would otherwise pay for. Prints the `QuiverResult` as one JSON line on stdout.
 * By hand: `node dist/bench/fts-quiver-run.js --lang en --dir /tmp/qfts --mode function`.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { dataRoot, type Lang, type Passage, type Query, readJsonl, usableAnalyzer } from './fts-corpus.ts'
import { type QuiverMode, runQuiver } from './fts-quiver.ts'

const { values: opt } = parseArgs({
  options: {
    lang: { type: 'string', default: 'en' },
    dir: { type: 'string', default: '/tmp/quiver-fts-run' },
    mode: { type: 'string', default: 'function' },
    k: { type: 'string', default: '10' },
    k1: { type: 'string', default: '1.2' },
    b: { type: 'string', default: '0.75' },
    dim: { type: 'string', default: '32' },
    batch: { type: 'string', default: '5000' },
    'min-seconds': { type: 'string', default: '5' },
    'segment-rows': { type: 'string' },
  },
})

const lang = opt.lang as Lang
const dir = path.join(dataRoot, lang)
const result = await runQuiver({
  dir: opt.dir,
  passages: readJsonl<Passage>(path.join(dir, 'passages.jsonl')),
  queries: readJsonl<Query>(path.join(dir, 'queries.jsonl')),
  mode: opt.mode as QuiverMode,
  analyzer: usableAnalyzer(lang),
  k: Number(opt.k),
  k1: Number(opt.k1),
  b: Number(opt.b),
  dim: Number(opt.dim),
  batch: Number(opt.batch),
  minSeconds: Number(opt['min-seconds']),
  ...(opt['segment-rows'] === undefined ? {} : { segmentRows: Number(opt['segment-rows']) }),
})
process.stdout.write(`${JSON.stringify(result)}\n`)
