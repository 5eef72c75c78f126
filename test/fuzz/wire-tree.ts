/**
 * A protobuf message as the fuzzer builds and mutates it: a plain object keyed by the .proto field
 * names (snake_case, as the descriptor spells them), whose values may also be the wrappers below,
 * so a mutated request can hold what protobufjs's own `fromObject` would refuse or repair (invalid
 * UTF-8, a wrong wire type, a field number the type does not declare, a million-element repeat).
 * `wire-writer.ts` encodes it against the descriptor's types.
 */
export type WireTree = { [field: string]: unknown }

/** Written as a length-delimited field in place of the field's own encoding: invalid UTF-8, garbage sub-messages. */
export class RawField {
  readonly bytes: Uint8Array
  constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }
}

/** A message carried inside a bytes field (`CreateCollectionRequest.schema`, `SearchRequest.placeholder_group`). */
export class EmbeddedMessage {
  readonly typeName: string
  readonly tree: WireTree
  constructor(typeName: string, tree: WireTree) {
    this.typeName = typeName
    this.tree = tree
  }
}

/** `count` copies of `item` inside a repeated field, without building the array. */
export class RepeatedRun {
  readonly item: unknown
  readonly count: number
  constructor(item: unknown, count: number) {
    this.item = item
    this.count = count
  }
}

/** A repeated numeric field written one record per element instead of packed (decoders must take both). */
export class UnpackedList {
  readonly items: readonly unknown[]
  constructor(items: readonly unknown[]) {
    this.items = items
  }
}

/** A record the type does not declare there: an unknown field number, or a known number with another wire type. */
export interface ExtraRecord {
  readonly fieldNumber: number
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  readonly wireType: 0 | 1 | 2 | 5
  readonly payload: bigint | Uint8Array
}

/** The key under which a tree lists its extra records (appended after the declared fields). */
export const EXTRAS = '__extras'

/** A deep copy; byte arrays and wrappers are copied too, so a mutation never touches the seed. */
export function cloneValue<T>(v: T): T {
  if (v instanceof Uint8Array) return v.slice() as T
  if (Array.isArray(v)) return v.map(cloneValue) as T
  if (v instanceof RawField) return new RawField(v.bytes.slice()) as T
  if (v instanceof EmbeddedMessage) return new EmbeddedMessage(v.typeName, cloneValue(v.tree)) as T
  if (v instanceof RepeatedRun) return new RepeatedRun(cloneValue(v.item), v.count) as T
  if (v instanceof UnpackedList) return new UnpackedList(v.items.map(cloneValue)) as T
  if (v !== null && typeof v === 'object') {
    const out: WireTree = {}
    for (const [k, x] of Object.entries(v)) out[k] = cloneValue(x)
    return out as T
  }
  return v
}

/** True for a plain tree (a message or a map), not a wrapper or a byte array. */
export function isTree(v: unknown): v is WireTree {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof RawField) && !(v instanceof EmbeddedMessage) && !(v instanceof RepeatedRun) && !(v instanceof UnpackedList)
}
