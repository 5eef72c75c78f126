import { readFile } from 'node:fs/promises'
import { errors } from '../errors/errors.ts'
import { clusterConfigKeys } from './cluster-config-keys.ts'
import { type ConfigValue, configKeys, configKeySpec, envVarOf } from './config-keys.ts'
import { parseConfigValue } from './parse-config-value.ts'
import { type QuiverConfig, toQuiverConfig } from './quiver-config.ts'

export interface ConfigSources {
  /** A milvus.yaml-shaped YAML file. */
  readonly file?: string
  /** Environment variables (`process.env`); only `QUIVER_*` names of supported keys are read. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Command-line values by key (`{ 'proxy.port': '19531' }`); undefined entries are ignored. */
  readonly flags?: Readonly<Record<string, string | number | boolean | undefined>>
  /** RAM size the memory budget is a fraction of (default: this machine's). */
  readonly totalMemoryBytes?: number
  /** True when cluster mode reads the file's cluster keys (`loadClusterConfig`); else they get their own warning. */
  readonly clusterKeysUsed?: boolean
}

export interface LoadedConfig {
  readonly config: QuiverConfig
  /** Which source set each key: `default`, the file path, `env QUIVER_…` or `flag --…`. */
  readonly origins: ReadonlyMap<string, string>
  /** Problems that do not stop the server (unknown keys). */
  readonly warnings: readonly string[]
}

const clusterKeys = new Set(clusterConfigKeys.map((s) => s.key))

/** How many unknown keys a warning names before it says "and N more". */
const UNKNOWN_KEYS_SHOWN_MAX = 20

/**
 * Reads the configuration: defaults < YAML file < environment < flags. Each value is checked where
 * it comes in (1100 naming key, value and source); unknown YAML keys give one warning.
 */
export async function loadConfig(sources: ConfigSources = {}): Promise<LoadedConfig> {
  const values = new Map<string, ConfigValue>(configKeys.map((s) => [s.key, s.default]))
  const origins = new Map<string, string>(configKeys.map((s) => [s.key, 'default']))
  const warnings: string[] = []
  const set = (key: string, raw: unknown, source: string) => {
    const spec = configKeySpec(key)!
    values.set(key, parseConfigValue(spec, raw, source))
    origins.set(key, source)
  }
  if (sources.file !== undefined) {
    const { known, unknown: notServeKeys } = flattenYaml(await readYamlFile(sources.file))
    for (const [key, raw] of known) set(key, raw, sources.file)
    // minio.* also tells a single node where bulk import reads object keys (docs/import-export.md): not ignored.
    const cluster = notServeKeys.filter((k) => clusterKeys.has(k) && !k.startsWith('minio.'))
    const unknown = notServeKeys.filter((k) => !clusterKeys.has(k))
    if (unknown.length > 0) warnings.push(unknownKeysWarning(sources.file, unknown))
    if (cluster.length > 0 && sources.clusterKeysUsed !== true) {
      warnings.push(`${sources.file}: cluster keys (${cluster.join(', ')}) are used only by quiver serve --role all (docs/cluster.md), ignored`)
    }
  }
  for (const spec of configKeys) {
    const name = envVarOf(spec.key)
    const raw = sources.env?.[name]
    if (raw !== undefined && raw !== '') set(spec.key, raw, `env ${name}`)
  }
  for (const [key, raw] of Object.entries(sources.flags ?? {})) {
    const spec = configKeySpec(key)
    if (spec === undefined) throw new Error(`flag for unknown configuration key ${key}`)
    if (raw !== undefined) set(key, raw, `flag ${spec.flag ?? key}`)
  }
  return { config: toQuiverConfig(values, sources.totalMemoryBytes), origins, warnings }
}

export async function readYamlFile(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw errors.invalid(`configuration file cannot be read: ${(e as Error).message}`, { file: path })
  }
  // Loaded only when a file is given (~50 ms of start-up otherwise).
  const { parse: parseYaml } = await import('yaml')
  try {
    return parseYaml(text)
  } catch (e) {
    throw errors.invalid(`configuration file is not valid YAML: ${(e as Error).message}`, { file: path })
  }
}

/**
 * The leaves of a YAML document as dotted keys. Empty values (`ip:`) count as unset, as in
 * Milvus. A supported key given a mapping is kept so its check reports it.
 */
export function flattenYaml(doc: unknown): { known: Map<string, unknown>; unknown: string[] } {
  const known = new Map<string, unknown>()
  const unknown: string[] = []
  const visit = (node: unknown, prefix: string) => {
    if (isMapping(node) && configKeySpec(prefix) === undefined) {
      for (const [k, v] of Object.entries(node)) visit(v, prefix === '' ? k : `${prefix}.${k}`)
      return
    }
    if (node === null || node === undefined) return
    if (configKeySpec(prefix) !== undefined) known.set(prefix, node)
    else unknown.push(prefix)
  }
  if (doc === null || doc === undefined) return { known, unknown }
  if (!isMapping(doc)) throw errors.invalid('configuration file must be a YAML mapping of milvus.yaml sections', { value: typeof doc })
  visit(doc, '')
  return { known, unknown }
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function unknownKeysWarning(file: string, keys: readonly string[]): string {
  const shown = keys.slice(0, UNKNOWN_KEYS_SHOWN_MAX).join(', ')
  const more = keys.length > UNKNOWN_KEYS_SHOWN_MAX ? ` and ${keys.length - UNKNOWN_KEYS_SHOWN_MAX} more` : ''
  return `${file}: ${keys.length} configuration key(s) Quiver does not use, ignored: ${shown}${more}`
}
