// The data-directory lock: a live process's lock is refused (naming its pid), a dead process's lock
// is taken over, the same process may lock again, and release removes only its own lock file.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { isMilvusError } from '../errors/milvus-error.ts'
import { acquireDirLock, LOCK_FILE } from './dir-lock.ts'

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'quiver-lock-'))
  try {
    await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** A pid that surely does not run: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(r.stdout)
}

test('lock, lock again in the same process, release removes the file', () =>
  withDir(async (dir) => {
    const a = await acquireDirLock(dir)
    assert.equal((await readFile(join(dir, LOCK_FILE), 'utf8')).trim(), String(process.pid))
    const b = await acquireDirLock(dir)
    await b.release()
    assert.equal(existsSync(join(dir, LOCK_FILE)), false)
    await a.release()
  }))

test("a live process's lock is refused with its pid", () =>
  withDir(async (dir) => {
    await writeFile(join(dir, LOCK_FILE), `${process.ppid}\n`)
    await assert.rejects(acquireDirLock(dir), (e: unknown) => isMilvusError(e) && e.message.includes(`in use by process ${process.ppid}`))
    assert.equal((await readFile(join(dir, LOCK_FILE), 'utf8')).trim(), String(process.ppid), 'the other lock is untouched')
  }))

test("a dead process's lock (or garbage) is taken over", () =>
  withDir(async (dir) => {
    await writeFile(join(dir, LOCK_FILE), `${deadPid()}\n`)
    const lock = await acquireDirLock(dir)
    assert.equal((await readFile(join(dir, LOCK_FILE), 'utf8')).trim(), String(process.pid))
    await lock.release()
    await writeFile(join(dir, LOCK_FILE), 'not a pid')
    const again = await acquireDirLock(dir)
    await again.release()
  }))
