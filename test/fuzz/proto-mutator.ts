import protobuf from 'protobufjs'
import type { FuzzRandom } from './fuzz-random.ts'
import { deepJson, hostileString, INTERESTING_FLOATS, INTERESTING_INTS, LONG_LENGTHS } from './interesting-values.ts'
import { cloneValue, EmbeddedMessage, EXTRAS, type ExtraRecord, isTree, RawField, RepeatedRun, UnpackedList, type WireTree } from './wire-tree.ts'

/** How deep nested messages are built for recursive types (TemplateValue, ScalarField arrays). */
export const MESSAGE_NESTING_DEPTHS: readonly number[] = [10, 100, 1_000, 10_000, 100_000]
/** Repeat counts for "huge repeated field" (the encoder's byte budget refuses what does not fit). */
export const REPEAT_COUNTS: readonly number[] = [1_000, 65_537, 1_000_000]
/** Sub-messages of a tree are walked this deep when choosing where to mutate. */
const SITE_DEPTH_MAX = 10
/** Elements of a repeated message field that are walked (the rest are mutated as a whole). */
const SITE_ELEMENTS_MAX = 6

export interface MutateOptions {
  /** Names a string field may be set to (collections, fields, databases, users of the fuzz world). */
  readonly names: readonly string[]
  /** Paths (`fields_data[1].vectors`) nothing may touch: neither they, what is under them, nor what holds them. */
  readonly frozen?: readonly string[]
  /** At most this many mutations (at least one). */
  readonly mutationsMax?: number
}

export interface Mutated {
  readonly tree: WireTree
  /** One line per mutation: `path: what` (for failure reports). */
  readonly notes: readonly string[]
}

/** A place a mutation can act: a declared field of a message in the tree (present or not), or the message itself (extras). */
interface Site {
  readonly path: string
  readonly type: protobuf.Type
  readonly holder: WireTree
  readonly field: protobuf.Field | undefined
  readonly present: boolean
}

/**
 * Message-level mutation: a copy of `seed` with 1..mutationsMax changes, each at a site chosen over
 * the whole tree (embedded messages included): numbers to their edges, strings hostile or not UTF-8,
 * repeated fields emptied, cut, duplicated or repeated a million times, messages removed, replaced
 * by garbage bytes or nested thousands deep, another member of a oneof set, enums unknown, fields
 * the type does not declare (or with the wrong wire type) added.
 */
export function mutateTree(type: protobuf.Type, seed: WireTree, rnd: FuzzRandom, opts: MutateOptions): Mutated {
  const tree = cloneValue(seed)
  const notes: string[] = []
  const count = rnd.range(1, opts.mutationsMax ?? 3)
  for (let i = 0; i < count; i++) {
    const sites: Site[] = []
    collectSites(type, tree, '', sites, 0)
    const open = sites.filter((s) => !blocked(s.path, opts.frozen ?? []) && !oneofBlocked(s, opts.frozen ?? []))
    if (open.length === 0) break
    const site = rnd.weighted(open.map((s) => [s, s.field === undefined ? 1 : s.present ? 4 : 1] as const))
    notes.push(`${site.path || '<root>'}: ${mutateSite(site, rnd, opts)}`)
  }
  return { tree, notes }
}

/** A member of a oneof whose other member is frozen: setting it would replace the frozen one. */
function oneofBlocked(site: Site, frozen: readonly string[]): boolean {
  const oneof = site.field?.partOf
  if (oneof === null || oneof === undefined || frozen.length === 0) return false
  const parent = site.path.slice(0, site.path.length - site.field!.name.length).replace(/\.$/, '')
  return oneof.fieldsArray.some((m) => blocked(join(parent, m.name), frozen))
}

function blocked(path: string, frozen: readonly string[]): boolean {
  return frozen.some((f) => path === f || isUnder(path, f) || isUnder(f, path))
}

