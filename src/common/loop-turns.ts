/**
 * One waiting piece of work per event-loop iteration.
 *
 * Sliced work (`WorkSlice.pause`, background index warm-ups) gives the loop back with `awaitTurn()`.
 * A bare `setImmediate` per pause would let every paused request resume in the same check phase:
 * with eight reads in flight, one loop iteration ran eight 8 ms slices back to back (64 ms before
 * timers, sockets and `/healthz` were served again). Here waiters queue FIFO and one is resumed per
 * iteration, so an iteration runs at most one slice of sliced work, then timers and I/O run again.
 * Order is round-robin: a request that pauses goes to the back of the queue.
 */

/** Waiters, oldest first: `head` is the next to resume (a ring would save nothing measurable here). */
let waiters: (() => void)[] = []
let head = 0
let scheduled = false

function resumeOne(): void {
  scheduled = false
  const next = waiters[head]
  if (next === undefined) return
  waiters[head] = undefined as unknown as () => void
  head++
  if (head === waiters.length) {
    waiters = []
    head = 0
  } else if (head > 1024 && head * 2 > waiters.length) {
    waiters = waiters.slice(head)
    head = 0
  }
  // Scheduled before the waiter runs: its continuation (a microtask after this callback) cannot
  // resume another waiter in this iteration; an immediate queued now runs in the next one.
  if (head < waiters.length) schedule()
  next()
}

function schedule(): void {
  if (scheduled) return
  scheduled = true
  setImmediate(resumeOne)
}

/** Resolves in a later event-loop iteration, after the waiters queued before it, one per iteration. */
export function awaitTurn(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiters.push(resolve)
    schedule()
  })
}

/** Waiters not yet resumed (tests and metrics). */
export function turnsWaiting(): number {
  return waiters.length - head
}
