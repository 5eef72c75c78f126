// Metric names parse case-insensitively (anything else is undefined) and IP/COSINE are the
// similarities whose larger scores are better.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isBinaryMetric, isFloatMetric, largerIsBetter, Metric, parseMetric } from './metric.ts'

test('parseMetric', () => {
  assert.equal(parseMetric('l2'), Metric.L2)
  assert.equal(parseMetric('Cosine'), Metric.COSINE)
  assert.equal(parseMetric('IP'), Metric.IP)
  assert.equal(parseMetric('hamming'), Metric.HAMMING)
  assert.equal(parseMetric('JACCARD'), Metric.JACCARD)
  for (const bad of ['', 'L1', 'cos', 'toString', 2, null, undefined, {}]) assert.equal(parseMetric(bad), undefined)
})

test('largerIsBetter and metric families', () => {
  assert.deepEqual(
    Object.values(Metric).filter((m) => largerIsBetter(m)),
    [Metric.IP, Metric.COSINE, Metric.BM25],
  )
  assert.deepEqual(Object.values(Metric).filter(isFloatMetric), [Metric.L2, Metric.IP, Metric.COSINE])
  assert.deepEqual(Object.values(Metric).filter(isBinaryMetric), [Metric.HAMMING, Metric.JACCARD])
})
