import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createAnalyzer } from './analyzer.ts'
import { highlightDefaults, highlightText } from './highlight.ts'

const analyzer = createAnalyzer()
const braces = { ...highlightDefaults, preTags: ['{'], postTags: ['}'] }
const docs = [
  'my first test doc',
  'my first test doc. Milvus is an open-source vector database built for GenAI applications.',
  'my second test doc. Milvus is an open-source vector database that suits AI applications of every size from running a demo chatbot to building web-scale search.',
]
const terms = (q: string) => new Set(analyzer.analyze(q).map((t) => t.text))

// The expected strings are the outputs Milvus's "Text Highlighter" guide (2.6.8) prints for these documents.
describe('highlightText', () => {
  test('a fragment starts at the first match and spans fragment_size (100) characters of the text', () => {
    assert.deepEqual(highlightText(docs[0]!, analyzer, terms('test'), braces).fragments, ['{test} doc'])
    assert.deepEqual(highlightText(docs[2]!, analyzer, terms('test'), braces).fragments, ['{test} doc. Milvus is an open-source vector database that suits AI applications of every size from run'])
    assert.deepEqual(highlightText(docs[2]!, analyzer, terms('Milvus'), braces).fragments, ['{Milvus} is an open-source vector database that suits AI applications of every size from running a dem'])
  })

  test('several terms in one fragment; scores count the highlighted tokens', () => {
    const h = highlightText(docs[2]!, analyzer, new Set([...terms('test'), ...terms('my doc')]), braces)
    assert.deepEqual(h.fragments, ['{my} second {test} {doc}. Milvus is an open-source vector database that suits AI applications of every siz'])
    assert.deepEqual(h.scores, [3])
  })

  test('fragment_offset keeps leading context; fragment_size 60', () => {
    const o = { ...braces, fragmentOffset: 20, fragmentSize: 60 }
    assert.deepEqual(highlightText(docs[1]!, analyzer, terms('Milvus'), o).fragments, ['my first test doc. {Milvus} is an open-source vector database '])
    assert.deepEqual(highlightText(docs[2]!, analyzer, terms('Milvus'), o).fragments, ['my second test doc. {Milvus} is an open-source vector database'])
  })

  test('more fragments for matches past a fragment, at most num_of_fragments; tags rotate; a cut token is kept whole', () => {
    const text = 'apple one two three apple four five six apple seven'
    const o = { ...highlightDefaults, preTags: ['<a>', '<b>'], postTags: ['</a>', '</b>'], fragmentSize: 10 }
    const h = highlightText(text, analyzer, terms('apple'), o)
    assert.deepEqual(h.fragments, ['<a>apple</a> one ', '<b>apple</b> four', '<a>apple</a> seve'])
    assert.deepEqual(highlightText(text, analyzer, terms('apple'), { ...o, numOfFragments: 2 }).fragments.length, 2)
    assert.deepEqual(highlightText('xx applesauce', analyzer, terms('applesauce'), { ...o, fragmentSize: 3 }).fragments, ['<a>applesauce</a>'])
  })

  test('no match: no fragments', () => {
    assert.deepEqual(highlightText(docs[0]!, analyzer, terms('banana'), braces), { fragments: [], scores: [] })
    assert.deepEqual(highlightText('', analyzer, terms('a'), braces), { fragments: [], scores: [] })
  })
})
