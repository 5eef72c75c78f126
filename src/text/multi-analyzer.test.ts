import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createMultiAnalyzer } from './multi-analyzer.ts'

const params = {
  analyzers: { english: { type: 'english' }, chinese: { type: 'chinese' }, default: { tokenizer: 'icu' } },
  by_field: 'language',
  alias: { en: 'english', cn: 'chinese' },
}

describe('multi-language analyzer', () => {
  it('chooses the analyzer by name or alias, default otherwise', () => {
    const m = createMultiAnalyzer(params)
    assert.equal(m.byField, 'language')
    assert.deepEqual(m.analyze('Running dogs', 'english').map((t) => t.text), ['run', 'dog'])
    assert.deepEqual(m.analyze('Running dogs', 'en').map((t) => t.text), ['run', 'dog'])
    assert.deepEqual(m.analyze('向量数据库', 'cn').map((t) => t.text), ['向量', '数据', '据库', '数据库'])
    assert.deepEqual(m.analyze('Running dogs', 'klingon').map((t) => t.text), ['Running', ' ', 'dogs'])
    assert.deepEqual(m.analyze('Running dogs', null).map((t) => t.text), ['Running', ' ', 'dogs'])
    assert.deepEqual(m.analyze('', 'en'), [])
  })

  it('refuses bad parameters (1100) naming what is wrong', () => {
    const refuse = (p: Record<string, unknown>, re: RegExp) =>
      assert.throws(() => createMultiAnalyzer(p), (e: unknown) => (e as { code: number }).code === 1100 && re.test((e as Error).message))
    refuse({ analyzers: params.analyzers }, /must have by_field param/)
    refuse({ ...params, by_field: 3 }, /by_field must be string but now: 3/)
    refuse({ by_field: 'language' }, /must have analyzers param/)
    refuse({ ...params, alias: { en: 1 } }, /mapping must be string map/)
    refuse({ ...params, analyzers: { default: { type: 'nope' } } }, /create analyzer default failed with error: unknown build-in analyzer type: nope: invalid parameter$/)
    refuse({ ...params, analyzers: { english: { type: 'english' } } }, /must set default analyzer/)
  })
})
