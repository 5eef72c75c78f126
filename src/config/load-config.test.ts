// loadConfig: defaults < YAML file < QUIVER_* environment < flags, key by key; bad values fail with
// 1100 naming key, value and source; unknown milvus.yaml keys are one warning, not an error.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { configKeys, envVarOf } from './config-keys.ts'
import { loadConfig } from './load-config.ts'

const dir = mkdtempSync(join(tmpdir(), 'quiver-config-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function yamlFile(name: string, text: string): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

const GIB = 1024 ** 3

test('defaults: 127.0.0.1:19530, metrics 9091, ./quiver-data, 64 MiB segments, auth off, info logs', async () => {
  const { config, warnings } = await loadConfig({ totalMemoryBytes: 10 * GIB })
  assert.deepEqual(config, {
    host: '127.0.0.1',
    port: 19530,
    metricsPort: 9091,
    dataDir: './quiver-data',
    authorizationEnabled: false,
    loginBackoffFailures: 5,
    engine: { segmentBytesMax: 64 * 1024 * 1024, flushRateMax: 0, memoryBytesMax: 8 * GIB, autoCompaction: true },
    log: { level: 'info', format: 'auto', slowRequestMs: 5000 },
  })
  assert.deepEqual(warnings, [])
})

test('precedence: file over defaults, environment over file, flags over environment', async () => {
  const file = yamlFile(
    'precedence.yaml',
    ['proxy:', '  port: 19600', '  ip: 0.0.0.0', 'metrics:', '  port: 9100', 'localStorage:', '  path: /srv/q', 'log:', '  level: debug'].join('\n'),
  )
  const env = { QUIVER_PROXY_PORT: '19700', QUIVER_METRICS_PORT: '9200', QUIVER_LOG_LEVEL: 'warn' }
  const flags = { 'proxy.port': '19800', 'localStorage.path': undefined }
  const { config, origins } = await loadConfig({ file, env, flags })
  assert.equal(config.port, 19800)
  assert.equal(origins.get('proxy.port'), 'flag --port')
  assert.equal(config.metricsPort, 9200)
  assert.equal(origins.get('metrics.port'), 'env QUIVER_METRICS_PORT')
  assert.equal(config.log.level, 'warn')
  assert.equal(config.host, '0.0.0.0')
  assert.equal(config.dataDir, '/srv/q')
  assert.equal(origins.get('localStorage.path'), file)
  assert.equal(origins.get('log.format'), 'default')
})

test('engine keys: segment size × seal proportion, flush rate only when enabled, memory fraction, compaction toggle', async () => {
  const file = yamlFile(
    'engine.yaml',
    [
      'dataCoord:',
      '  segment: { maxSize: 100, sealProportion: 0.5 }',
      '  compaction: { enableAutoCompaction: false }',
      'quotaAndLimits:',
      '  flushRate: { enabled: true, collection: { max: 2 } }',
      '  limitWriting: { memProtection: { enabled: true, dataNodeMemoryHighWaterLevel: 0.5 } }',
      'common: { security: { authorizationEnabled: true } }',
      'proxy: { slowQuerySpanInSeconds: 0.25 }',
    ].join('\n'),
  )
  const { config } = await loadConfig({ file, totalMemoryBytes: 4 * GIB })
  assert.deepEqual(config.engine, { segmentBytesMax: 50 * 1024 * 1024, flushRateMax: 2, memoryBytesMax: 2 * GIB, autoCompaction: false })
  assert.equal(config.authorizationEnabled, true)
  assert.equal(config.log.slowRequestMs, 250)
  const off = await loadConfig({ env: { QUIVER_QUOTAANDLIMITS_FLUSHRATE_COLLECTION_MAX: '3', QUIVER_QUOTAANDLIMITS_LIMITWRITING_MEMPROTECTION_ENABLED: 'false' } })
  assert.equal(off.config.engine.flushRateMax, 0)
  assert.equal(off.config.engine.memoryBytesMax, 0)
})

test('TLS: tlsMode 1 with both paths gives tls; without a path it is an error naming the key; 2 is refused', async () => {
  const ok = await loadConfig({ env: { QUIVER_COMMON_SECURITY_TLSMODE: '1', QUIVER_TLS_SERVERPEMPATH: '/c.pem', QUIVER_TLS_SERVERKEYPATH: '/k.pem' } })
  assert.deepEqual(ok.config.tls, { certPath: '/c.pem', keyPath: '/k.pem' })
  await assert.rejects(loadConfig({ env: { QUIVER_COMMON_SECURITY_TLSMODE: '1', QUIVER_TLS_SERVERPEMPATH: '/c.pem' } }), /tls\.serverKeyPath/)
  await assert.rejects(loadConfig({ env: { QUIVER_COMMON_SECURITY_TLSMODE: '2' } }), /expected one of 0, 1.*\[key=common\.security\.tlsMode\]\[value="2"\]/)
})

test('wrong types fail with 1100 naming the key, the value, the source and what was expected', async () => {
  const file = yamlFile('bad-port.yaml', 'proxy:\n  port: nineteen\n')
  await assert.rejects(loadConfig({ file }), (e: unknown) => {
    assert.ok(e instanceof MilvusError)
    assert.equal(e.code, ErrorCode.ParameterInvalid)
    assert.match(e.message, /expected an integer port in \[0, 65535\]/)
    assert.match(e.message, /\[key=proxy\.port\]\[value="nineteen"\]/)
    assert.ok(e.message.includes(`[source=${file}]`))
    return true
  })
  await assert.rejects(loadConfig({ env: { QUIVER_PROXY_PORT: '70000' } }), /\[key=proxy\.port\]\[value="70000"\]\[source=env QUIVER_PROXY_PORT\]/)
  await assert.rejects(loadConfig({ flags: { 'log.level': 'loud' } }), /expected one of debug, info, warn, error, panic, fatal.*\[source=flag --log-level\]/)
  await assert.rejects(loadConfig({ file: yamlFile('bad-bool.yaml', 'common:\n  security:\n    authorizationEnabled: yes please\n') }), /expected true or false/)
  await assert.rejects(loadConfig({ file: yamlFile('bad-map.yaml', 'proxy:\n  port:\n    a: 1\n') }), /\[value=a mapping\]/)
  await assert.rejects(loadConfig({ file: yamlFile('bad-fraction.yaml', 'dataCoord:\n  segment:\n    sealProportion: 0\n') }), /expected a number > 0 and <= 1/)
})

test('unknown keys are one warning naming them; empty values count as unset; files that are not YAML mappings fail', async () => {
  const file = yamlFile('milvus.yaml', ['etcd:', '  endpoints: localhost:2379', 'proxy:', '  ip:', '  port: 19531', '  maxFieldNum: 64', 'minio: { port: 9000 }'].join('\n'))
  const { config, warnings } = await loadConfig({ file })
  assert.equal(config.port, 19531)
  assert.equal(config.host, '127.0.0.1')
  assert.equal(warnings.length, 2)
  assert.match(warnings[0]!, /1 configuration key\(s\) Quiver does not use, ignored: proxy\.maxFieldNum$/)
  // minio.* is not in it: a single node reads bulk-import object keys from that bucket.
  assert.match(warnings[1]!, /cluster keys \(etcd\.endpoints\) are used only by quiver serve --role all/)
  await assert.rejects(loadConfig({ file: yamlFile('list.yaml', '- 1\n- 2\n') }), /must be a YAML mapping/)
  await assert.rejects(loadConfig({ file: yamlFile('broken.yaml', 'proxy: [1,\n') }), /not valid YAML/)
  await assert.rejects(loadConfig({ file: join(dir, 'missing.yaml') }), /cannot be read/)
})

test('every key has an environment variable by the documented rule', () => {
  assert.equal(envVarOf('proxy.port'), 'QUIVER_PROXY_PORT')
  assert.equal(envVarOf('common.security.authorizationEnabled'), 'QUIVER_COMMON_SECURITY_AUTHORIZATIONENABLED')
  assert.equal(new Set(configKeys.map((k) => envVarOf(k.key))).size, configKeys.length)
})
