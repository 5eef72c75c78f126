// Child process of kill.test.ts: a writer that runs a seeded mix of upsert / delete / flush on an
// embedded Quiver and reports each operation before it starts (BEGIN) and once acknowledged (ACK),
// until the parent kills it with SIGKILL.
import { DataType, Quiver } from '../../src/index.ts'
import { rng } from '../support/temp-db.ts'

const [path, seedText] = process.argv.slice(2)
const next = rng(Number(seedText))
const client = await Quiver.open({ path: path!, segmentRowsMax: 200 })
if (!(await client.hasCollection({ collection_name: 'k' })).value) {
  const st = await client.createCollection({
    collection_name: 'k',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'ver', data_type: DataType.Int64 },
      { name: 'v', data_type: DataType.FloatVector, dim: 8 },
    ],
  })
  if (st.code !== 0) throw new Error(st.reason)
}
const k = client.collection('k')
const say = (line: string) => process.stdout.write(`${line}\n`)
say('READY')
for (let op = Number(seedText) * 100000; ; op++) {
  const r = next()
  const keys = [...new Set(Array.from({ length: 1 + Math.floor(next() * 40) }, () => Math.floor(next() * 300)))]
  if (r < 0.75) {
    say(`BEGIN upsert ${op} ${keys.join(',')}`)
    await k.upsert(keys.map((id) => ({ id, ver: op, v: Array(8).fill(op % 7) })))
  } else if (r < 0.95) {
    say(`BEGIN delete ${op} ${keys.join(',')}`)
    await k.delete(keys)
  } else {
    say(`BEGIN flush ${op} -`)
    await k.flush()
  }
  say(`ACK ${op}`)
}
