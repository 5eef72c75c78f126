/**
 * Milvus's metric types. Scores follow Milvus: L2 is the *squared* Euclidean distance, IP the dot
 * product, COSINE the cosine similarity, HAMMING the count of differing bits, JACCARD the Jaccard
 * distance. IP and COSINE are similarities (larger is better); the others are distances.
 */
export const Metric = {
  L2: 'L2',
  IP: 'IP',
  COSINE: 'COSINE',
  HAMMING: 'HAMMING',
  JACCARD: 'JACCARD',
  /** Okapi BM25 relevance of a BM25 function's output field to a query text (a similarity). */
  BM25: 'BM25',
} as const
export type Metric = (typeof Metric)[keyof typeof Metric]

/** Metrics over float (and float16/bfloat16) vectors. */
export type FloatMetric = typeof Metric.L2 | typeof Metric.IP | typeof Metric.COSINE
/** Metrics over binary vectors. */
export type BinaryMetric = typeof Metric.HAMMING | typeof Metric.JACCARD

const byUpperName: ReadonlyMap<string, Metric> = new Map(Object.values(Metric).map((m) => [m, m]))

/** The metric named by `x`, case-insensitive (`'l2'`, `'Cosine'`); undefined when `x` names none. */
export function parseMetric(x: unknown): Metric | undefined {
  if (typeof x !== 'string') return undefined
  return byUpperName.get(x.toUpperCase())
}

/** True for similarities (IP, COSINE), whose best score is the largest. */
export function largerIsBetter(metric: Metric): boolean {
  return metric === Metric.IP || metric === Metric.COSINE || metric === Metric.BM25
}

export function isFloatMetric(metric: Metric): metric is FloatMetric {
  return metric === Metric.L2 || metric === Metric.IP || metric === Metric.COSINE
}

export function isBinaryMetric(metric: Metric): metric is BinaryMetric {
  return metric === Metric.HAMMING || metric === Metric.JACCARD
}
