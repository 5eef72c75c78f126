// The official Java SDK (io.milvus:milvus-sdk-java 2.6.6, MilvusClientV2) against a real `quiver
// serve` started here on a free 127.0.0.1 port, address passed in QUIVER_ADDRESS: test/compat/java/,
// a Maven project run with `mvn test` (JUnit 5): the upsert guide, partitions, indexes, search, query,
// delete and errors. .ci/run installs Maven and the project's dependencies before the tests start
// (`mvn -DskipTests test`), so this run only compiles and tests. Only a machine without `mvn` skips, saying so.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { hasCommand, repoRoot, runChild } from './pymilvus-runner.ts'
import { startTestServer } from './server-fixture.ts'

/** Compiling and running the suite (dependencies come from ~/.m2, filled by .ci/run; a cold cache downloads them). */
const MVN_TEST_MS_MAX = 600_000

const mvnMissing = !hasCommand('mvn', '--version')
if (mvnMissing) console.log('# Java SDK suite skipped: mvn is not installed on this machine (.ci/run installs it)')

test('Java SDK 2.6 (MilvusClientV2, mvn test) against quiver serve', { skip: mvnMissing ? 'mvn is not installed' : false, timeout: MVN_TEST_MS_MAX + 60_000 }, async () => {
  const env = await startTestServer()
  try {
    const r = await runChild('mvn', ['-B', '--no-transfer-progress', 'test'], {
      cwd: join(repoRoot(), 'test', 'compat', 'java'),
      env: { ...process.env, QUIVER_ADDRESS: env.address },
      timeoutMs: MVN_TEST_MS_MAX,
    })
    assert.equal(r.status, 0, `mvn test failed:\n${r.out.slice(-20_000)}`)
    const m = /Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)\s*$/m.exec(r.out)
    assert.ok(m !== null, `no surefire summary in:\n${r.out.slice(-5000)}`)
    assert.deepEqual(m.slice(1).map(Number), [6, 0, 0, 0], 'all six Java tests ran and passed')
  } finally {
    await env.stop()
  }
})
