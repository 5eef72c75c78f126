// The scrypt worker thread gives the keys node:crypto gives (same parameters), runs them off libuv's
// thread pool (it answers while every pool thread is held on a FIFO), counts its runs, and refuses once closed.
import assert from 'node:assert/strict'
import { scryptSync } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ScryptThread } from './scrypt-thread.ts'

const params = { cost: 1024, blockSize: 8, parallelization: 1 }
const salt = Buffer.from('0123456789abcdef')

test('same keys as node:crypto; runs counted; pending drains', async () => {
  const thread = new ScryptThread()
  try {
    const keys = await Promise.all(['a', 'b', 'pässwörd'].map((p) => thread.derive(p, salt, params, 32)))
    assert.equal(thread.pendingCount, 0)
    assert.equal(thread.runCount, 3)
    assert.deepEqual(keys[2], scryptSync('pässwörd', salt, 32, { N: 1024, r: 8, p: 1 }))
    assert.notDeepEqual(keys[0], keys[1])
  } finally {
    await thread.close()
  }
})

test('bad parameters reject; the worker keeps serving', async () => {
  const thread = new ScryptThread()
  try {
    await assert.rejects(thread.derive('a', salt, { ...params, cost: 1000 }, 32), /scrypt failed/)
    assert.equal((await thread.derive('a', salt, params, 16)).length, 16)
  } finally {
    await thread.close()
  }
})

test('off libuv\'s thread pool: derives while every pool thread is blocked', { skip: process.platform === 'win32' }, async () => {
  const thread = new ScryptThread()
  const dir = mkdtempSync(join(tmpdir(), 'quiver-scrypt-'))
  try {
    await thread.derive('warm-up', salt, params, 32) // the worker has loaded its modules
    // Opening a FIFO for reading blocks its pool thread until a writer opens it: hold every thread.
    const fifo = join(dir, 'fifo')
    execFileSync('mkfifo', [fifo])
    const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4)
    const held = Array.from({ length: poolSize }, () => open(fifo, 'r'))
    const key = await thread.derive('during', salt, params, 32)
    assert.deepEqual(key, scryptSync('during', salt, 32, { N: 1024, r: 8, p: 1 }))
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)
    for (const h of await Promise.all(held)) await h.close()
    closeSync(writer)
  } finally {
    await thread.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a closed thread refuses', async () => {
  const thread = new ScryptThread()
  await thread.close()
  await assert.rejects(thread.derive('a', salt, params, 32), (e: Error) => (e as { code?: number }).code === 1)
})
