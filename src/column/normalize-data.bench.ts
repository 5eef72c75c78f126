// Micro-benchmark: normalizeData per data form and batchToRows, 20k rows × 128-dim FloatVector +
// Int64 key + VarChar + one dynamic key. Run: npx tsx src/column/normalize-data.bench.ts
import { Field, FixedSizeList, Float32, makeData, makeVector, Table, Utf8, vectorFromArray } from 'apache-arrow'
import { normalizeData } from './normalize-data.ts'
import { batchToRows } from './rows.ts'
import { createCollectionSchema } from '../schema/collection-schema.ts'

const rowCount = 20_000
const dim = 128
const rounds = 5

const benchSchema = createCollectionSchema({
  name: 'bench',
  enableDynamicField: true,
  fields: [
    { name: 'id', dataType: 'Int64', isPrimaryKey: true },
    { name: 'vec', dataType: 'FloatVector', dim },
    { name: 'name', dataType: 'VarChar', maxLength: 32 },
  ],
})
const opts = { schema: benchSchema, mode: 'upsert' } as const

const flat = Float32Array.from({ length: rowCount * dim }, (_, i) => (i % 97) / 97)
const vectors = Array.from({ length: rowCount }, (_, i) => Array.from(flat.subarray(i * dim, (i + 1) * dim)))
const ids = Array.from({ length: rowCount }, (_, i) => i)
const names = ids.map((i) => `name-${i}`)
const rows = ids.map((i) => ({ id: i, vec: vectors[i], name: names[i], color: i % 3 }))
const vecType = new FixedSizeList(dim, new Field('item', new Float32()))
const table = new Table({
  id: makeVector(BigInt64Array.from(ids, BigInt)),
  vec: makeVector(makeData({ type: vecType, length: rowCount, child: makeData({ type: new Float32(), data: flat }) })),
  name: vectorFromArray(names, new Utf8()),
})

const forms: [string, unknown][] = [
  ['list of rows', rows],
  ['columnar, nested vectors', { id: ids, vec: vectors, name: names }],
  ['columnar, flat Float32Array', { id: ids, vec: flat, name: names }],
  ['list of columns, flat', [ids, flat, names]],
  ['Arrow table', table],
]

function time(label: string, fn: () => void): void {
  fn() // warm-up
  const start = process.hrtime.bigint()
  for (let r = 0; r < rounds; r++) fn()
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / rounds
  const rate = Math.round(rowCount / (ms / 1000)).toLocaleString('en')
  console.log(`${label.padEnd(40)} ${ms.toFixed(1).padStart(7)} ms ${rate.padStart(11)} rows/s`)
}

console.log(`node ${process.version}, ${rowCount} rows × dim ${dim}, mean of ${rounds}`)
for (const [label, data] of forms) time(`normalizeData: ${label}`, () => normalizeData(data, opts))
const batch = normalizeData(rows, opts)
time('batchToRows', () => batchToRows(batch))
