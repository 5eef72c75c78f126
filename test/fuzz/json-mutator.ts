import type { FuzzRandom } from './fuzz-random.ts'
import { deepJson, hostileExpression, hostileString, LONG_LENGTHS } from './interesting-values.ts'
import type { Json } from './rest-seeds.ts'
import { RawField } from './wire-tree.ts'

/** JSON text written as is: numbers JSON.stringify cannot write (1e999, -0, 2^64), broken or deep fragments. */
export class RawJson {
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
}

/** A key written twice in its object (JSON.parse keeps the last). */
export class DuplicateKey {
  readonly key: string
  readonly value: unknown
  constructor(key: string, value: unknown) {
    this.key = key
    this.value = value
  }
}

/** A repeated array element is copied at most up to this many bytes of JSON. */
const REPEAT_BYTES_MAX = 4 * 1024 * 1024

/** The key under which an object lists its duplicate keys (written after its own). */
const DUPLICATES = '\u0000duplicates'

export interface JsonMutateOptions {
  readonly names: readonly string[]
  readonly frozen?: readonly string[]
  readonly forbiddenKeys?: readonly string[]
  readonly mutationsMax?: number
}

type Holder = Record<string, unknown> | unknown[]

interface Site {
  readonly path: string
  readonly holder: Holder | undefined
  readonly key: string | number | undefined
  readonly value: unknown
}

/** Values JSON bodies are fed instead of what they had. */
const HOSTILE_VALUES: readonly (() => unknown)[] = [
  () => null, () => true, () => false, () => 0, () => -1, () => 1.5, () => '', () => [], () => ({}),
  () => new RawJson('1e999'), () => new RawJson('-0'), () => new RawJson('9223372036854775808'), () => new RawJson('18446744073709551616'),
  () => new RawJson('9007199254740993'), () => new RawJson('-9223372036854775809'), () => new RawJson('1.7976931348623157e309'), () => 4_294_967_295, () => 2_147_483_648,
]

const HOSTILE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '\u0000', 'k'.repeat(10_000), '$meta', 'dbName', 'collectionName', 'data', 'filter', 'limit', 'outputFields']

/**
 * Mutates a JSON body: values replaced by edge numbers (including ones JSON.stringify cannot
 * write), hostile strings, the wrong type, deep or huge arrays and objects; keys removed, added
 * (`__proto__`, 10k-character), written twice. Frozen paths and their holders stay as they are.
 */
export function mutateJson(body: Json, rnd: FuzzRandom, opts: JsonMutateOptions): { body: unknown; notes: string[] } {
  let root: unknown = structuredClone(body)
  const notes: string[] = []
  const count = rnd.range(1, opts.mutationsMax ?? 3)
  for (let i = 0; i < count; i++) {
    const sites: Site[] = []
    collect(root, '', undefined, undefined, sites, 0)
    const open = sites.filter((s) => !blocked(s.path, opts.frozen ?? []))
    if (open.length === 0) break
    const site = rnd.pick(open)
    const note = mutateSite(site, rnd, opts)
    if (site.holder === undefined && note.replaced !== undefined) root = note.replaced
    notes.push(`${site.path || '<body>'}: ${note.text}`)
  }
  return { body: root, notes }
}

function blocked(path: string, frozen: readonly string[]): boolean {
  return frozen.some((f) => path === f || under(path, f) || under(f, path))
}

function under(path: string, ancestor: string): boolean {
  if (ancestor === '') return false
  return path.startsWith(`${ancestor}.`) || path.startsWith(`${ancestor}[`)
}

function collect(v: unknown, path: string, holder: Holder | undefined, key: string | number | undefined, out: Site[], depth: number): void {
  out.push({ path, holder, key, value: v })
  if (depth > 8) return
  if (Array.isArray(v)) v.slice(0, 8).forEach((x, i) => collect(x, `${path}[${i}]`, v, i, out, depth + 1))
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) if (k !== DUPLICATES) collect(x, path === '' ? k : `${path}.${k}`, v, k, out, depth + 1)
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof RawJson) && !(v instanceof RawField)
}

