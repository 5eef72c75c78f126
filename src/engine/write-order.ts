/**
 * Writes to one collection take their timestamps in the order the calls arrived, as Milvus's proxy
 * queues DML tasks: a write that awaits something before it is submitted — a BM25 function on the
 * worker pool, a delete filter compiled off the thread — must not be overtaken by a later write that
 * needs no wait (a small insert computed inline would otherwise land first, and an upsert of the same
 * key would then be overwritten by the older value). Only the submit is ordered: the waits themselves
 * overlap.
 */
export class WriteOrder {
  readonly #tails = new Map<number, Promise<void>>()

  /**
   * Takes the next turn of `collectionId` (call it when the write arrives, synchronously). `ready`
   * resolves once every earlier write of the collection has been submitted or has failed; call `done`
   * right after submitting (or on failure) — `done` is idempotent.
   */
  enter(collectionId: number): { readonly ready: Promise<void>; readonly done: () => void } {
    const ready = this.#tails.get(collectionId) ?? Promise.resolve()
    let release!: () => void
    const mine = new Promise<void>((resolve) => (release = resolve))
    this.#tails.set(collectionId, mine)
    let released = false
    const done = (): void => {
      if (released) return
      released = true
      // Chained after `ready`: a turn never opens before the ones ahead of it closed (a write that
      // fails early still holds back the later ones until the earlier ones are submitted).
      void ready.then(() => {
        release()
        if (this.#tails.get(collectionId) === mine) this.#tails.delete(collectionId)
      })
    }
    return { ready, done }
  }

  /** Collections with a write between arrival and submit (tests). */
  get pending(): number {
    return this.#tails.size
  }
}

const orders = new WeakMap<object, WriteOrder>()

/** The write order of `owner` (one per database). */
export function writeOrderOf(owner: object): WriteOrder {
  let o = orders.get(owner)
  if (o === undefined) {
    o = new WriteOrder()
    orders.set(owner, o)
  }
  return o
}
