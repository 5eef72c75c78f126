// The official Go clients against a real `quiver serve` started here on a free 127.0.0.1 port, address
// passed in QUIVER_ADDRESS: test/compat/go/ (milvusclient v2) and test/compat/go-legacy/ (the older
// milvus-sdk-go/v2 the upsert guide's Go code uses), each a `go test` module pinned by go.mod/go.sum.
// Only a machine without `go` skips, saying so.
import assert from 'node:assert/strict'
import { accessSync, constants, mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { hasCommand, repoRoot, runChild } from './pymilvus-runner.ts'
import { startTestServer } from './server-fixture.ts'

/** Downloading modules (first run), compiling and running the suite. */
const GO_TEST_MS_MAX = 900_000

const root = repoRoot()
const suites = [
  { dir: 'go', what: 'Go SDK (milvus/client/v2)' },
  { dir: 'go-legacy', what: 'legacy Go SDK (milvus-sdk-go/v2)' },
] as const

/** GOPATH/GOCACHE under tmp/ only when the defaults are not writable. */
function goEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' }
  try {
    accessSync(homedir(), constants.W_OK)
  } catch {
    const dir = join(root, 'tmp', 'go')
    mkdirSync(dir, { recursive: true })
    env.GOPATH = join(dir, 'path')
    env.GOCACHE = join(dir, 'cache')
  }
  return env
}

const goMissing = !hasCommand('go', 'version')
if (goMissing) console.log('# Go SDK suite skipped: go is not installed on this machine')

for (const suite of suites) {
  test(`${suite.what} (go test) against quiver serve`, { skip: goMissing ? 'go is not installed' : false, timeout: GO_TEST_MS_MAX + 60_000 }, async () => {
    const env = await startTestServer()
    try {
      const r = await runChild('go', ['test', '-count=1', '-v', './...'], {
        cwd: join(root, 'test', 'compat', suite.dir),
        env: { ...goEnv(), QUIVER_ADDRESS: env.address },
        timeoutMs: GO_TEST_MS_MAX,
      })
      assert.equal(r.status, 0, `go test failed:\n${r.out}`)
      assert.match(r.out, /^ok\s/m)
      assert.doesNotMatch(r.out, /--- FAIL/)
    } finally {
      await env.stop()
    }
  })
}
