import type { CollectionSchema } from '../schema/collection-schema.ts'

/** One array-of-structs field in a read's output: its sub-field columns asked for, with their names inside the struct. */
export interface StructOutput {
  readonly name: string
  /** [column name `struct[sub]`, sub-field name]. */
  readonly members: readonly (readonly [string, string])[]
}

/** The struct fields some of whose sub-field columns are among `fields` (Milvus returns only the sub-fields asked for). */
export function structOutputs(schema: CollectionSchema, fields: ReadonlySet<string>): StructOutput[] {
  const out: StructOutput[] = []
  for (const s of schema.structArrayFields ?? []) {
    const members = s.fieldNames.filter((n) => fields.has(n)).map((n) => [n, schema.fields.find((f) => f.name === n)!.structOf!.subName] as const)
    if (members.length > 0) out.push({ name: s.name, members })
  }
  return out
}

/**
 * Regroups a row's sub-field columns (`items[label]: ['a', 'b']`, `items[order]: [1, 2]`) into the
 * struct list Milvus returns (`items: [{ label: 'a', order: 1 }, { label: 'b', order: 2 }]`).
 */
export function groupStructs(row: Record<string, unknown>, structs: readonly StructOutput[] | undefined): Record<string, unknown> {
  if (structs === undefined) return row
  for (const s of structs) {
    const lists = s.members.map(([col]) => (row[col] ?? []) as unknown[])
    const count = lists.reduce((m, l) => Math.max(m, l.length), 0)
    const elements = new Array<Record<string, unknown>>(count)
    for (let j = 0; j < count; j++) {
      const e: Record<string, unknown> = {}
      s.members.forEach(([, sub], k) => {
        e[sub] = lists[k]![j]
      })
      elements[j] = e
    }
    for (const [col] of s.members) delete row[col]
    row[s.name] = elements
  }
  return row
}
