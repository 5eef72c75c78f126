import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createAnalyzer } from './analyzer.ts'
import { phraseHolds, TextIndex } from './text-index.ts'

const docs = [
  'Machine learning boosts efficiency', // 0
  'learning machine', // 1
  'deep learning and machine learning', // 2
  'machine deep learning', // 3
  'machine X Y learning', // 4
  '', // 5
  'A X B X C', // 6
  'a b c', // 7
  'b a b', // 8
]

function built(rows: readonly unknown[] = docs): TextIndex {
  const index = new TextIndex(createAnalyzer())
  index.extend(rows, rows.length, null)
  return index
}

function any(index: TextIndex, terms: string[], min = 1, limit = docs.length): number[] {
  const out: number[] = []
  index.matchAny(terms, min, limit, (r) => out.push(r))
  return out.sort((a, b) => a - b)
}

function phrase(index: TextIndex, text: string, slop: number, limit = docs.length): number[] {
  const tokens = createAnalyzer().analyze(text)
  const out: number[] = []
  index.matchPhrase(
    tokens.map((t) => t.text),
    tokens.map((t) => t.position),
    slop,
    limit,
    (r) => out.push(r),
  )
  return out.sort((a, b) => a - b)
}

describe('TextIndex', () => {
  test('postings: rows ascending, one per row, lowercase terms', () => {
    const index = built()
    assert.deepEqual([...index.rowsOf('learning')], [0, 1, 2, 3, 4])
    assert.deepEqual([...index.rowsOf('machine')], [0, 1, 2, 3, 4])
    assert.deepEqual([...index.rowsOf('Machine')], [], 'the index holds analyzed terms')
    assert.deepEqual([...index.rowsOf('nothing')], [])
    assert.equal(index.indexedRows, docs.length)
  })

  test('TEXT_MATCH: any term; minimum_should_match counts distinct query terms', () => {
    const index = built()
    assert.deepEqual(any(index, ['deep', 'efficiency']), [0, 2, 3])
    assert.deepEqual(any(index, ['deep', 'and'], 2), [2])
    assert.deepEqual(any(index, ['a', 'b', 'c'], 3), [6, 7])
    assert.deepEqual(any(index, ['a', 'b', 'c'], 4), [], 'more than the query has: nothing')
    assert.deepEqual(any(index, ['b'], 1, 8), [6, 7], 'rows at or past the limit are not reported')
    assert.deepEqual(any(index, []), [])
  })

  test('PHRASE_MATCH slop 0: the exact phrase', () => {
    const index = built()
    assert.deepEqual(phrase(index, 'machine learning', 0), [0, 2])
    assert.deepEqual(phrase(index, 'MACHINE, learning!', 0), [0, 2], 'the query is analyzed like the rows')
    assert.deepEqual(phrase(index, 'learning machine', 0), [1])
    assert.deepEqual(phrase(index, 'learning', 0), [0, 1, 2, 3, 4])
    assert.deepEqual(phrase(index, 'machine nothing', 5), [], 'a term no row has: nothing')
    assert.deepEqual(phrase(index, '', 3), [])
  })

  test('PHRASE_MATCH slop: gaps and transpositions cost moves', () => {
    const index = built()
    assert.deepEqual(phrase(index, 'machine learning', 1), [0, 2, 3])
    assert.deepEqual(phrase(index, 'machine learning', 2), [0, 1, 2, 3, 4], 'a transposition costs 2')
    assert.deepEqual(phrase(index, 'a b c', 1), [7], 'slop is a budget over the whole phrase: A X B X C needs 2')
    assert.deepEqual(phrase(index, 'a b c', 2), [6, 7])
  })

  test('a term repeated in the query needs as many occurrences', () => {
    const index = built()
    assert.deepEqual(phrase(index, 'b b', 0), [])
    assert.deepEqual(phrase(index, 'b b', 1), [8], 'b a b: one word between the two b')
    assert.deepEqual(phrase(index, 'b b b', 5), [], 'three b in the query, two in the row')
    assert.deepEqual(phrase(index, 'b a b', 0), [8])
    assert.deepEqual(phrase(index, 'b x b', 0), [], 'x not in row 8')
  })

  test('phraseHolds on positions', () => {
    const p = (...xs: number[]) => Int32Array.from(xs)
    assert.equal(phraseHolds([p(3), p(4)], [0, 1], 0), true)
    assert.equal(phraseHolds([p(3), p(5)], [0, 1], 0), false)
    assert.equal(phraseHolds([p(3), p(5)], [0, 1], 1), true)
    assert.equal(phraseHolds([p(5), p(3)], [0, 1], 2), false, 'reversed with a gap: 3 moves')
    assert.equal(phraseHolds([p(5), p(3)], [0, 1], 3), true)
    assert.equal(phraseHolds([p(1, 9), p(2, 20)], [0, 2], 1), true, 'a query gap (a removed stop word) is kept: 1 − 0 vs 2 − 2')
  })

  test('incremental: rows appended later are indexed by the next extend; null rows have no terms', () => {
    const rows: unknown[] = ['alpha beta']
    const index = new TextIndex(createAnalyzer())
    index.extend(rows, 1, null)
    rows.push('beta gamma', null, 'beta')
    const valid = { get: (i: number) => i !== 3 }
    index.extend(rows, rows.length, valid)
    assert.deepEqual([...index.rowsOf('beta')], [0, 1], 'row 2 is not a string, row 3 is null')
    assert.equal(index.indexedRows, 4)
    assert.equal(index.termCount, 3)
  })

  test('built in many small extends (merged blocks) = built at once = a row-by-row check', () => {
    let seed = 5
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    const vocab = ['a', 'b', 'c', 'd', 'e', 'f']
    const rows = Array.from({ length: 700 }, () => Array.from({ length: 1 + Math.floor(rnd() * 9) }, () => vocab[Math.floor(rnd() * vocab.length)]).join(' '))
    const once = built(rows)
    const stepwise = new TextIndex(createAnalyzer())
    for (let at = 0; at < rows.length; ) {
      at = Math.min(rows.length, at + 1 + Math.floor(rnd() * 40))
      stepwise.extend(rows, at, null)
    }
    const run = (index: TextIndex, f: (hit: (r: number) => void) => void) => {
      const out: number[] = []
      f((r) => out.push(r))
      return out.sort((x, y) => x - y)
    }
    for (const term of vocab) assert.deepEqual([...stepwise.rowsOf(term)], [...once.rowsOf(term)], term)
    for (const [q, slop] of [['a b', 0], ['b a', 1], ['a b c', 2], ['c c', 1], ['f a e', 4]] as const) {
      const terms = q.split(' ')
      const offsets = terms.map((_, i) => i)
      const want = rows.flatMap((text, row) => {
        const toks = text.split(' ')
        // One array per distinct term: a repeated query term shares it (phraseHolds then takes distinct positions).
        const byTerm = new Map(terms.map((t) => [t, Int32Array.from(toks.flatMap((x, i) => (x === t ? [i] : [])))]))
        const positions = terms.map((t) => byTerm.get(t)!)
        return positions.every((p) => p.length > 0) && phraseHolds(positions, offsets, slop) ? [row] : []
      })
      assert.deepEqual(run(stepwise, (hit) => stepwise.matchPhrase(terms, offsets, slop, rows.length, hit)), want, `${q} ~${slop}`)
      assert.deepEqual(run(once, (hit) => once.matchPhrase(terms, offsets, slop, rows.length, hit)), want, `${q} ~${slop} (one block)`)
    }
    const min2 = rows.flatMap((text, row) => (['a', 'b', 'c'].filter((t) => text.split(' ').includes(t)).length >= 2 ? [row] : []))
    assert.deepEqual(run(stepwise, (hit) => stepwise.matchAny(['a', 'b', 'c'], 2, rows.length, hit)), min2)
  })
})