function isUnder(path: string, ancestor: string): boolean {
  if (ancestor === '') return false
  return path.startsWith(`${ancestor}.`) || path.startsWith(`${ancestor}[`)
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`
}

function collectSites(type: protobuf.Type, tree: WireTree, path: string, out: Site[], depth: number): void {
  out.push({ path, type, holder: tree, field: undefined, present: true })
  for (const field of type.fieldsArray) {
    const fp = join(path, field.name)
    const v = tree[field.name]
    out.push({ path: fp, type, holder: tree, field, present: v !== undefined })
    if (v === undefined || depth >= SITE_DEPTH_MAX) continue
    const rt = field.resolvedType
    if (field.map) {
      if (rt instanceof protobuf.Type && isTree(v)) for (const [k, x] of Object.entries(v)) if (isTree(x)) collectSites(rt, x, `${fp}.${k}`, out, depth + 1)
    } else if (field.repeated) {
      if (rt instanceof protobuf.Type && Array.isArray(v)) v.slice(0, SITE_ELEMENTS_MAX).forEach((x, i) => isTree(x) && collectSites(rt, x, `${fp}[${i}]`, out, depth + 1))
    } else if (rt instanceof protobuf.Type && isTree(v)) {
      collectSites(rt, v, fp, out, depth + 1)
    } else if (v instanceof EmbeddedMessage) {
      collectSites(type.root.lookupType(v.typeName), v.tree, fp, out, depth + 1)
    }
  }
}

function mutateSite(site: Site, rnd: FuzzRandom, opts: MutateOptions): string {
  const { field, holder } = site
  if (field === undefined) return addExtra(site.type, holder, rnd)
  if (rnd.chance(0.08)) {
    delete holder[field.name]
    return 'removed'
  }
  if (field.partOf !== null && rnd.chance(0.35)) return switchOneof(field, holder, rnd, opts)
  if (field.map) return mutateMap(field as unknown as protobuf.MapField, holder, rnd, opts)
  if (field.repeated) return mutateRepeated(field, holder, rnd, opts)
  const rt = field.resolvedType
  if (rt instanceof protobuf.Type) return mutateMessageField(field, rt, holder, rnd, opts)
  holder[field.name] = mutateScalar(field.type, rt ?? undefined, holder[field.name], holder, rnd, opts)
  return `= ${describe(holder[field.name])}`
}

/** Sets another member of the field's oneof (and sometimes keeps the present one: both on the wire). */
function switchOneof(field: protobuf.Field, holder: WireTree, rnd: FuzzRandom, opts: MutateOptions): string {
  const members = field.partOf!.fieldsArray
  const other = rnd.pick(members)
  const keepOthers = rnd.chance(0.5)
  if (!keepOthers) for (const m of members) if (m !== other) delete holder[m.name]
  holder[other.name] = freshValue(other, rnd, opts, 0)
  return `oneof ${field.partOf!.name} -> ${other.name}${keepOthers ? ' (others kept)' : ''}`
}

function mutateMap(field: protobuf.MapField, holder: WireTree, rnd: FuzzRandom, opts: MutateOptions): string {
  const current = isTree(holder[field.name]) ? (holder[field.name] as WireTree) : {}
  switch (rnd.int(4)) {
    case 0:
      holder[field.name] = {}
      return 'map emptied'
    case 1: {
      const key = String(hostileKey(rnd, opts))
      holder[field.name] = { ...current, [key]: freshMapValue(field, rnd, opts) }
      return `map key ${describe(key)} added`
    }
    case 2: {
      const entries: WireTree = {}
      const n = rnd.pick([100, 10_000])
      const rt = field.resolvedType
      const value = rt instanceof protobuf.Type ? randomTree(rt, rnd, opts, 1) : mutateScalar(field.type, rt ?? undefined, undefined, {}, rnd, opts)
      for (let i = 0; i < n; i++) entries[`k${i}`] = value
      holder[field.name] = entries
      return `map with ${n} keys`
    }
    default: {
      const keys = Object.keys(current)
      const key = keys.length > 0 ? rnd.pick(keys) : 'k'
      holder[field.name] = { ...current, [key]: freshMapValue(field, rnd, opts) }
      return `map value ${describe(key)} replaced`
    }
  }
}

function hostileKey(rnd: FuzzRandom, opts: MutateOptions): string {
  const s = hostileString(rnd, 'k', opts.names)
  return s instanceof RawField ? Buffer.from(s.bytes).toString('latin1') : s
}

function freshMapValue(field: protobuf.MapField, rnd: FuzzRandom, opts: MutateOptions): unknown {
  const rt = field.resolvedType
  if (rt instanceof protobuf.Type) return rnd.chance(0.3) ? deepMessage(rt, rnd) : randomTree(rt, rnd, opts, 0)
  return mutateScalar(field.type, rt ?? undefined, undefined, {}, rnd, opts)
}

function mutateRepeated(field: protobuf.Field, holder: WireTree, rnd: FuzzRandom, opts: MutateOptions): string {
  const raw = holder[field.name]
  const list: unknown[] = Array.isArray(raw) ? [...raw] : raw === undefined ? [] : [raw]
  const numeric = field.resolvedType === null && field.type !== 'string' && field.type !== 'bytes'
  const op = rnd.int(9)
  if (op === 0 || list.length === 0) {
    if (list.length === 0 || rnd.chance(0.5)) {
      list.push(freshValue(field, rnd, opts, 0))
      holder[field.name] = list
      return 'appended to an empty list'
    }
    holder[field.name] = []
    return 'emptied'
  }
  const i = rnd.int(list.length)
  switch (op) {
    case 1:
      list.splice(i, 1)
      holder[field.name] = list
      return `element ${i} dropped`
    case 2:
      list.splice(i, 0, cloneValue(list[i]))
      holder[field.name] = list
      return `element ${i} duplicated`
    case 3: {
      const n = rnd.pick(REPEAT_COUNTS)
      holder[field.name] = [...list, new RepeatedRun(cloneValue(list[i]), n)]
      return `element ${i} repeated ${n} times`
    }
    case 4:
      list.push(freshValue(field, rnd, opts, 0))
      holder[field.name] = list
      return 'fresh element appended'
    case 5:
      holder[field.name] = numeric ? new UnpackedList(list) : list.reverse()
      return numeric ? 'written unpacked' : 'reversed'
    case 6:
      if (field.resolvedType instanceof protobuf.Type || field.type === 'string' || field.type === 'bytes') {
        list[i] = new RawField(rnd.bytes(rnd.range(1, 24)))
        holder[field.name] = list
        return `element ${i} replaced by garbage bytes`
      }
      list[i] = mutateScalar(field.type, field.resolvedType ?? undefined, list[i], holder, rnd, opts)
      holder[field.name] = list
      return `element ${i} = ${describe(list[i])}`
    default:
      list[i] = field.resolvedType instanceof protobuf.Type ? freshValue(field, rnd, opts, 0) : mutateScalar(field.type, field.resolvedType ?? undefined, list[i], holder, rnd, opts)
      holder[field.name] = list
      return `element ${i} = ${describe(list[i])}`
  }
}

function mutateMessageField(field: protobuf.Field, type: protobuf.Type, holder: WireTree, rnd: FuzzRandom, opts: MutateOptions): string {
  switch (rnd.int(5)) {
    case 0:
      holder[field.name] = {}
      return 'empty message'
    case 1:
      holder[field.name] = new RawField(rnd.bytes(rnd.range(1, 32)))
      return 'garbage bytes'
    case 2:
      holder[field.name] = deepMessage(type, rnd)
      return `nested message (${type.name})`
    default:
      holder[field.name] = randomTree(type, rnd, opts, 0)
      return `fresh ${type.name}`
  }
}

/** A scalar value hostile to its type (`current` is the value it had). */
function mutateScalar(typeName: string, rt: protobuf.ReflectionObject | undefined, current: unknown, holder: WireTree, rnd: FuzzRandom, opts: MutateOptions): unknown {
  if (rt instanceof protobuf.Enum) {
    return rnd.chance(0.5) ? rnd.pick(Object.keys(rt.values)) : rnd.pick([-1, 7, 99, 1000, 2_147_483_647, 4_294_967_295])
  }
  switch (typeName) {
    case 'bool':
      return rnd.chance(0.5) ? current !== true : rnd.pick([2, -1, 4_294_967_295])
    case 'float':
    case 'double':
      return rnd.chance(0.8) ? rnd.pick(INTERESTING_FLOATS) : rnd.float() * 1e6 - 5e5
    case 'string':
      return mutateString(typeof current === 'string' ? current : '', holder, rnd, opts)
    case 'bytes':
      return mutateBytesValue(current, rnd)
    default: {
      // The neighbour of the current value; a current value that is not a number (an earlier mutation
      // may have left an object or a string there) counts as 0 (seed 5150 crashed the fuzzer here).
      if (rnd.chance(0.15) && current !== undefined) return BigInt(/^-?\d+/.exec(String(current))?.[0] ?? 0) + BigInt(rnd.pick([-1, 1]))
      return rnd.pick(INTERESTING_INTS)
    }
  }
}

/** A string made hostile; a KeyValuePair's `params` value also gets deep or broken JSON. */
function mutateString(current: string, holder: WireTree, rnd: FuzzRandom, opts: MutateOptions): string | RawField {
  const jsonish = holder.key === 'params' || current.startsWith('{') || current.startsWith('[')
  if (jsonish && rnd.chance(0.5)) return deepJson(rnd)
  return hostileString(rnd, current, opts.names)
}

function mutateBytesValue(current: unknown, rnd: FuzzRandom): unknown {
  const bytes = current instanceof Uint8Array ? current : new Uint8Array(0)
  switch (rnd.int(7)) {
    case 0:
      return new Uint8Array(0)
    case 1:
      return rnd.bytes(rnd.range(1, 64))
    case 2:
      return bytes.slice(0, Math.max(0, bytes.length - rnd.range(1, 5)))
    case 3:
      return Buffer.concat([bytes, rnd.bytes(rnd.range(1, 7))])
    case 4:
      return new Uint8Array(rnd.pick(LONG_LENGTHS)).fill(rnd.int(256))
    case 5: {
      const out = bytes.slice()
      const i = rnd.int(out.length)
      if (out.length > 0) out[i] = out[i]! ^ (1 << rnd.int(8))
      return out
    }
    default:
      return current instanceof EmbeddedMessage ? new RawField(rnd.bytes(rnd.range(1, 32))) : Buffer.concat([bytes, bytes])
  }
}

/** An extra record: an undeclared field number, or a declared one with another wire type. */
function addExtra(type: protobuf.Type, holder: WireTree, rnd: FuzzRandom): string {
  const declared = type.fieldsArray.map((f) => f.id)
  const known = declared.length > 0 && rnd.chance(0.5)
  const fieldNumber = known ? rnd.pick(declared) : rnd.pick([Math.max(0, ...declared) + 1, 1000, 19_000, 536_870_911])
  const wireType = rnd.pick([0, 1, 2, 5] as const)
  const payload = wireType === 2 ? rnd.bytes(rnd.range(0, 16)) : rnd.pick(INTERESTING_INTS)
  const extras = (Array.isArray(holder[EXTRAS]) ? holder[EXTRAS] : []) as ExtraRecord[]
  holder[EXTRAS] = [...extras, { fieldNumber, wireType, payload }]
  return `extra field ${fieldNumber} wire type ${wireType}`
}

/** A value for a field that was absent: a small random message, an edge scalar, a one-element list. */
function freshValue(field: protobuf.Field, rnd: FuzzRandom, opts: MutateOptions, depth: number): unknown {
  const rt = field.resolvedType
  if (rt instanceof protobuf.Type) return randomTree(rt, rnd, opts, depth + 1)
  if (field.type === 'string') return rnd.chance(0.6) ? rnd.pick(opts.names) : mutateString('', {}, rnd, opts)
  if (field.type === 'bytes') return rnd.bytes(rnd.range(0, 24))
  return mutateScalar(field.type, rt ?? undefined, undefined, {}, rnd, opts)
}

/** A message with a few random fields set (two levels at most). */
export function randomTree(type: protobuf.Type, rnd: FuzzRandom, opts: MutateOptions, depth: number): WireTree {
  const out: WireTree = {}
  if (depth > 2 || type.fieldsArray.length === 0) return out
  const n = rnd.range(1, Math.min(3, type.fieldsArray.length))
  for (let i = 0; i < n; i++) {
    const field = rnd.pick(type.fieldsArray)
    if (field.map) out[field.name] = { k: field.resolvedType instanceof protobuf.Type ? randomTree(field.resolvedType, rnd, opts, depth + 1) : 'v' }
    else if (field.repeated) out[field.name] = [freshValue(field, rnd, opts, depth), freshValue(field, rnd, opts, depth)]
    else out[field.name] = freshValue(field, rnd, opts, depth)
  }
  return out
}

/**
 * The type nested into itself `depth` times where the schema allows it (template arrays of arrays,
 * scalar arrays of arrays), as raw bytes built without recursion; any other type gets field 1
 * nested the same way. The server's decoders descend this, the fuzzer's encoder does not.
 */
export function deepMessage(type: protobuf.Type, rnd: FuzzRandom, depth = rnd.pick(MESSAGE_NESTING_DEPTHS)): RawField {
  switch (type.fullName) {
    case '.milvus.proto.schema.TemplateValue':
      // TemplateValue.array_val(5) → TemplateArrayValue.array_data(5) → TemplateArrayValueArray.data(1) → TemplateArrayValue …
      return new RawField(nestedBytes([5], [5, 1], depth, LONG_DATA_ONE))
    case '.milvus.proto.schema.TemplateArrayValue':
      return new RawField(nestedBytes([], [5, 1], depth, LONG_DATA_ONE))
    case '.milvus.proto.schema.ScalarField':
      // ScalarField.array_data(8) → ArrayArray.data(1) → ScalarField …
      return new RawField(nestedBytes([], [8, 1], depth, INT_DATA_ONE))
    default:
      return new RawField(nestedBytes([], [1], depth, new Uint8Array(0)))
  }
}

/** `long_data { data: [1] }` (TemplateArrayValue field 2 = LongArray, packed). */
const LONG_DATA_ONE = Uint8Array.of(0x12, 0x03, 0x0a, 0x01, 0x01)
/** `int_data { data: [1] }` (ScalarField field 2 = IntArray, packed). */
const INT_DATA_ONE = Uint8Array.of(0x12, 0x03, 0x0a, 0x01, 0x01)

/**
 * Length-delimited fields nested `depth` times (the `cycle` of field numbers repeated, after the
 * `head` ones), around `leaf`. Each level holds only the next, so the bytes are every level's
 * tag and length, outermost first, then the leaf: built from the inside out in O(depth).
 */
export function nestedBytes(head: readonly number[], cycle: readonly number[], depth: number, leaf: Uint8Array): Uint8Array {
  const fields: number[] = [...head]
  for (let i = 0; i < depth; i++) fields.push(...cycle)
  const prefixes: Uint8Array[] = new Array(fields.length)
  let inner = leaf.length
  for (let i = fields.length - 1; i >= 0; i--) {
    const tag = encodeLength((fields[i]! << 3) | 2)
    const len = encodeLength(inner)
    const p = new Uint8Array(tag.length + len.length)
    p.set(tag)
    p.set(len, tag.length)
    prefixes[i] = p
    inner += p.length
  }
  const out = new Uint8Array(inner)
  let at = 0
  for (const p of prefixes) {
    out.set(p, at)
    at += p.length
  }
  out.set(leaf, at)
  return out
}

function encodeLength(n: number): Uint8Array {
  const out: number[] = []
  let x = n
  while (x >= 0x80) {
    out.push((x & 0x7f) | 0x80)
    x = Math.floor(x / 128)
  }
  out.push(x)
  return Uint8Array.from(out)
}

/** A short description of a value for notes (long strings and byte arrays summarised). */
export function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 ? `"${JSON.stringify(v.slice(0, 20)).slice(1, -1)}…" (${v.length} chars)` : JSON.stringify(v)
  if (typeof v === 'bigint') return `${v}`
  if (v instanceof RawField) return `raw ${Buffer.from(v.bytes.subarray(0, 16)).toString('hex')}${v.bytes.length > 16 ? '…' : ''} (${v.bytes.length} bytes)`
  if (v instanceof Uint8Array) return `bytes(${v.length})`
  if (v instanceof RepeatedRun) return `${v.count} × ${describe(v.item)}`
  if (Array.isArray(v)) return `[${v.length} elements]`
  if (v !== null && typeof v === 'object') return '{…}'
  return String(v)
}
