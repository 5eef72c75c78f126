import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { LocalFileStore } from '../storage/local-file-store.ts'

/** A fresh store on a temp directory, and a function that removes it. */
export async function openTempStore(prefix: string): Promise<{ store: LocalFileStore; root: string; dispose: () => Promise<void> }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), prefix))
  const store = await LocalFileStore.open(root)
  return { store, root, dispose: () => fs.rm(root, { recursive: true, force: true }) }
}

/** Payload `i` of a test log: `sizeBytes` bytes derived from `i`, so any mix-up shows. */
export function testPayload(i: number, sizeBytes: number): Uint8Array {
  const p = new Uint8Array(sizeBytes)
  for (let j = 0; j < sizeBytes; j++) p[j] = (i * 31 + j * 7) & 0xff
  return p
}
