// JSON path indexes: evaluating random filters (the expr property tests' generator, whose JSON leaves
// read j["a"], j["b"], j["arr"], j, and the dynamic keys color and size) over random JSON documents
// gives the same rows with INVERTED / BITMAP JSON path indexes of every cast on those paths as by
// scanning (fast-check); plus the cast column, encode/decode and the rules' errors.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import type { Column } from '../../column/column.ts'
import { MilvusError } from '../../errors/milvus-error.ts'
import { evaluate } from '../evaluate.ts'
import type { PathKey } from '../expr-node.ts'
import { exprToString } from '../expr-to-string.ts'
import type { ColumnSource } from '../kernels/column-access.ts'
import { compileFilter } from '../compile-filter.ts'
import { planExpr } from '../plan.ts'
import { dataArb, predicateArb, testSchema } from '../test-fixtures.ts'
import { type JsonCastType, jsonCastColumn, JsonPathIndex } from './json-path-index.ts'
import { decodeScalarIndex, type ScalarIndex } from './scalar-index.ts'
import { jsonIndexSpecOf } from './scalar-index-rules.ts'

const paths: readonly { column: string; path: PathKey[] }[] = [
  { column: 'j', path: ['a'] },
  { column: 'j', path: ['b'] },
  { column: 'j', path: ['arr'] },
  { column: 'j', path: [] },
  { column: '$meta', path: ['color'] },
  { column: '$meta', path: ['size'] },
]
const casts: Record<'INVERTED' | 'BITMAP', JsonCastType[]> = {
  INVERTED: ['BOOL', 'DOUBLE', 'VARCHAR', 'ARRAY_BOOL', 'ARRAY_DOUBLE', 'ARRAY_VARCHAR'],
  BITMAP: ['BOOL', 'VARCHAR'],
}

/** `src` with JSON path indexes of `type` (every cast it takes) on `paths`; counts the leaves they answer. */
function withJsonIndexes(src: ColumnSource, type: 'INVERTED' | 'BITMAP') {
  const counter = { answered: 0 }
  const built = new Map<string, ScalarIndex[]>()
  for (const p of paths) {
    const json = src.column(p.column) as (Column & { kind: 'json' }) | undefined
    if (json === undefined) continue
    built.set(
      JSON.stringify([p.column, p.path]),
      casts[type].map((cast) => {
        const index = JsonPathIndex.build(jsonIndexSpecOf(type, cast, p.column).spec, json, { ...p, castType: cast }, src.rowCount)
        return {
          spec: index.spec,
          rowCount: index.rowCount,
          validBits: index.validBits,
          sizeBytes: index.sizeBytes,
          encode: () => index.encode(),
          lookup: (q) => {
            const r = index.lookup(q)
            if (r !== undefined) counter.answered++
            return r
          },
        }
      }),
    )
  }
  const source: ColumnSource = { ...src, jsonIndexes: (column, path) => built.get(JSON.stringify([column, path])) ?? [] }
  return { source, counter }
}

for (const type of ['INVERTED', 'BITMAP'] as const) {
  test(`${type} JSON path indexes: evaluate with indexes = evaluate by scan, on random filters and documents`, () => {
    let answered = 0
    fc.assert(
      fc.property(predicateArb, dataArb, (ast, src) => {
        const plan = planExpr(ast, testSchema)
        const { source, counter } = withJsonIndexes(src, type)
        const scanned = evaluate(plan, src)
        const indexed = evaluate(plan, source)
        answered += counter.answered
        assert.deepEqual([...indexed.toIndexes()], [...scanned.toIndexes()], exprToString(ast))
      }),
      { numRuns: 400, seed: 121212 },
    )
    assert.ok(answered > 20, `${type}: the JSON path indexes answered ${answered} leaves`)
  })
}

/** Filters on the indexed JSON paths only: comparisons, mixed `in` lists, `like`, contains, combined. */
const jsonPathText = fc.constantFrom('j["a"]', 'j["b"]', 'j', 'color', 'size', '$meta["size"]')
const constText = fc.constantFrom('0', '1', '2', '-1.5', '2.5', '9007199254740993', '"a"', '"ab"', '""', 'true', 'false')
const jsonLeafText: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(jsonPathText, fc.constantFrom('==', '!=', '<', '<=', '>', '>='), constText).map(([p, op, c]) => `${p} ${op} ${c}`),
  fc.tuple(jsonPathText, fc.boolean(), fc.array(constText, { maxLength: 4 })).map(([p, neg, l]) => `${p} ${neg ? 'not in' : 'in'} [${l.join(', ')}]`),
  fc.tuple(jsonPathText, fc.constantFrom('a%', '%b', '_', 'a', '%')).map(([p, pat]) => `${p} like "${pat}"`),
  fc.tuple(fc.constantFrom('json_contains', 'json_contains_any', 'json_contains_all'), fc.constantFrom('j["arr"]', 'j'), fc.array(constText, { minLength: 1, maxLength: 3 })).map(([fn, p, l]) =>
    fn === 'json_contains' ? `${fn}(${p}, ${l[0]})` : `${fn}(${p}, [${l.join(', ')}])`,
  ),
)
const jsonFilterText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: jsonLeafText },
  { weight: 1, arbitrary: jsonLeafText.map((t) => `not (${t})`) },
  { weight: 1, arbitrary: fc.tuple(jsonLeafText, fc.constantFrom('and', 'or'), jsonLeafText).map(([a, op, b]) => `(${a}) ${op} (${b})`) },
)

