import type { FileStore } from '../storage/file-store.ts'

/** The tail of each store's queue of gated sections. */
const tails = new WeakMap<FileStore, Promise<void>>()

/**
 * Runs `section` when no other gated section of the same store runs, in call order. Checkpoints write
 * their files and save the manifest naming them inside it, and a garbage collection pass decides and
 * deletes inside it, so the collector never deletes a file a checkpoint is about to reference.
 */
export function withFileGate<T>(store: FileStore, section: () => Promise<T>): Promise<T> {
  const before = tails.get(store) ?? Promise.resolve()
  const run = before.then(section)
  tails.set(store, run.then(() => undefined, () => undefined))
  return run
}
