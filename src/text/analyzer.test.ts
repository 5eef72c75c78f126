import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MilvusError } from '../errors/errors.ts'
import { createAnalyzer } from './analyzer.ts'

const texts = (params: Record<string, unknown> | undefined, text: string) => createAnalyzer(params).analyze(text).map((t) => t.text)
const sentence = 'The Milvus vector database is built for scale!'

/** Expected outputs are the examples of Milvus's analyzer documentation. */
describe('built-in analyzers', () => {
  it('standard: standard tokenizer + lowercase (also for absent and empty params)', () => {
    const expected = ['the', 'milvus', 'vector', 'database', 'is', 'built', 'for', 'scale']
    assert.deepEqual(texts({ type: 'standard' }, sentence), expected)
    assert.deepEqual(texts({}, sentence), expected)
    assert.deepEqual(texts(undefined, sentence), expected)
  })

  it('standard with stop_words, _english_ expanded', () => {
    assert.deepEqual(texts({ type: 'standard', stop_words: ['_english_', 'milvus'] }, sentence), ['vector', 'database', 'built', 'scale'])
  })

  it('english: lowercase, Snowball English stems, English stop words removed after stemming (positions keep their gaps)', () => {
    const tokens = createAnalyzer({ type: 'english' }).analyze(sentence)
    assert.deepEqual(tokens.map((t) => t.text), ['milvus', 'vector', 'databas', 'built', 'scale'])
    assert.deepEqual(tokens.map((t) => t.position), [1, 2, 3, 5, 7])
    assert.deepEqual(tokens.map((t) => [t.startOffset, t.endOffset]), [[4, 10], [11, 17], [18, 26], [30, 35], [40, 45]])
  })

  it('chinese: jieba search mode + cnalphanumonly', () => {
    assert.deepEqual(texts({ type: 'chinese' }, 'Milvus 是一个高性能、可扩展的向量数据库！'),
      ['Milvus', '是', '一个', '高性', '性能', '高性能', '可', '扩展', '的', '向量', '数据', '据库', '数据库'])
  })

  it('ignores every key but stop_words beside a type, as Milvus does', () => {
    assert.deepEqual(texts({ type: 'standard', filter: ['nonsense'] }, 'A B'), ['a', 'b'])
  })
})

describe('custom analyzers', () => {
  it('a tokenizer alone keeps case; filters run in order', () => {
    assert.deepEqual(texts({ tokenizer: 'standard' }, 'Hello World'), ['Hello', 'World'])
    assert.deepEqual(texts({ tokenizer: 'standard', filter: ['lowercase', { type: 'stop', stop_words: ['hello'] }] }, 'Hello World'), ['world'])
    assert.deepEqual(texts({ tokenizer: 'standard', filter: [{ type: 'stop', stop_words: ['hello'] }, 'lowercase'] }, 'Hello World'), ['hello', 'world'])
  })

  it('the SDK suite text: 7 tokens with offsets and positions', () => {
    const tokens = createAnalyzer({ tokenizer: 'standard', filter: ['lowercase'] }).analyze('Would you like to eat an apple?')
    assert.equal(tokens.length, 7)
    assert.deepEqual(tokens[6], { text: 'apple', position: 6, startOffset: 25, endOffset: 30, positionLength: 1 })
  })

  it('skips filter entries that are neither names nor objects (Milvus ignores them)', () => {
    assert.deepEqual(texts({ tokenizer: 'standard', filter: [3, 'lowercase'] }, 'AB'), ['ab'])
  })
})

describe('refusals worded as Milvus words them (1100)', () => {
  const cases: [unknown, string][] = [
    [{ type: 'foo' }, 'unknown build-in analyzer type: foo'],
    [{ type: 1 }, 'analyzer type shoud be string'],
    [{ filter: ['lowercase'] }, 'tokenizer name or type must be set'],
    [{ tokenizer: 5 }, 'tokenizer name should be string or dict'],
    [{ tokenizer: { mode: 'x' } }, 'costum tokenizer must set type'],
    [{ tokenizer: { type: 7 } }, 'tokenizer type should be string'],
    [{ tokenizer: 'nope' }, 'unsupported tokenizer: nope'],
    [{ tokenizer: 'standard', stop_words: [] }, 'unknown analyzer option key: stop_words'],
    [{ tokenizer: 'standard', filter: 'lowercase' }, 'filter params should be array'],
    [{ tokenizer: 'standard', filter: ['upper'] }, 'build analyzer failed, filter not found :upper'],
    [{ tokenizer: 'standard', filter: [{}] }, 'no type field in filter params'],
    [{ tokenizer: 'standard', filter: [{ type: 'zap' }] }, 'unsupport filter type: zap'],
    [{ tokenizer: 'standard', filter: [{ type: 'length' }] }, 'lenth max param was none or not uint'],
    [{ tokenizer: 'standard', filter: [{ type: 'stemmer', language: 'klingon' }] }, 'create stemmer failed : unsupport language: klingon'],
    [{ tokenizer: 'standard', filter: [{ type: 'stop', stop_words: 'a' }] }, 'stop_words should be array'],
    [{ tokenizer: 'standard', filter: [{ type: 'decompounder', word_list: [1] }] }, 'decompounder word list item should be string'],
    [{ tokenizer: 'standard', filter: [{ type: 'regex' }] }, 'must set expr for regex filter'],
    [{ tokenizer: { type: 'jieba', mode: 'fast' } }, 'jieba tokenizer mode must be "exact" or "search"'],
    [{ type: 'english', stop_words: 'the' }, 'filter stop_words should be array'],
    [[], 'params should be a json map'],
  ]
  for (const [params, message] of cases) {
    it(message, () => {
      assert.throws(() => createAnalyzer(params as Record<string, unknown>), (e: unknown) => {
        assert.ok(e instanceof MilvusError)
        assert.equal(e.code, 1100)
        assert.ok(e.message.startsWith(message), e.message)
        return true
      })
    })
  }

  it('refuses lindera clearly (no dictionary bundled)', () => {
    assert.throws(() => createAnalyzer({ tokenizer: { type: 'lindera', dict_kind: 'ipadic' } }), /lindera tokenizer is not supported by Quiver/)
  })
})
