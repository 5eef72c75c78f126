// What `npm pack` ships and what `npm ci` installs: the tarball holds the compiled library and CLI
// and the web console's static files (no compiled tests, benches or test fixtures) and every relative import inside it resolves to a
// file it ships; every package in package-lock.json accepts the oldest Node package.json supports
// (no EBADENGINE warning there).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, posix } from 'node:path'
import { test } from 'node:test'
import { repoRoot } from './compat/pymilvus-runner.ts'

const root = repoRoot()
const require = createRequire(import.meta.url)
const semver = require('semver') as { minVersion(range: string): { version: string }; satisfies(v: string, range: string): boolean }

test('npm pack ships the library and the CLI, no compiled tests, and nothing it ships imports a file left out', () => {
  assert.ok(existsSync(join(root, 'dist', 'src', 'index.js')), 'dist/ is built (npm run build) before this test')
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', timeout: 120_000 })
  assert.equal(r.status, 0, r.stderr)
  const files = new Set((JSON.parse(r.stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path))
  for (const must of ['package.json', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'dist/src/vector/kernels.wasm', 'dist/src/server/webui/assets/index.html', 'dist/src/server/webui/assets/console.js']) {
    assert.ok(files.has(must), `${must} is shipped`)
  }
  const testish = [...files].filter((p) => /\.(test|bench|contract)\.|\/test-[^/]*$|-test-support\.|^dist\/(test|bench|examples)\//.test(p))
  assert.deepEqual(testish, [], 'no compiled tests, benches or fixtures')
  // Every relative import of a shipped module points at a shipped module.
  const missing: string[] = []
  for (const file of files) {
    if (!file.endsWith('.js')) continue
    const text = readFileSync(join(root, file), 'utf8')
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = posix.normalize(posix.join(posix.dirname(file), m[1]!))
      if (!files.has(target)) missing.push(`${file} → ${target}`)
    }
  }
  assert.deepEqual(missing, [])
})

test('every installed package accepts the oldest Node the README supports (no EBADENGINE)', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> }
  const oldest = semver.minVersion(pkg.engines.node).version
  assert.equal(oldest, '20.19.0')
  const refusing = Object.entries(lock.packages)
    .filter(([path, p]) => path !== '' && !Array.isArray(p.engines) && typeof p.engines?.node === 'string' && !semver.satisfies(oldest, p.engines.node))
    .map(([path, p]) => `${path}@${p.version}: node ${(p.engines as { node: string }).node}`)
  assert.deepEqual(refusing, [])
})
