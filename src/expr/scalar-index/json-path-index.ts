import { Bitset } from '../../common/bitset.ts'
import type { Column } from '../../column/column.ts'
import type { PathKey } from '../expr-node.ts'
import type { ConstValue, Scalar } from '../expr-plan.ts'
import { resolveJsonPath } from '../kernels/json-path.ts'
import type { TermSet } from '../planner/term-set.ts'
import type { ScalarIndex, ScalarIndexSpec } from './scalar-index-spec.ts'
import { buildScalarIndex } from './scalar-index.ts'
import type { IndexQuery } from './sorted-lookup.ts'

/** Milvus's `json_cast_type` values Quiver builds (upper case; Milvus takes any case). */
export const JsonCastType = {
  BOOL: 'BOOL',
  DOUBLE: 'DOUBLE',
  VARCHAR: 'VARCHAR',
  ARRAY_BOOL: 'ARRAY_BOOL',
  ARRAY_DOUBLE: 'ARRAY_DOUBLE',
  ARRAY_VARCHAR: 'ARRAY_VARCHAR',
} as const
export type JsonCastType = (typeof JsonCastType)[keyof typeof JsonCastType]

/** Where a JSON path index reads: a JSON column (`$meta` for dynamic keys), a path in it, the cast. */
export interface JsonPathTarget {
  readonly column: string
  readonly path: readonly PathKey[]
  readonly castType: JsonCastType
}

/** The JSON type a cast keeps (`typeof`), and whether the value at the path is an array of them. */
function castShape(cast: JsonCastType): { readonly element: 'boolean' | 'number' | 'string'; readonly array: boolean } {
  const array = cast.startsWith('ARRAY_')
  const base = array ? cast.slice('ARRAY_'.length) : cast
  return { element: base === 'BOOL' ? 'boolean' : base === 'DOUBLE' ? 'number' : 'string', array }
}

/**
 * The column a JSON path index is built over: per row the value at `path` when it has the cast's
 * type (for `ARRAY_*`: the elements of that type of the array there), else no entry (validity 0).
 * JSON holds no bigints or NaN (`column/json-value.ts`), so every number is one double.
 */
export function jsonCastColumn(json: Column & { kind: 'json' }, target: JsonPathTarget, rowCount: number): Column {
  const { element, array } = castShape(target.castType)
  const has = new Bitset(rowCount)
  const valueAt = (i: number): unknown => (json.validBits !== null && !json.validBits.get(i) ? undefined : resolveJsonPath(json.values[i], target.path))
  if (array) {
    const values: unknown[][] = []
    for (let i = 0; i < rowCount; i++) {
      const v = valueAt(i)
      if (Array.isArray(v)) {
        has.set(i)
        values.push(v.filter((e) => typeof e === element))
      } else values.push([])
    }
    return { kind: 'array', values, validBits: has }
  }
  if (element === 'string') {
    const values = new Array<string>(rowCount)
    for (let i = 0; i < rowCount; i++) {
      const v = valueAt(i)
      if (typeof v === 'string') has.set(i)
      values[i] = typeof v === 'string' ? v : ''
    }
    return { kind: 'varchar', values, validBits: has }
  }
  if (element === 'boolean') {
    const values = new Uint8Array(rowCount)
    for (let i = 0; i < rowCount; i++) {
      const v = valueAt(i)
      if (typeof v === 'boolean') (has.set(i), (values[i] = v ? 1 : 0))
    }
    return { kind: 'bool', values, validBits: has }
  }
  const values = new Float64Array(rowCount)
  for (let i = 0; i < rowCount; i++) {
    const v = valueAt(i)
    if (typeof v === 'number') (has.set(i), (values[i] = v))
  }
  return { kind: 'double', values, validBits: has }
}

/**
 * A scalar index on the values at one JSON path (Milvus's JSON path index). It wraps the index of
 * the cast column and answers a leaf on that path only where the scan's semantics for JSON values
 * are the index's: constants of the cast's type (integers exactly representable as doubles), `==`/
 * `!=`/`in` on booleans (JSON booleans do not order as 0/1), `array_contains*` on arrays of scalars
 * of that type. Rows without a value of the cast's type hold no entry: the scan finds them false
 * (`!=`: true), which `!=` rebuilds from the JSON column's validity. Anything else: undefined (scan).
 */
export class JsonPathIndex implements ScalarIndex {
  readonly spec: ScalarIndexSpec
  readonly rowCount: number
  /** The JSON column's validity (null JSON rows are unknown, as in the scan). */
  readonly validBits: Bitset | null
  readonly castType: JsonCastType
  private readonly inner: ScalarIndex

  constructor(inner: ScalarIndex, castType: JsonCastType, jsonValidBits: Bitset | null) {
    this.inner = inner
    this.spec = inner.spec
    this.rowCount = inner.rowCount
    this.castType = castType
    this.validBits = jsonValidBits
  }

  get sizeBytes(): number {
    return this.inner.sizeBytes
  }

  static build(spec: ScalarIndexSpec, json: Column & { kind: 'json' }, target: JsonPathTarget, rowCount: number): JsonPathIndex {
    return new JsonPathIndex(buildScalarIndex(spec, jsonCastColumn(json, target, rowCount), rowCount), target.castType, json.validBits)
  }

  lookup(q: IndexQuery): Bitset | undefined {
    const array = this.castType.startsWith('ARRAY_')
    switch (q.kind) {
      case 'compare': {
        if (array || !this.fits(q.constant)) return undefined
        if (this.castType === 'BOOL' && q.op !== '==' && q.op !== '!=') return undefined
        if (q.op !== '!=') return this.inner.lookup(q)
        const equal = this.inner.lookup({ kind: 'compare', op: '==', constant: q.constant })
        if (equal === undefined) return undefined
        const out = this.validBits === null ? Bitset.full(this.rowCount) : this.validBits.clone()
        return out.andNot(equal)
      }
      case 'in':
        // A member of another type may match rows this index has no entry for: scan.
        return array || !onlyOfType(q.set, castShape(this.castType).element) ? undefined : this.inner.lookup(q)
      case 'like':
        return array ? undefined : this.inner.lookup(q)
      case 'contains':
        return array && q.values.every((v) => this.fits(v)) ? this.inner.lookup(q) : undefined
    }
  }

  /** A constant the cast column compares exactly as the JSON scan does. */
  private fits(c: ConstValue): boolean {
    return fitsCast(castShape(this.castType).element, c)
  }

  encode(): Uint8Array[] {
    return this.inner.encode()
  }
}

function fitsCast(element: 'boolean' | 'number' | 'string', c: ConstValue | Scalar): boolean {
  switch (c.type) {
    case 'bool':
      return element === 'boolean'
    case 'string':
      return element === 'string'
    case 'float':
      return element === 'number' && c.value === c.value
    case 'int':
      return element === 'number' && c.value >= -BigInt(Number.MAX_SAFE_INTEGER) && c.value <= BigInt(Number.MAX_SAFE_INTEGER)
    case 'list':
      return false
  }
}

/** Every member of an `in` list has the JSON type `element`. */
function onlyOfType(set: TermSet, element: 'boolean' | 'number' | 'string'): boolean {
  const numbers = set.ints.length + set.floats.length
  if (element === 'number') return set.strings.length === 0 && set.bools.length === 0
  if (element === 'string') return numbers === 0 && set.bools.length === 0
  return numbers === 0 && set.strings.length === 0
}
