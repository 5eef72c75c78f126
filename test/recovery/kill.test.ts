// Crash safety: a child process writes (upsert, delete, flush with segments sealing), is killed with
// SIGKILL at random moments, and the reopened database must equal the acknowledged history exactly,
// or that history plus the whole in-flight operation: nothing acknowledged lost, no half batch.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { Quiver } from '../../src/index.ts'
import { rng, tempDir } from '../support/temp-db.ts'

const ROUNDS = Number(process.env.QUIVER_KILL_ROUNDS ?? 6)
const here = fileURLToPath(import.meta.url)
const child = here.replace(/kill\.test\.(ts|js)$/, 'kill-child.$1')
const execArgv = here.endsWith('.ts') ? ['--import', 'tsx'] : []

type Model = Map<number, number>

function applyOp(model: Model, line: string): void {
  const [, kind, op, keys] = line.split(' ')
  if (kind === 'flush') return
  for (const k of keys!.split(',').map(Number)) {
    if (kind === 'upsert') model.set(k, Number(op))
    else model.delete(k)
  }
}

/** Runs the child until killed after `killAfterMs`; returns its BEGIN/ACK lines. */
function runChild(path: string, seed: number, killAfterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...execArgv, child, path, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let timer: NodeJS.Timeout | undefined
    p.stdout.on('data', (d) => {
      out += d
      if (timer === undefined && out.includes('READY')) timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs)
    })
    p.stderr.on('data', (d) => {
      err += d
    })
    const guard = setTimeout(() => p.kill('SIGKILL'), 60_000)
    p.on('exit', (code, signal) => {
      clearTimeout(guard)
      if (timer !== undefined) clearTimeout(timer)
      if (signal !== 'SIGKILL') reject(new Error(`child exited on its own (code ${code}): ${err}`))
      else resolve(out.split('\n').filter((l) => l.startsWith('BEGIN') || l.startsWith('ACK')))
    })
  })
}

test(`kill -9 at random moments loses nothing acknowledged and never half-applies (${ROUNDS} rounds)`, async () => {
  const dir = tempDir('quiver-kill-')
  const next = rng(7)
  const model: Model = new Map()
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const lines = await runChild(dir.path, round, 150 + Math.floor(next() * 900))
      let inflight: string | undefined
      for (const line of lines) {
        if (line.startsWith('BEGIN')) inflight = line
        else {
          applyOp(model, inflight!)
          inflight = undefined
        }
      }
      const client = await Quiver.open({ path: dir.path })
      try {
        const rows = await client.collection('k').query({ filter: 'id >= 0', outputFields: ['ver'] })
        const actual: Model = new Map(rows.map((r) => [Number(r.id), Number(r.ver)]))
        assert.equal(rows.length, actual.size, 'no key appears twice')
        const withInflight = new Map(model)
        if (inflight !== undefined) applyOp(withInflight, inflight)
        const same = (a: Model, b: Model) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v)
        const ok = same(actual, model) || same(actual, withInflight)
        assert.ok(ok, `round ${round}: state is neither the acknowledged history nor it plus the in-flight op (${inflight})`)
        if (!same(actual, model)) applyOp(model, inflight!)
        assert.equal(await client.collection('k').count(), actual.size, 'count(*) agrees with query')
      } finally {
        await client.close()
      }
    }
  } finally {
    dir.cleanup()
  }
})
