import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createAnalyzer } from './analyzer.ts'

const texts = (filter: unknown[], text: string, tokenizer: unknown = 'standard') => createAnalyzer({ tokenizer, filter }).analyze(text).map((t) => t.text)

/** Expected outputs are the examples of Milvus's filter documentation where it gives one. */
describe('token filters', () => {
  it('lowercase (no final-sigma rule, as tantivy)', () => {
    assert.deepEqual(texts(['lowercase'], 'The Lowercase Filter ΟΔΟΣ'), ['the', 'lowercase', 'filter', 'οδοσ'])
  })

  it('asciifolding', () => {
    assert.deepEqual(texts(['asciifolding'], 'Café Möller serves crème brûlée and piñatas.'), ['Cafe', 'Moller', 'serves', 'creme', 'brulee', 'and', 'pinatas'])
    assert.deepEqual(texts(['asciifolding'], 'Straße Æon 中文'), ['Strasse', 'AEon', '中文'])
  })

  it('alphanumonly keeps only ASCII letters and digits', () => {
    assert.deepEqual(texts(['alphanumonly'], 'Milvus 2.0 @ Scale! #AI #Vector_Databasé'), ['Milvus', '2', '0', 'Scale', 'AI', 'Vector'])
  })

  it('cncharonly keeps tokens with a Han character; cnalphanumonly also ASCII letters and digits', () => {
    assert.deepEqual(texts(['cncharonly'], '你好, Milvus 世界 123', { type: 'jieba', mode: 'exact' }), ['你好', '世界'])
    assert.deepEqual(texts(['cnalphanumonly'], '你好, Milvus 世界 123', { type: 'jieba', mode: 'exact' }), ['你好', 'Milvus', '世界', '123'])
  })

  it('removepunct drops tokens holding punctuation or spaces', () => {
    assert.deepEqual(texts(['removepunct'], 'Привет! Как дела?', 'icu'), ['Привет', 'Как', 'дела'])
    assert.deepEqual(texts(['removepunct'], "can't stop, won't", 'whitespace'), [])
  })

  it('length keeps tokens of at most max UTF-8 bytes', () => {
    assert.deepEqual(texts([{ type: 'length', max: 10 }], 'The length filter allows control over token length requirements for text processing.'),
      ['The', 'length', 'filter', 'allows', 'control', 'over', 'token', 'length', 'for', 'text', 'processing'])
    assert.deepEqual(texts([{ type: 'length', max: 6 }], '中文 中文字 ab'), ['中文', 'ab'])
  })

  it('stop with custom words and a built-in list (exact, case-sensitive)', () => {
    assert.deepEqual(texts([{ type: 'stop', stop_words: ['of', 'to', '_english_'] }], 'The stop filter allows control over common stop words for text processing.'),
      ['The', 'stop', 'filter', 'allows', 'control', 'over', 'common', 'stop', 'words', 'text', 'processing'])
    assert.deepEqual(texts([{ type: 'stop', stop_words: ['_german_'] }], 'der Hund und die Katze'), ['Hund', 'Katze'])
    assert.deepEqual(texts([{ type: 'stop', stop_words: ['_chinese_'] }], '我们 的 数据库', 'whitespace'), ['数据库'])
  })

  it('stop keeps the positions of the remaining tokens', () => {
    const tokens = createAnalyzer({ tokenizer: 'standard', filter: [{ type: 'stop', stop_words: ['b'] }] }).analyze('a b c')
    assert.deepEqual(tokens.map((t) => [t.text, t.position]), [['a', 0], ['c', 2]])
  })

  it('decompounder splits a word the list covers completely, keeps others', () => {
    const tokens = createAnalyzer({ tokenizer: 'standard', filter: [{ type: 'decompounder', word_list: ['dampf', 'schiff', 'fahrt', 'brot', 'backen', 'automat'] }] })
      .analyze('dampfschifffahrt brotbackautomat')
    assert.deepEqual(tokens.map((t) => t.text), ['dampf', 'schiff', 'fahrt', 'brotbackautomat'])
    assert.deepEqual(tokens.map((t) => t.position), [0, 0, 0, 1])
  })

  it('stemmer for English and other Snowball languages', () => {
    assert.deepEqual(texts(['lowercase', { type: 'stemmer', language: 'english' }], 'running runs looked ran runner'), ['run', 'run', 'look', 'ran', 'runner'])
    assert.deepEqual(texts([{ type: 'stemmer', language: 'French' }], 'continuation continuer'), ['continu', 'continu'])
    assert.deepEqual(texts([{ type: 'stemmer', language: 'german' }], 'katzen häuser'), ['katz', 'haus'])
    assert.deepEqual(texts([{ type: 'stemmer', language: 'russian' }], 'книги'), ['книг'])
    for (const language of ['arabic', 'arabig', 'danish', 'dutch', 'finnish', 'greek', 'hungarian', 'italian', 'norwegian', 'portuguese', 'romanian', 'spanish', 'swedish', 'tamil', 'turkish']) {
      assert.equal(texts([{ type: 'stemmer', language }], 'x').length, 1, language)
    }
  })

  it('regex keeps tokens the expression matches', () => {
    assert.deepEqual(texts([{ type: 'regex', expr: '^(?!test)' }], 'testItem apple testCase'), ['apple'])
    assert.throws(() => texts([{ type: 'regex', expr: '(' }], 'x'), /regex expression invalid, expr:\(/)
  })
})

describe('synonym filter', () => {
  const syn = (params: Record<string, unknown>, text: string) => createAnalyzer({ tokenizer: 'standard', filter: [{ type: 'synonym', ...params }] }).analyze(text)
  it('equivalence groups and mappings, expanded (Milvus doc examples)', () => {
    const rules = ['fast, quick => speedy', 'happy, joyful, cheerful']
    assert.deepEqual(syn({ synonyms: rules }, 'fast').map((t) => t.text).sort(), ['fast', 'speedy'])
    assert.deepEqual(syn({ synonyms: rules }, 'joyful').map((t) => t.text).sort(), ['cheerful', 'happy', 'joyful'])
    assert.deepEqual(syn({ synonyms: rules }, 'slow').map((t) => t.text), ['slow'])
  })
  it('normalised without expand; synonyms keep the position and offsets of their token', () => {
    const rules = ['fast, quick => speedy', 'happy, joyful, cheerful']
    assert.deepEqual(syn({ synonyms: rules, expand: false }, 'fast joyful happy').map((t) => t.text), ['speedy', 'happy', 'happy'])
    const t = syn({ synonyms: ['small, little => tiny, compact'], expand: false }, 'a little cat')
    assert.deepEqual(t.map((x) => [x.text, x.position, x.startOffset]), [['a', 0, 0], ['tiny', 1, 2], ['compact', 1, 2], ['cat', 2, 9]])
  })
  it('escapes and refusals as Milvus reads rules', () => {
    assert.deepEqual(syn({ synonyms: ['trans => translate, \\=>'], expand: false }, 'trans').map((t) => t.text), ['translate', '=>'])
    assert.throws(() => syn({ synonyms: ['a b, c'] }, 'x'), /has space between words/)
    assert.throws(() => syn({ synonyms: ['a => b => c'] }, 'x'), /has more than one "=>"/)
    assert.throws(() => syn({ synonyms: ['a\\'] }, 'x'), /invalid synonym escaped in the end/)
    assert.throws(() => syn({ synonyms: 'a, b' }, 'x'), /`synonyms` must be array/)
    assert.throws(() => syn({ expand: 'yes' }, 'x'), /`expand` must be bool/)
  })
})
