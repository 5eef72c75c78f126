// Milvus's random_score construction: MurmurHash3 x64 of the 16-byte block (int64 value, int64 seed),
// low 52 bits as a fraction. Expected values computed with Milvus's Murmur3.c / hash_to_double.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { boostCombineOf, boostFunctionOf, hashToUnit, murmurKeySeed, randomScore } from './boost-rerank.ts'

test('murmurKeySeed and randomScore equal Milvus C values', () => {
  const cases: [bigint, bigint, bigint, number][] = [
    [0n, 126n, 12453248289561805026n, 0.17659648907288572],
    [1n, 126n, 15519554008979898692n, 0.033238536627394843],
    [42n, 126n, 7507693957382554291n, 0.042938665054106151],
    [-5n, 126n, 8352054140129023878n, 0.52856185742118234],
    [123456789012n, 126n, 14370387892822922279n, 0.86710228131892975],
    [7n, 0n, 15062676840958766211n, 0.5861282641078851],
    [1n, -1n, 5908976757482258965n, 0.056409626340728325],
  ]
  for (const [key, seed, hash, unit] of cases) {
    assert.equal(murmurKeySeed(key, seed), hash, `hash of ${key}, ${seed}`)
    assert.equal(hashToUnit(hash), unit)
    assert.equal(randomScore(key, seed), unit)
  }
})

test('boost params: weight required and numeric, random_score JSON text, modes Multiply/Sum only', () => {
  assert.deepEqual(boostFunctionOf('b', { reranker: 'boost', weight: '0.5', filter: "a == 'x'", random_score: '{"seed": 9007199254740993, "field": "id"}' }), {
    name: 'b',
    filter: "a == 'x'",
    weight: 0.5,
    randomScore: { seed: 9007199254740993n, field: 'id' },
  })
  assert.deepEqual(boostFunctionOf(undefined, { weight: 2, random_score: { seed: 3 } }), { weight: 2, randomScore: { seed: 3n } })
  assert.throws(() => boostFunctionOf('b', { reranker: 'boost' }), { code: 1100, message: /boost function b: param weight is required/ })
  assert.throws(() => boostFunctionOf('b', { weight: 'heavy' }), { code: 1100, message: /weight must be a number, got heavy/ })
  assert.throws(() => boostFunctionOf('b', { weight: 1, random_score: '{seed' }), { code: 1100, message: /random_score must be a JSON object/ })
  assert.throws(() => boostFunctionOf('b', { weight: 1, random_score: { seed: 1.5 } }), { code: 1100, message: /seed must be an integer/ })
  assert.equal(boostCombineOf('boost_mode', undefined), 'multiply')
  assert.equal(boostCombineOf('function_mode', 'Sum'), 'sum')
  assert.throws(() => boostCombineOf('function_mode', 'Max'), { code: 1100, message: /function_mode "Max" is not supported; use Multiply or Sum/ })
})
