/**
 * The full-text benchmark's corpus, made reproducibly from Debian packages (issue 13):
 * - English: the Linux man-pages project (`manpages` + `manpages-dev` 6.03-2, sections 1–8), every
 *   paragraph of every page (`.so` redirects skipped) a passage, about 60k;
 * - Chinese: `manpages-zh` 1.6.4.0-1, the `zh_CN` pages, the same way.
 * Queries (seeded mulberry32, so the same on every run): half are page descriptions (the NAME line
 * after its dash, "open and possibly create a file"), half 2–4 distinct words drawn from a random
 * passage's tokens (length ≥ 3, not all digits).
 * Tokens are Quiver's own analyzer output (`src/text/`), written for the reference BM25 so both sides
 * score the same terms.
 *
 * Files under `bench/data/fts/<lang>/` (gitignored): passages.jsonl ({id,title,section,text}),
 * queries.jsonl ({id,kind,text}), tokens.jsonl / query-tokens.jsonl (one JSON array of terms per line,
 * in id order), meta.json. The .deb files are fetched with `apt-get download` into bench/data/fts/debs.
 *
 * Run: `npx tsx bench/fts-corpus.ts [--queries 1000] [--zh-queries 200] [--seed 13]`.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { type AnalyzerParams, createAnalyzer } from '../src/text/analyzer.ts'
import { seededRandom } from '../src/vector/seeded-random.ts'
import { parseManPage } from './fts-troff.ts'

export type Lang = 'en' | 'zh'
/**
 * The bench/ folder of the repository, also when this file runs compiled from dist/bench/ (`node
 * dist/bench/fts.js`: no tsx anywhere, worker threads included): data and peers stay in bench/.
 */
export const benchRoot = ((here) => (path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '..', '..', 'bench') : here))(path.dirname(fileURLToPath(import.meta.url)))
export const dataRoot = path.join(benchRoot, 'data', 'fts')

const packages: Record<Lang, { debs: string[]; manRoots: string[] }> = {
  en: { debs: ['manpages=6.03-2', 'manpages-dev=6.03-2'], manRoots: ['manpages/usr/share/man', 'manpages-dev/usr/share/man'] },
  zh: { debs: ['manpages-zh=1.6.4.0-1'], manRoots: ['manpages-zh/usr/share/man/zh_CN'] },
}

/** The analyzer each language's text field uses (and so the tokens the reference gets). */
export const analyzerParams: Record<Lang, AnalyzerParams> = {
  en: { type: 'standard' },
  zh: { type: 'chinese' },
}

export interface Passage {
  readonly id: number
  readonly title: string
  readonly section: string
  readonly text: string
}
export interface Query {
  readonly id: number
  readonly kind: 'title' | 'words'
  readonly text: string
}

function ensureExtracted(deb: string): string {
  const [name, version] = deb.split('=') as [string, string]
  const debs = path.join(dataRoot, 'debs')
  mkdirSync(debs, { recursive: true })
  const out = path.join(debs, name)
  if (existsSync(out)) return out
  let file = readdirSync(debs).find((f) => f.startsWith(`${name}_${version}_`) && f.endsWith('.deb'))
  if (file === undefined) {
    execFileSync('apt-get', ['download', deb], { cwd: debs, stdio: ['ignore', 'ignore', 'inherit'] })
    file = readdirSync(debs).find((f) => f.startsWith(`${name}_${version}_`) && f.endsWith('.deb'))
    if (file === undefined) throw new Error(`apt-get download ${deb} left no .deb in ${debs}`)
  }
  execFileSync('dpkg', ['-x', path.join(debs, file), out])
  return out
}

/** Every man page file under `root`'s man<N>/ folders, sorted by path (reproducible order). */
function manFiles(root: string): string[] {
  const out: string[] = []
  for (const dir of readdirSync(root).filter((d) => /^man\d/.test(d)).sort()) {
    for (const f of readdirSync(path.join(root, dir)).sort()) if (f.endsWith('.gz')) out.push(path.join(root, dir, f))
  }
  return out
}

export function buildPassages(lang: Lang): Passage[] {
  for (const deb of packages[lang].debs) ensureExtracted(deb)
  const passages: Passage[] = []
  for (const rel of packages[lang].manRoots) {
    for (const file of manFiles(path.join(dataRoot, 'debs', rel))) {
      const source = gunzipSync(readFileSync(file)).toString('utf8')
      if (/^\.so\s/m.test(source) && source.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('.\\"')).length <= 2) continue
      const page = parseManPage(source, path.basename(file, '.gz'))
      for (const p of page.paragraphs) {
        // Four or more characters of letters: headings-only and punctuation-only paragraphs go.
        if ((p.text.match(/[\p{L}\p{N}]/gu)?.length ?? 0) < 4) continue
        passages.push({ id: passages.length, title: page.title, section: p.section, text: p.text })
      }
    }
  }
  return passages
}

