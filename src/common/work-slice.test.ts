// A work slice lets other callbacks run once its time is used, and stops the work with 5 once the
// deadline passed or the signal was aborted.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MilvusError } from '../errors/errors.ts'
import { WorkSlice } from './work-slice.ts'

test('due after the slice; pause lets a timer that was ready run', async () => {
  const slice = new WorkSlice(5)
  let ticked = false
  setImmediate(() => {
    ticked = true
  })
  const until = performance.now() + 10
  while (performance.now() < until) {}
  assert.equal(slice.due(), true)
  await slice.pause()
  assert.equal(ticked, true)
  assert.equal(slice.pauses, 1)
  assert.equal(new WorkSlice(60_000).due(), false)
})

test('a passed deadline or an aborted signal ends the work with 5 at the next pause', async () => {
  const late = new WorkSlice(1, Date.now() - 1)
  await assert.rejects(late.pause(), (e) => e instanceof MilvusError && e.code === 5 && /deadline/.test(e.message))
  const ac = new AbortController()
  const cancelled = WorkSlice.of({ signal: ac.signal, timeoutMs: 60_000 })
  cancelled.check()
  ac.abort()
  assert.throws(() => cancelled.check(), (e) => e instanceof MilvusError && e.code === 5 && /cancelled/.test(e.message))
  assert.equal(WorkSlice.of(undefined).deadlineMs, undefined)
})
