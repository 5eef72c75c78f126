// Runs every compiled *.test.js under dist/ with node:test (Node 20 has no glob support in --test).
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? find(p) : p.endsWith('.test.js') ? [p] : []
  })
}

const files = [...find('dist/src'), ...find('dist/test')].sort()
const args = ['--test', '--test-concurrency=2', '--test-timeout=600000', ...process.argv.slice(2), ...files]
const r = spawnSync(process.execPath, args, { stdio: 'inherit' })
process.exit(r.status ?? 1)
