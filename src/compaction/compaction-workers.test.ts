// The compaction worker pool: a job's merged file comes back with its rows (vectors decoded in place in
// the worker), the worker is kept for the next job, and an idle worker is terminated after `idleMs`, so
// the buffers its last job left in its heap are given back while compaction is quiet.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createCollectionSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import { heapAllocator } from '../segment/column-store.ts'
import { decodeSegment, encodeSegment } from '../segment/segment-file.ts'
import { Segment, type SegmentId } from '../segment/segment.ts'
import { CompactionWorkers } from './compaction-workers.ts'

const dim = 8
const schema = createCollectionSchema({
  name: 'c',
  fields: [
    { name: 'id', dataType: DataType.Int64, isPrimaryKey: true },
    { name: 'v', dataType: DataType.FloatVector, dim },
  ],
})

async function fileOf(id: number, firstKey: number, rows: number): Promise<Uint8Array> {
  const seg = new Segment(id as SegmentId, 1, schema, heapAllocator)
  const vectors = Float32Array.from({ length: rows * dim }, (_, i) => firstKey + i / 1000)
  const keys = BigInt64Array.from({ length: rows }, (_, i) => BigInt(firstKey + i))
  seg.appendColumns(new Map([['id', { kind: 'int64', values: keys, validBits: null }], ['v', { kind: 'floatVector', dim, values: vectors, validBits: null }]] as never), rows, 5n as never)
  return Buffer.concat(await encodeSegment(seg, rows, seg.insertRuns, 'sealed')())
}

test('a job merges two files; the idle worker is kept, then terminated after idleMs; a later job starts a new one', async () => {
  const workers = new CompactionWorkers(200)
  try {
    const job = async (target: number) =>
      workers.run({
        schema,
        targetId: target,
        partitionId: 1,
        horizon: 10n,
        inputs: [
          { fileBytes: await fileOf(1, 0, 30), path: 'a', deleteStamps: new BigInt64Array(30) },
          { fileBytes: await fileOf(2, 100, 20), path: 'b', deleteStamps: BigInt64Array.from({ length: 20 }, (_, i) => (i < 5 ? 7n : 0n)) },
        ],
        hooks: {},
      })
    const result = await job(3)
    assert.equal(result.rowCount, 45, '5 rows deleted before the horizon are purged')
    const merged = decodeSegment(result.fileBytes, schema, heapAllocator, 'merged')
    const v = merged.column('v')!.values as Float32Array
    assert.equal(v[30 * dim], Math.fround(100 + (5 * dim) / 1000), 'the first surviving row of the second file, vectors intact')
    assert.equal(workers.idleCount, 1, 'the worker is kept for the next job')
    await new Promise((resolve) => setTimeout(resolve, 600))
    assert.equal(workers.idleCount, 0, 'terminated once idle for idleMs')
    assert.equal((await job(4)).rowCount, 45, 'a later job starts a new worker')
  } finally {
    await workers.close()
  }
})
