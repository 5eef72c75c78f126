import { errors } from '../../errors/errors.ts'
import { INT64_MAX, INT64_MIN } from '../../schema/data-type.ts'
import type { ArithOp, CompareOp } from '../expr-node.ts'
import { exprLimits } from '../expr-limits.ts'
import type { ConstValue, Scalar } from '../expr-plan.ts'

/** How a constant is named in error messages: `the integer 3`, `the string "a"`, `a list`. */
export function describeConst(c: ConstValue): string {
  switch (c.type) {
    case 'int':
      return `the integer ${c.value}`
    case 'float':
      return `the floating value ${c.value}`
    case 'bool':
      return `the boolean ${c.value}`
    case 'string':
      return `the string ${JSON.stringify(c.value.length > 40 ? `${c.value.slice(0, 40)}…` : c.value)}`
    case 'list':
      return 'a list'
  }
}

export function checkInt64(v: bigint): bigint {
  if (v < INT64_MIN || v > INT64_MAX) throw errors.invalid(`the integer ${v} is out of the Int64 range`)
  return v
}

function checkFinite(v: number, what: string): number {
  if (!Number.isFinite(v)) throw errors.invalid(`${what} overflows: the result is not a finite number`)
  return v
}

/** `-c` and `+c` on a number constant. */
export function foldUnary(op: '-' | '+', c: ConstValue): Scalar {
  if (c.type === 'int') return { type: 'int', value: op === '-' ? -c.value : c.value }
  if (c.type === 'float') return { type: 'float', value: op === '-' ? -c.value : c.value }
  throw errors.invalid(`unary '${op}' needs a number, got ${describeConst(c)}`)
}

/** `a op b` on two number constants: exact Int64 arithmetic on integers, doubles otherwise. */
export function foldArith(op: ArithOp, a: ConstValue, b: ConstValue): Scalar {
  if ((a.type !== 'int' && a.type !== 'float') || (b.type !== 'int' && b.type !== 'float')) {
    const bad = a.type !== 'int' && a.type !== 'float' ? a : b
    throw errors.invalid(`arithmetic operator '${op}' needs numbers, got ${describeConst(bad)}`)
  }
  if ((op === '/' || op === '%') && Number(b.value) === 0) throw errors.invalid('division by zero in the expression')
  if (a.type === 'int' && b.type === 'int') return foldIntArith(op, checkInt64(a.value), checkInt64(b.value))
  const x = Number(a.value)
  const y = Number(b.value)
  const what = `the constant expression ${x} ${op} ${y}`
  switch (op) {
    case '+':
      return { type: 'float', value: checkFinite(x + y, what) }
    case '-':
      return { type: 'float', value: checkFinite(x - y, what) }
    case '*':
      return { type: 'float', value: checkFinite(x * y, what) }
    case '/':
      return { type: 'float', value: checkFinite(x / y, what) }
    case '%':
      return { type: 'float', value: checkFinite(x % y, what) }
    case '**':
      return { type: 'float', value: checkFinite(x ** y, what) }
  }
}

function foldIntArith(op: ArithOp, x: bigint, y: bigint): Scalar {
  const what = `the constant expression ${x} ${op} ${y}`
  let r: bigint
  switch (op) {
    case '+':
      r = x + y
      break
    case '-':
      r = x - y
      break
    case '*':
      r = x * y
      break
    case '/':
      r = x / y
      break
    case '%':
      r = x % y
      break
    case '**':
      if (y < 0n) return { type: 'float', value: checkFinite(Number(x) ** Number(y), what) }
      if (x === 0n || x === 1n) r = y === 0n ? 1n : x
      else if (x === -1n) r = y % 2n === 0n ? 1n : -1n
      else if (y > 63n) throw errors.invalid(`${what} overflows Int64`)
      else r = x ** y
      break
  }
  if (r < INT64_MIN || r > INT64_MAX) throw errors.invalid(`${what} overflows Int64`)
  return { type: 'int', value: r }
}

/** `a op b` on two constants of comparable types; numbers compare exactly across int and float. */
export function foldCompare(op: CompareOp, a: ConstValue, b: ConstValue): boolean {
  const numeric = (a.type === 'int' || a.type === 'float') && (b.type === 'int' || b.type === 'float')
  const same = a.type === b.type && (a.type === 'string' || a.type === 'bool')
  if (!numeric && !same) throw errors.invalid(`cannot compare ${describeConst(a)} with ${describeConst(b)}`)
  if (a.type === 'bool' && op !== '==' && op !== '!=') throw errors.invalid(`booleans support only == and !=, got ${op}`)
  const x = (a as Scalar).value
  const y = (b as Scalar).value
  switch (op) {
    case '==':
      return numeric ? x == y : x === y
    case '!=':
      return numeric ? x != y : x !== y
    case '<':
      return x < y
    case '<=':
      return x <= y
    case '>':
      return x > y
    case '>=':
      return x >= y
  }
}

/**
 * A template value from `params`: a safe integer or bigint → integer, other finite number → float,
 * string, boolean, array → list. Its values (nested lists' too) are added to `listValues`, the
 * expression's count, which may not pass `inListLengthMax`: a list holding one big list many times
 * is refused, not walked.
 */
export function templateConst(name: string, v: unknown, listValues: { count: number } = { count: 0 }): ConstValue {
  return templateValue(name, v, 0, listValues)
}

function badTemplate(name: string, why: string) {
  return errors.invalid(`template variable {${name}}: ${why}`)
}

function templateValue(name: string, v: unknown, depth: number, seen: { count: number }): ConstValue {
  switch (typeof v) {
    case 'bigint':
      return { type: 'int', value: checkInt64(v) }
    case 'number':
      if (Number.isSafeInteger(v)) return { type: 'int', value: BigInt(v) }
      if (!Number.isFinite(v)) throw badTemplate(name, `${v} is not a finite number`)
      return { type: 'float', value: v }
    case 'string':
      return { type: 'string', value: v }
    case 'boolean':
      return { type: 'bool', value: v }
    default: {
      if (!Array.isArray(v)) throw badTemplate(name, v === undefined ? 'no value given in params' : `unsupported value type ${v === null ? 'null' : typeof v}`)
      const max = exprLimits.inListLengthMax
      if (v.length > max) throw badTemplate(name, `the list has ${v.length} values, more than ${max} (inListLengthMax)`)
      seen.count += v.length
      if (seen.count > max) throw badTemplate(name, `the lists of the expression hold more than ${max} values in all (inListLengthMax)`)
      if (depth >= exprLimits.exprNestingDepthMax) throw badTemplate(name, `lists nested deeper than ${exprLimits.exprNestingDepthMax} levels`)
      const items: ConstValue[] = []
      for (let i = 0; i < v.length; i++) items.push(templateValue(name, v[i], depth + 1, seen))
      return { type: 'list', items }
    }
  }
}
