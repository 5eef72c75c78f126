import { nativePageDiscarder } from '../index/hnsw-native/native-addon.ts'
import { VectorArena } from '../vector/vector-arena.ts'

/**
 * Opens the process-wide vector arena (idempotent) and lets it give freed pages back to the OS
 * through the native addon (`discardPages`): WebAssembly memory never shrinks, so without it the
 * arena's high-water mark — segments compacted away, interim indexes dropped once the real index is
 * built, vectors moved at seal — would stay resident for the life of the process.
 */
export async function openSharedArena(): Promise<VectorArena> {
  const arena = await VectorArena.init()
  arena.setPageDiscarder(nativePageDiscarder())
  return arena
}
