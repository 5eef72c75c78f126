// The read gate holds releases back exactly while a read that could see the released memory runs:
// at once with no reads, after the last earlier read otherwise, never waiting for later reads.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ReadGate } from './read-gate.ts'

test('no read in flight: a release runs at once', () => {
  const gate = new ReadGate()
  let released = 0
  gate.defer(() => released++)
  assert.equal(released, 1)
  assert.equal(gate.pendingReleases, 0)
})

test('a release waits for every read that entered before it, not for reads that entered after', () => {
  const gate = new ReadGate()
  const log: string[] = []
  const a = gate.enter()
  const b = gate.enter()
  gate.defer(() => log.push('x'))
  const c = gate.enter() // entered after x was retired: cannot see it
  gate.defer(() => log.push('y'))
  gate.exit(a)
  assert.deepEqual(log, [])
  gate.exit(b)
  assert.deepEqual(log, ['x'], 'x waits only for a and b')
  assert.equal(gate.readsInFlight, 1)
  gate.exit(c)
  assert.deepEqual(log, ['x', 'y'])
  assert.equal(gate.pendingReleases, 0)
})

test('a steady stream of overlapping reads does not hold a release forever', () => {
  const gate = new ReadGate()
  let released = false
  let open = gate.enter()
  gate.defer(() => {
    released = true
  })
  for (let i = 0; i < 5; i++) {
    const next = gate.enter()
    gate.exit(open)
    open = next
  }
  assert.equal(released, true)
  gate.exit(open)
})
