// Paused work resumes one waiter per event-loop iteration, in FIFO order: with several sliced tasks in
// flight, a timer that is due runs between any two of their slices (a bare setImmediate per pause let
// all of them run back to back in one iteration, holding timers and sockets for the sum).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { awaitTurn, turnsWaiting } from './loop-turns.ts'
import { WorkSlice } from './work-slice.ts'

function busy(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {}
}

test('eight sliced tasks: at most one slice runs between two timer ticks', async () => {
  const events: string[] = []
  let ticking = true
  const tick = () => {
    events.push('tick')
    if (ticking) setTimeout(tick, 0)
  }
  setTimeout(tick, 0)
  const task = async (name: string) => {
    const slice = new WorkSlice(1)
    for (let i = 0; i < 5; i++) {
      busy(2)
      events.push(name)
      if (slice.due()) await slice.pause()
    }
  }
  await Promise.all(Array.from({ length: 8 }, (_, i) => task(`t${i}`)))
  ticking = false
  // Each slice busies the thread 2 ms, longer than a 0 ms (1 ms) timer: the due timer runs in the
  // next iteration's timers phase, before the next paused slice. The first slices of the eight tasks
  // run synchronously here (Promise.all starts them), every later slice came through awaitTurn.
  const firstPaused = events.findIndex((e, i) => i > 0 && e.startsWith('t') && events.slice(0, i).filter((x) => x === e).length > 0)
  assert.ok(firstPaused > 0, 'some task resumed after a pause')
  let run = 0
  let longest = 0
  for (const e of events.slice(events.indexOf('tick', 8))) {
    run = e === 'tick' ? 0 : run + 1
    longest = Math.max(longest, run)
  }
  assert.equal(longest, 1, `slices between two ticks: ${events.join(' ')}`)
  assert.equal(events.filter((e) => e !== 'tick').length, 40)
  assert.equal(turnsWaiting(), 0)
})

test('waiters resume in the order they queued, each in its own iteration', async () => {
  const order: number[] = []
  const immediates: number[] = []
  let iteration = 0
  const counting = setInterval(() => {}, 1)
  const count = () => {
    iteration++
    if (iteration < 50) setImmediate(count)
  }
  setImmediate(count)
  await Promise.all(
    [0, 1, 2, 3].map(async (i) => {
      await awaitTurn()
      order.push(i)
      immediates.push(iteration)
    }),
  )
  clearInterval(counting)
  assert.deepEqual(order, [0, 1, 2, 3])
  for (let i = 1; i < immediates.length; i++) assert.ok(immediates[i]! > immediates[i - 1]!, `iterations ${immediates.join(', ')}`)
})
