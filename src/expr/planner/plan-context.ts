import type { CollectionSchema } from '../../schema/collection-schema.ts'

/** What the planner carries through one `planExpr` call. */
export interface PlanContext {
  readonly schema: CollectionSchema
  readonly params: Readonly<Record<string, unknown>> | undefined
  /** Columns read so far, in first-use order. */
  readonly columns: Set<string>
  /** Values of the lists planned so far, text and template ones (`inListLengthMax`). */
  readonly listValues: { count: number }
}
