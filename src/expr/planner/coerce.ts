import { errors } from '../../errors/errors.ts'
import type { CompareOp } from '../expr-node.ts'
import type { ConstValue, Scalar, ValuePlan, ValueType } from '../expr-plan.ts'
import { checkInt64, describeConst } from './constant.ts'
import { describeValue, isFloat32 } from './resolve-field.ts'

/** The target of a coercion: a value's type, whether it is float32, and its name for messages. */
export interface CoerceTarget {
  readonly type: ValueType
  readonly float32: boolean
  readonly label: string
}

export function targetOf(v: ValuePlan): CoerceTarget {
  return { type: v.type, float32: isFloat32(v), label: describeValue(v) }
}

/**
 * A constant converted to the type it is compared with, or a 1100 error naming the field and why:
 * integer fields take integers only (as Milvus), floating fields take any number (rounded to float32
 * for Float fields, as Milvus compares in float), strings and booleans take their own type, JSON
 * takes any scalar. Booleans compare with == and != only.
 */
export function coerceScalar(target: CoerceTarget, c: ConstValue, op: CompareOp): Scalar {
  if (c.type === 'list') throw mismatch(target, c)
  if (c.type === 'bool' && op !== '==' && op !== '!=') {
    throw errors.invalid(`booleans support only == and !=, got ${op} with ${target.label}`)
  }
  if (c.type === 'int') checkInt64(c.value)
  switch (target.type) {
    case 'int':
      if (c.type === 'int') return c
      if (c.type === 'float') {
        throw errors.invalid(`cannot compare ${target.label} with ${describeConst(c)}: integer fields take integer values`)
      }
      throw mismatch(target, c)
    case 'float': {
      if (c.type !== 'int' && c.type !== 'float') throw mismatch(target, c)
      const v = Number(c.value)
      return { type: 'float', value: target.float32 ? Math.fround(v) : v }
    }
    case 'bool':
      if (c.type !== 'bool') throw mismatch(target, c)
      return c
    case 'string':
      if (c.type !== 'string') throw mismatch(target, c)
      return c
    case 'json':
      return c
  }
}

function mismatch(target: CoerceTarget, c: ConstValue) {
  return errors.invalid(`cannot compare ${target.label} with ${describeConst(c)}`)
}

/** For JSON containment: lists are allowed (compared element-wise), scalars as `coerceScalar`. */
export function coerceJsonConst(target: CoerceTarget, c: ConstValue): ConstValue {
  if (c.type !== 'list') return coerceScalar(target, c, '==')
  return { type: 'list', items: c.items.map((x) => coerceJsonConst(target, x)) }
}
