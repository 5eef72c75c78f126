import assert from 'node:assert/strict'
import { test } from 'node:test'
import { readGate } from '../common/read-gate.ts'
import { ColumnStore, type VectorAllocator } from './column-store.ts'

/** An allocator that records what it was given back, so the test sees when a chunk is freed. */
function recordingAllocator(): VectorAllocator & { freed: Float32Array[] } {
  const freed: Float32Array[] = []
  return { freed, allocFloat32: (length) => new Float32Array(length), free: (view) => void freed.push(view) }
}

function vectors(rows: number, dim: number, first: number): Float32Array {
  const v = new Float32Array(rows * dim)
  for (let i = 0; i < v.length; i++) v[i] = first + i
  return v
}

test('consolidate keeps growing chunks until the reads that started before the seal end', () => {
  const alloc = recordingAllocator()
  const store = new ColumnStore('floatVector', 2, false, alloc, 4)
  store.append({ kind: 'floatVector', values: vectors(10, 2, 0) } as never)
  const chunks = [...store.chunks]
  assert.equal(chunks.length, 3)
  const epoch = readGate.enter()
  try {
    store.consolidate()
    assert.equal(alloc.freed.length, 0, 'a chunk was freed while a read that may hold it was in flight')
    // The read still sees the values it started with.
    assert.deepEqual([...chunks[2]!.subarray(0, 4)], [16, 17, 18, 19])
  } finally {
    readGate.exit(epoch)
  }
  assert.equal(alloc.freed.length, 3)
  assert.deepEqual(alloc.freed, chunks)
  assert.equal(store.chunks.length, 1)
  assert.deepEqual([...store.chunks[0]!.subarray(16, 20)], [16, 17, 18, 19])
})

test('consolidate frees each chunk at once when no read is in flight', () => {
  const alloc = recordingAllocator()
  const store = new ColumnStore('floatVector', 2, false, alloc, 4)
  store.append({ kind: 'floatVector', values: vectors(6, 2, 0) } as never)
  store.consolidate()
  assert.equal(alloc.freed.length, 2)
  assert.equal(store.rowCount, 6)
})