for (const type of ['INVERTED', 'BITMAP'] as const) {
  test(`${type} JSON path indexes: leaves on the indexed paths only (mixed-type lists, every constant type) = scan`, () => {
    let answered = 0
    fc.assert(
      fc.property(jsonFilterText, dataArb, (text, src) => {
        let plan: ReturnType<typeof compileFilter>
        try {
          plan = compileFilter(text, testSchema)
        } catch (e) {
          assert.ok(e instanceof MilvusError && e.code === 1100, String(e)) // e.g. `>=` on a boolean: refused by the planner
          return
        }
        const { source, counter } = withJsonIndexes(src, type)
        assert.deepEqual([...evaluate(plan, source).toIndexes()], [...evaluate(plan, src).toIndexes()], text)
        answered += counter.answered
      }),
      { numRuns: 600, seed: 343434 },
    )
    assert.ok(answered > 100, `${type}: the JSON path indexes answered ${answered} leaves`)
  })
}

test('the cast column keeps values of the cast type at the path; others have no entry', () => {
  const json: Column & { kind: 'json' } = { kind: 'json', values: [{ a: 1 }, { a: 'x' }, { a: [1, 'y', true] }, {}, null], validBits: null }
  const d = jsonCastColumn(json, { column: 'j', path: ['a'], castType: 'DOUBLE' }, 5)
  assert.equal(d.kind, 'double')
  assert.deepEqual([...(d as { validBits: { toIndexes(): Int32Array } }).validBits.toIndexes()], [0])
  const arr = jsonCastColumn(json, { column: 'j', path: ['a'], castType: 'ARRAY_VARCHAR' }, 5)
  assert.deepEqual(arr.kind === 'array' ? arr.values[2] : undefined, ['y'])
})

test('a JSON path index survives encode/decode with the same answers', () => {
  const json: Column & { kind: 'json' } = { kind: 'json', values: [{ a: 'x' }, { a: 'y' }, { a: 1 }, { a: 'x' }], validBits: null }
  const { spec } = jsonIndexSpecOf('INVERTED', 'varchar', 'j')
  const index = JsonPathIndex.build(spec, json, { column: 'j', path: ['a'], castType: 'VARCHAR' }, 4)
  const bytes = Uint8Array.from(index.encode().flatMap((c) => [...c]))
  const back = new JsonPathIndex(decodeScalarIndex(bytes, 4), 'VARCHAR', null)
  const q = { kind: 'compare', op: '!=', constant: { type: 'string', value: 'x' } } as const
  assert.deepEqual([...back.lookup(q)!.toIndexes()], [1, 2])
  assert.deepEqual([...index.lookup(q)!.toIndexes()], [1, 2])
})

test('rules: cast types per index type (Milvus 2.6), case-insensitive; missing cast is 1101', () => {
  assert.deepEqual(jsonIndexSpecOf('AUTOINDEX', 'double', 'j').spec, { indexType: 'INVERTED', valueKind: 'num', multiValued: false })
  assert.deepEqual(jsonIndexSpecOf('BITMAP', 'Varchar', 'j').spec, { indexType: 'BITMAP', valueKind: 'str', multiValued: false })
  assert.deepEqual(jsonIndexSpecOf('INVERTED', 'ARRAY_BOOL', 'j').spec, { indexType: 'INVERTED', valueKind: 'bool', multiValued: true })
  const fails = (f: () => unknown, code: number, text: string) =>
    assert.throws(f, (e: unknown) => e instanceof MilvusError && e.code === code && e.message.includes(text))
  fails(() => jsonIndexSpecOf('BITMAP', 'DOUBLE', 'j'), 1100, 'json_cast_type DOUBLE is not supported for BITMAP index')
  fails(() => jsonIndexSpecOf('INVERTED', 'INT64', 'j'), 1100, 'json_cast_type INT64 is not supported')
  fails(() => jsonIndexSpecOf('STL_SORT', 'DOUBLE', 'j'), 1100, 'index type STL_SORT is not supported on JSON field j')
  fails(() => jsonIndexSpecOf('Trie', 'VARCHAR', 'j'), 1100, 'not supported on JSON field j')
  fails(() => jsonIndexSpecOf('INVERTED', undefined, 'j'), 1101, 'json index must specify cast type')
})
