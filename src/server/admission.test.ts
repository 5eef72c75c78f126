// Admission of reads: per-connection and total running caps, round-robin between waiting connections,
// code 8 when a connection's queue is full, and slots given back exactly once.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MilvusError } from '../errors/errors.ts'
import { Admission } from './admission.ts'

test('a connection runs at most runningPerClientMax reads; the next waits for one to end', async () => {
  const a = new Admission({ runningPerClientMax: 2, runningMax: 10, queuedPerClientMax: 10 })
  const r1 = await a.admit('x')
  const r2 = await a.admit('x')
  let third = false
  const p = a.admit('x').then((r) => {
    third = true
    return r
  })
  await new Promise((res) => setImmediate(res))
  assert.equal(third, false)
  assert.deepEqual(a.counts, { running: 2, waiting: 1 })
  r1()
  r1() // a second call gives nothing back twice
  const r3 = await p
  assert.equal(third, true)
  assert.deepEqual(a.counts, { running: 2, waiting: 0 })
  r2()
  r3()
  assert.deepEqual(a.counts, { running: 0, waiting: 0 })
})

test('free slots go round-robin: a connection with many waiting reads does not starve another', async () => {
  const a = new Admission({ runningPerClientMax: 1, runningMax: 1, queuedPerClientMax: 100 })
  const order: string[] = []
  const first = await a.admit('busy')
  const waits = [...['busy', 'busy', 'busy'].map((c) => a.admit(c).then((r) => ({ c, r }))), a.admit('quiet').then((r) => ({ c: 'quiet', r }))]
  let release = first
  for (let i = 0; i < waits.length; i++) {
    release()
    const next = await Promise.race(waits.filter((w) => !order.includes(String(waits.indexOf(w)))).map((w) => w.then((x) => ({ ...x, i: waits.indexOf(w) }))))
    order.push(String(next.i))
    release = next.r
  }
  release()
  // 'quiet' (index 3) is served second, right after one of busy's queued reads.
  assert.equal(order.indexOf('3'), 1, `order ${order.join(',')}`)
})

test('a full queue answers 8 at once', async () => {
  const a = new Admission({ runningPerClientMax: 1, runningMax: 1, queuedPerClientMax: 1 })
  const r = await a.admit('x')
  const waiting = a.admit('x')
  await assert.rejects(a.admit('x'), (e) => e instanceof MilvusError && e.code === 8 && /rate limit exceeded/.test(e.message))
  r()
  ;(await waiting)()
  assert.deepEqual(a.counts, { running: 0, waiting: 0 })
})
