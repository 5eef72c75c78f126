import { parentPort } from 'node:worker_threads'
import { type Analyzer, type AnalyzerParams, createAnalyzer } from './analyzer.ts'
import { createMultiAnalyzer, type MultiAnalyzer } from './multi-analyzer.ts'
import { utf8TermFrequencyCsr, utf8TermFrequencyCsrOf } from './term-frequencies.ts'
import type { TermFrequencyReply, TermFrequencyRequest } from './term-frequency-pool.ts'

/**
 * A term-frequency worker: the BM25 function over a slice of a column whose UTF-8 bytes it shares
 * with the writer's thread (`utf8TermFrequencyCsr`, the same code as the inline path, so the same
 * output). Analyzers are built once per distinct parameters; the CSR block goes back transferred.
 */
const analyzers = new Map<string, Analyzer>()
const multis = new Map<string, MultiAnalyzer>()

function analyzerOf(params: AnalyzerParams | undefined): Analyzer {
  const key = JSON.stringify(params ?? {})
  let a = analyzers.get(key)
  if (a === undefined) analyzers.set(key, (a = createAnalyzer(params)))
  return a
}

function multiOf(params: AnalyzerParams): MultiAnalyzer {
  const key = JSON.stringify(params)
  let m = multis.get(key)
  if (m === undefined) multis.set(key, (m = createMultiAnalyzer(params)))
  return m
}

function run(m: TermFrequencyRequest): TermFrequencyReply {
  const nulls = m.nulls
  const isNull = nulls === undefined ? null : (row: number) => nulls[row - m.from] === 1
  const texts = { bytes: m.bytes, offsets: m.offsets }
  if (m.multi === undefined) return { id: m.id, csr: utf8TermFrequencyCsrOf(analyzerOf(m.analyzer), texts, m.from, m.to, isNull) }
  const multi = multiOf(m.multi)
  const languages = m.languages!
  return { id: m.id, csr: utf8TermFrequencyCsr((row) => multi.analyzerFor(languages[row - m.from]), texts, m.from, m.to, isNull) }
}

parentPort!.on('message', (m: TermFrequencyRequest) => {
  let reply: TermFrequencyReply
  try {
    reply = run(m)
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) } satisfies TermFrequencyReply)
    return
  }
  const csr = 'csr' in reply ? reply.csr : undefined
  parentPort!.postMessage(reply, csr === undefined ? [] : [csr.rowStart.buffer, csr.indices.buffer, csr.values.buffer] as ArrayBuffer[])
})
parentPort!.postMessage({ ready: true })
