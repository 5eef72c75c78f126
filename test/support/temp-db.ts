import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type OpenOptions, Quiver } from '../../src/index.ts'

/** A fresh data directory under the OS temp dir; `cleanup` removes it. */
export function tempDir(prefix = 'quiver-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) }
}

/** Opens a Quiver on a fresh directory; closes it and removes the directory in `cleanup`. */
export async function openTemp(options: Partial<OpenOptions> = {}): Promise<{ client: Quiver; path: string; reopen: () => Promise<Quiver>; cleanup: () => Promise<void> }> {
  const dir = tempDir()
  let client = await Quiver.open({ path: dir.path, ...options })
  return {
    get client() {
      return client
    },
    path: dir.path,
    reopen: async () => {
      await client.close()
      client = await Quiver.open({ path: dir.path, ...options })
      return client
    },
    cleanup: async () => {
      await client.close()
      dir.cleanup()
    },
  }
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function randomVector(next: () => number, dim: number): number[] {
  return Array.from({ length: dim }, () => next() * 2 - 1)
}
