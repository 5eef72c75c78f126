/**
 * An int64 value on its way to a REST response: a JSON string by default (JavaScript numbers lose
 * precision past 2^53), a bare JSON number when the client sends `Accept-Type-Allow-Int64: true`.
 */
export class Int64Text {
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
}

export function int64(value: unknown): Int64Text {
  return new Int64Text(String(value))
}

/** Marks the bare numbers in the first pass; escaped by JSON.stringify as `\u0000`. */
const MARK = '\u0000int64:'
const MARKED = /"\\u0000int64:(-?\d+)"/g

/** JSON text of a response, rendering every `Int64Text` by the int64 rule. */
export function renderJson(value: unknown, allowInt64: boolean): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Int64Text) return allowInt64 ? MARK + v.text : v.text
    if (typeof v === 'bigint') return allowInt64 ? MARK + v.toString() : v.toString()
    return v
  })
  return allowInt64 ? text.replace(MARKED, '$1') : text
}