function mutateSite(site: Site, rnd: FuzzRandom, opts: JsonMutateOptions): { text: string; replaced?: unknown } {
  const { value } = site
  // The body holds every frozen path: with any, it only gains keys (never forbidden ones).
  if (site.holder === undefined && (opts.frozen ?? []).length > 0) return isObject(value) ? addKey(value, rnd, opts) : { text: 'left' }
  if (isObject(value) && rnd.chance(0.35)) return addKey(value, rnd, opts)
  if (site.holder !== undefined && rnd.chance(0.15)) {
    if (Array.isArray(site.holder)) site.holder.splice(site.key as number, 1)
    else delete site.holder[site.key as string]
    return { text: 'removed' }
  }
  const next = replacement(value, rnd, opts)
  if (site.holder !== undefined) (site.holder as Record<string | number, unknown>)[site.key!] = next
  return { text: `= ${summary(next)}`, replaced: next }
}

function addKey(obj: Record<string, unknown>, rnd: FuzzRandom, opts: JsonMutateOptions): { text: string } {
  const keys = Object.keys(obj).filter((k) => k !== DUPLICATES)
  if (keys.length > 0 && rnd.chance(0.3) && (opts.frozen ?? []).length === 0) {
    const key = rnd.pick(keys)
    const dups = (obj[DUPLICATES] as DuplicateKey[] | undefined) ?? []
    Object.defineProperty(obj, DUPLICATES, { value: [...dups, new DuplicateKey(key, replacement(obj[key], rnd, opts))], enumerable: false, configurable: true, writable: true })
    return { text: `key ${key} written twice` }
  }
  const forbidden = new Set(opts.forbiddenKeys ?? [])
  const key = rnd.chance(0.5) ? rnd.pick(HOSTILE_KEYS) : rnd.pick(opts.names)
  if (forbidden.has(key) || Object.hasOwn(obj, key)) return { text: `key ${summary(key)} not added` }
  Object.defineProperty(obj, key, { value: replacement(undefined, rnd, opts), enumerable: true, configurable: true, writable: true })
  return { text: `key ${summary(key)} added` }
}

/** Something else for `value`: the wrong type, an edge number, a hostile string, deep or huge nesting. */
function replacement(value: unknown, rnd: FuzzRandom, opts: JsonMutateOptions): unknown {
  switch (rnd.int(9)) {
    case 0:
    case 1:
      return rnd.pick(HOSTILE_VALUES)()
    case 2: {
      const s = hostileString(rnd, typeof value === 'string' ? value : JSON.stringify(value) ?? '', opts.names)
      return s instanceof RawField ? new RawJson(`"${Buffer.from(s.bytes).toString('latin1')}\\ud800"`) : s
    }
    case 3:
      return new RawJson(deepJson(rnd))
    case 4:
      return new RawJson(`[${'1,'.repeat(rnd.pick([1_000, 100_000, 1_000_000]))}1]`)
    case 5:
      return typeof value === 'number' ? String(value) : typeof value === 'string' ? Number(value.length) : Array.isArray(value) ? Object.fromEntries(value.map((x, i) => [String(i), x])) : isObject(value) ? Object.values(value) : [value ?? null]
    case 6: {
      if (!Array.isArray(value) || value.length === 0) return hostileExpression(rnd)
      const item = writeJson(value[0])
      const n = Math.min(rnd.pick([2, 1_000, 50_000]), Math.floor(REPEAT_BYTES_MAX / (item.length + 1)))
      return new RawJson(`[${Array.from({ length: Math.max(1, n) }, () => item).join(',')}]`)
    }
    case 7:
      return 'x'.repeat(rnd.pick(LONG_LENGTHS))
    default:
      return typeof value === 'number' ? rnd.pick([value + 1, -value, value * 1e6, Number.MAX_SAFE_INTEGER + 2]) : rnd.pick(opts.names)
  }
}

function summary(v: unknown): string {
  if (v instanceof RawJson) return v.text.length > 40 ? `raw ${JSON.stringify(v.text.slice(0, 20))}… (${v.text.length} chars)` : `raw ${v.text}`
  const text = JSON.stringify(v) ?? String(v)
  return text.length > 40 ? `${text.slice(0, 30)}… (${text.length} chars)` : text
}

/** The body as JSON text, raw fragments and duplicate keys included. */
export function writeJson(v: unknown): string {
  if (v instanceof RawJson) return v.text
  if (v === undefined) return 'null'
  if (Array.isArray(v)) return `[${v.map(writeJson).join(',')}]`
  if (isObject(v)) {
    const parts = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${writeJson(x)}`)
    for (const d of (v[DUPLICATES] as DuplicateKey[] | undefined) ?? []) parts.push(`${JSON.stringify(d.key)}:${writeJson(d.value)}`)
    return `{${parts.join(',')}}`
  }
  return JSON.stringify(v) ?? 'null'
}
