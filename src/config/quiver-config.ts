import { totalmem } from 'node:os'
import { errors } from '../errors/errors.ts'
import type { ConfigValue } from './config-keys.ts'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal'
export type LogFormat = 'auto' | 'text' | 'json'

/** The typed configuration of `quiver serve`, derived from the milvus.yaml-style keys. */
export interface QuiverConfig {
  /** Listen address of the gRPC server and the ops server. */
  readonly host: string
  readonly port: number
  /** Port of /healthz and /metrics. */
  readonly metricsPort: number
  readonly dataDir: string
  readonly authorizationEnabled: boolean
  /** Failed logins a client address may make before it has to wait; 0 = no backoff. */
  readonly loginBackoffFailures: number
  /** Present when tlsMode is 1. */
  readonly tls?: { readonly certPath: string; readonly keyPath: string }
  readonly engine: {
    readonly segmentBytesMax: number
    /** Flushes per second per collection; 0 = unlimited. */
    readonly flushRateMax: number
    /** 0 = no memory budget. */
    readonly memoryBytesMax: number
    readonly autoCompaction: boolean
  }
  readonly log: {
    readonly level: LogLevel
    readonly format: LogFormat
    readonly slowRequestMs: number
  }
}

const MIB = 1024 * 1024

/** Builds the typed config from one value per key (every key present) and checks rules that span keys. */
export function toQuiverConfig(values: ReadonlyMap<string, ConfigValue>, totalMemoryBytes = totalmem()): QuiverConfig {
  const get = (key: string): ConfigValue => {
    const v = values.get(key)
    if (v === undefined) throw new Error(`configuration key ${key} has no value`)
    return v
  }
  const tlsMode = get('common.security.tlsMode')
  const certPath = String(get('tls.serverPemPath'))
  const keyPath = String(get('tls.serverKeyPath'))
  if (tlsMode === 1 && (certPath === '' || keyPath === '')) {
    throw errors.invalid('common.security.tlsMode 1 needs tls.serverPemPath and tls.serverKeyPath', { key: certPath === '' ? 'tls.serverPemPath' : 'tls.serverKeyPath' })
  }
  const flushMax = Number(get('quotaAndLimits.flushRate.collection.max'))
  const memLevel = Number(get('quotaAndLimits.limitWriting.memProtection.dataNodeMemoryHighWaterLevel'))
  const level = String(get('log.level'))
  return {
    host: String(get('proxy.ip')),
    port: Number(get('proxy.port')),
    metricsPort: Number(get('metrics.port')),
    dataDir: String(get('localStorage.path')),
    authorizationEnabled: get('common.security.authorizationEnabled') === true,
    loginBackoffFailures: Math.floor(Number(get('common.security.loginBackoffFailures'))),
    ...(tlsMode === 1 ? { tls: { certPath, keyPath } } : {}),
    engine: {
      segmentBytesMax: Math.max(1, Math.floor(Number(get('dataCoord.segment.maxSize')) * Number(get('dataCoord.segment.sealProportion')) * MIB)),
      flushRateMax: get('quotaAndLimits.flushRate.enabled') === true && flushMax > 0 ? flushMax : 0,
      memoryBytesMax: get('quotaAndLimits.limitWriting.memProtection.enabled') === true ? Math.floor(totalMemoryBytes * memLevel) : 0,
      autoCompaction: get('dataCoord.compaction.enableAutoCompaction') === true,
    },
    log: {
      level: (level === 'panic' ? 'fatal' : level) as LogLevel,
      format: String(get('log.format')) as LogFormat,
      slowRequestMs: Number(get('proxy.slowQuerySpanInSeconds')) * 1000,
    },
  }
}