export function buildQueries(passages: readonly Passage[], tokens: readonly string[][], count: number, seed: number): Query[] {
  const random = seededRandom(seed)
  const titles: string[] = []
  let lastTitle = ''
  for (const p of passages) {
    if (p.title === lastTitle) continue
    lastTitle = p.title
    // The page's first paragraph is its NAME line: "open, openat, creat - open and possibly create a file".
    const dash = p.text.indexOf(' - ')
    const description = (dash >= 0 ? p.text.slice(dash + 3) : p.text).trim()
    if (description.length > 0) titles.push(description)
  }
  const queries: Query[] = []
  while (queries.length < count) {
    if (queries.length % 2 === 0) {
      queries.push({ id: queries.length, kind: 'title', text: titles[Math.floor(random() * titles.length)]! })
      continue
    }
    const terms = [...new Set(tokens[Math.floor(random() * tokens.length)]!.filter((t) => [...t].length >= 3 && !/^\d+$/.test(t)))]
    if (terms.length < 2) continue
    const n = Math.min(terms.length, 2 + Math.floor(random() * 3))
    const picked: string[] = []
    while (picked.length < n) {
      const t = terms.splice(Math.floor(random() * terms.length), 1)[0]!
      picked.push(t)
    }
    queries.push({ id: queries.length, kind: 'words', text: picked.join(' ') })
  }
  return queries
}

const jsonl = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n'

/** Analyzes passages and queries with the language's analyzer and writes the token files beside them (names prefixed with `tag`). */
export function writeTokens(lang: Lang, passages: readonly Passage[], queries: readonly Query[], tag = ''): { tokens: string[][]; queryTokens: string[][]; analyzer: AnalyzerParams } {
  const params = usableAnalyzer(lang)
  const analyzer = createAnalyzer(params)
  const tokens = passages.map((p) => analyzer.analyze(p.text).map((t) => t.text))
  const queryTokens = queries.map((q) => analyzer.analyze(q.text).map((t) => t.text))
  const dir = path.join(dataRoot, lang)
  writeFileSync(path.join(dir, `${tag}tokens.jsonl`), jsonl(tokens))
  writeFileSync(path.join(dir, `${tag}query-tokens.jsonl`), jsonl(queryTokens))
  return { tokens, queryTokens, analyzer: params }
}

/** The language's analyzer if Quiver has it yet, else `standard` (the Chinese analyzer is being written). */
export function usableAnalyzer(lang: Lang): AnalyzerParams {
  try {
    createAnalyzer(analyzerParams[lang])
    return analyzerParams[lang]
  } catch {
    return { type: 'standard' }
  }
}

export function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T)
}

export interface CorpusOptions {
  readonly queries: number
  readonly zhQueries: number
  readonly seed: number
}

/** Builds (or rebuilds) both languages' passages, queries and tokens; returns their counts. */
export function buildCorpus(opts: CorpusOptions): Record<Lang, { passages: number; queries: number; tokens: number }> {
  const out = {} as Record<Lang, { passages: number; queries: number; tokens: number }>
  for (const lang of ['en', 'zh'] as const) {
    const dir = path.join(dataRoot, lang)
    mkdirSync(dir, { recursive: true })
    const passages = buildPassages(lang)
    // Queries are drawn from the standard analyzer's words so they do not move when the analyzer does.
    const standard = createAnalyzer({ type: 'standard' })
    const drawTokens = passages.map((p) => standard.analyze(p.text).map((t) => t.text))
    const queries = buildQueries(passages, drawTokens, lang === 'en' ? opts.queries : opts.zhQueries, opts.seed)
    writeFileSync(path.join(dir, 'passages.jsonl'), jsonl(passages))
    writeFileSync(path.join(dir, 'queries.jsonl'), jsonl(queries))
    const { tokens, analyzer } = writeTokens(lang, passages, queries)
    const tokenCount = tokens.reduce((n, t) => n + t.length, 0)
    writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ lang, packages: packages[lang].debs, analyzer, seed: opts.seed, passages: passages.length, queries: queries.length, tokens: tokenCount }, null, 2))
    out[lang] = { passages: passages.length, queries: queries.length, tokens: tokenCount }
  }
  return out
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const arg = (name: string, dflt: number): number => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? Number(process.argv[i + 1]) : dflt
  }
  const t0 = performance.now()
  const counts = buildCorpus({ queries: arg('queries', 1000), zhQueries: arg('zh-queries', 200), seed: arg('seed', 13) })
  console.log(JSON.stringify(counts), `${((performance.now() - t0) / 1000).toFixed(1)} s`)
}
