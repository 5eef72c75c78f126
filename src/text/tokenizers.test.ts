import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createAnalyzer } from './analyzer.ts'

const run = (tokenizer: unknown, text: string) => createAnalyzer({ tokenizer }).analyze(text)
const texts = (tokenizer: unknown, text: string) => run(tokenizer, text).map((t) => t.text)

describe('standard tokenizer (tantivy SimpleTokenizer)', () => {
  it('splits on every non-alphanumeric character, Unicode letters and digits kept', () => {
    assert.deepEqual(texts('standard', "The 2 QUICK Brown-Foxes dog's 32.3"), ['The', '2', 'QUICK', 'Brown', 'Foxes', 'dog', 's', '32', '3'])
    assert.deepEqual(texts('standard', 'éclair Straße Ελληνικά русский 日本語'), ['éclair', 'Straße', 'Ελληνικά', 'русский', '日本語'])
    assert.deepEqual(texts('standard', '---abc123---DEF_456---'), ['abc123', 'DEF', '456'])
  })

  it('offsets are UTF-16 indices into the text, also past astral characters', () => {
    const text = '😀 ab 𝒳yz'
    const tokens = run('standard', text)
    for (const t of tokens) assert.equal(text.slice(t.startOffset, t.endOffset), t.text)
    assert.deepEqual(tokens.map((t) => t.text), ['ab', '𝒳yz'])
  })

  it('accepts the object form', () => {
    assert.deepEqual(texts({ type: 'standard' }, 'a b'), ['a', 'b'])
  })
})

describe('standard tokenizer with uax29 (Milvus test cases)', () => {
  const uax = { type: 'standard', uax29: true }
  it('keeps words with apostrophes, decimals and addresses whole; positions count tokens', () => {
    const tokens = run(uax, "O'Reilly can't jump 32.3 feet from 216.239.63.104")
    assert.deepEqual(tokens.map((t) => t.text), ["O'Reilly", "can't", 'jump', '32.3', 'feet', 'from', '216.239.63.104'])
    assert.deepEqual(tokens.map((t) => t.position), [0, 1, 2, 3, 4, 5, 6])
  })
  it('ideographs and hiragana one per token; katakana, hangul and emoji whole', () => {
    assert.deepEqual(texts(uax, '中文 仮名遣い カタカナ 한국어 👩‍🔬 🇨🇳 1️⃣'), ['中', '文', '仮', '名', '遣', 'い', 'カタカナ', '한국어', '👩‍🔬', '🇨🇳', '1️⃣'])
  })
  it('cuts long words every max_token_length characters', () => {
    assert.deepEqual(texts({ ...uax, max_token_length: 5 }, 'jumped 日本語日本語'), ['jumpe', 'd', '日', '本', '語', '日', '本', '語'])
  })
  it('refuses bad options as Milvus', () => {
    assert.throws(() => texts({ type: 'standard', uax29: 'true' }, 'x'), /uax29 must be a boolean/)
    assert.throws(() => texts({ type: 'standard', max_token_length: 5 }, 'x'), /max_token_length requires uax29 to be true/)
    assert.throws(() => texts({ ...uax, max_token_length: 0 }, 'x'), /must be between 1 and 1048576/)
    assert.throws(() => texts({ ...uax, max_token_length: '255' }, 'x'), /must be a positive integer/)
  })
  it('uax29: false is the default standard tokenizer', () => {
    assert.deepEqual(texts({ type: 'standard', uax29: false }, "dog's 32.3"), ['dog', 's', '32', '3'])
  })
})

describe('whitespace tokenizer', () => {
  it('splits on ASCII white space only (Milvus doc example)', () => {
    assert.deepEqual(texts('whitespace', 'The Milvus vector database is built for scale!'), ['The', 'Milvus', 'vector', 'database', 'is', 'built', 'for', 'scale!'])
    assert.deepEqual(texts('whitespace', 'a\u00a0b\tc'), ['a\u00a0b', 'c'])
  })
})

describe('icu tokenizer', () => {
  it('keeps every word-break segment, punctuation and spaces included (Milvus doc example)', () => {
    assert.deepEqual(texts('icu', 'Привет! Как дела?'), ['Привет', '!', ' ', 'Как', ' ', 'дела', '?'])
  })
  it('positions and position lengths count characters, as Milvus numbers icu tokens', () => {
    const tokens = run('icu', 'Hi 😀 there')
    assert.deepEqual(tokens.map((t) => [t.text, t.position, t.positionLength]), [['Hi', 0, 2], [' ', 2, 1], ['😀', 3, 1], [' ', 4, 1], ['there', 5, 5]])
  })
  it('with removepunct leaves the words', () => {
    assert.deepEqual(createAnalyzer({ tokenizer: 'icu', filter: ['removepunct'] }).analyze('Привет! Как дела?').map((t) => t.text), ['Привет', 'Как', 'дела'])
  })
})

describe('jieba tokenizer', () => {
  it('search mode (default) adds the dictionary sub-words before a long word; positions are character indices', () => {
    const tokens = run('jieba', '中华人民共和国')
    assert.deepEqual(tokens.map((t) => t.text), ['中华', '华人', '人民', '共和', '共和国', '中华人民共和国'])
    assert.deepEqual(tokens.map((t) => t.position), [0, 1, 2, 4, 4, 0])
    assert.deepEqual(tokens.map((t) => t.positionLength), [2, 2, 2, 2, 3, 7])
  })

  it('exact mode cuts without sub-words', () => {
    assert.deepEqual(texts({ type: 'jieba', mode: 'exact' }, '中华人民共和国'), ['中华人民共和国'])
  })

  it('a custom dict without _default_ knows only its words', () => {
    assert.deepEqual(texts({ type: 'jieba', dict: ['结巴分词器'], mode: 'exact', hmm: false }, 'milvus结巴分词器中文测试'), ['milvus', '结巴分词器', '中', '文', '测', '试'])
  })

  it('a custom dict with _default_ adds its words to the built-in dictionary', () => {
    const tokens = texts({ type: 'jieba', dict: ['_default_', '结巴分词器'], mode: 'exact' }, 'milvus结巴分词器中文测试')
    assert.ok(tokens.includes('结巴分词器'), tokens.join('|'))
    assert.ok(tokens.includes('中文'), tokens.join('|'))
  })

  it('keeps punctuation and spaces as tokens (the chinese analyzer filters them)', () => {
    assert.deepEqual(texts({ type: 'jieba', mode: 'exact' }, '你好, 世界'), ['你好', ',', ' ', '世界'])
  })

  it('offsets cover the text', () => {
    const text = 'Milvus 是一个高性能、可扩展的向量数据库！'
    for (const t of run('jieba', text)) assert.equal(text.slice(t.startOffset, t.endOffset), t.text)
  })
})
