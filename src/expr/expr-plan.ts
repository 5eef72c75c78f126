import type { TimeInterval } from '../common/timestamptz.ts'
import type { CompareOp, PathKey } from './expr-node.ts'
import type { LikeMatcher } from './planner/like-pattern.ts'
import type { TermSet } from './planner/term-set.ts'
import type { SpatialRelation } from '../geometry/spatial-op.ts'

/**
 * A type-checked filter, ready to evaluate over columns. Built once per request by `planExpr`;
 * immutable; the prepared lookup structures (`TermSet`, `LikeMatcher`) are shared by every segment.
 *
 * Truth of a predicate on a row is three-valued: true, false, or unknown (a null field). `not` maps
 * unknown to unknown; a row matches only when the whole predicate is true. A missing JSON key, a
 * JSON value of another type or an array index past the end is *not* unknown: such a comparison is
 * false (and `!=` true), as in Milvus.
 */
export interface ExprPlan {
  readonly root: PredicatePlan
  /** Columns the plan reads (`$meta` for dynamic keys), each once. */
  readonly columns: readonly string[]
}

/** What a value is compared as. `json`: a value read from JSON, of any JSON type, or missing. */
export type ValueType = 'int' | 'float' | 'bool' | 'string' | 'json'

/** A constant after folding. Integers are exact (bigint, within Int64). */
export type Scalar =
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }

/** A constant that may also be a list (`[1, [2, 3]]`), as JSON containment takes. */
export type ConstValue = Scalar | { readonly type: 'list'; readonly items: readonly ConstValue[] }

export type ScalarColumnKind = 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'float' | 'double' | 'varchar'

/** Something with a value per row. `type` says how it compares. */
export type ValuePlan =
  /** A scalar field. */
  | { readonly kind: 'column'; readonly column: string; readonly columnKind: ScalarColumnKind; readonly type: ValueType }
  /** The JSON value at `path` in a JSON column (`$meta` for dynamic keys); missing if absent. */
  | { readonly kind: 'jsonPath'; readonly column: string; readonly path: readonly PathKey[]; readonly type: 'json' }
  /** Element `index` of an Array field; missing past the end. */
  | {
      readonly kind: 'arrayElement'
      readonly column: string
      readonly index: number
      readonly elementKind: ScalarColumnKind
      readonly type: ValueType
    }
  /** Length of an Array field, or of the JSON array at `path` (missing if not an array). */
  | { readonly kind: 'arrayLength'; readonly source: ArraySource; readonly type: 'int' }
  /**
   * `operand op constant` (or `constant op operand` when `constantOnLeft`). `int`: exact 64-bit
   * two's-complement arithmetic (`/` truncates, `%` takes the dividend's sign, overflow wraps);
   * `float`: IEEE doubles (JSON operands that are not numbers are missing); `**` is always `float`.
   */
  | {
      readonly kind: 'arith'
      readonly op: ArithPlanOp
      readonly operand: ValuePlan
      readonly constant: Scalar & { readonly type: 'int' | 'float' }
      readonly constantOnLeft: boolean
      readonly type: 'int' | 'float'
    }

export type ArithPlanOp = '+' | '-' | '*' | '/' | '%' | '**'
/** The operators of integer arithmetic (`**` always gives a float). */
export type IntArithOp = Exclude<ArithPlanOp, '**'>

/** Where `array_length` / `array_contains` read an array. */
export type ArraySource =
  | { readonly kind: 'array'; readonly column: string; readonly elementKind: ScalarColumnKind }
  | { readonly kind: 'json'; readonly column: string; readonly path: readonly PathKey[] }

export type PredicatePlan =
  | { readonly kind: 'constant'; readonly value: boolean }
  | { readonly kind: 'logical'; readonly op: 'and' | 'or'; readonly operands: readonly PredicatePlan[] }
  | { readonly kind: 'not'; readonly operand: PredicatePlan }
  /** `value op constant`; the constant already has the value's type (Float fields: rounded to float32). */
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly value: ValuePlan; readonly constant: Scalar }
  /** `left op right`, two scalar fields of comparable types. */
  | { readonly kind: 'compareColumns'; readonly op: CompareOp; readonly left: ValuePlan; readonly right: ValuePlan }
  | { readonly kind: 'in'; readonly value: ValuePlan; readonly set: TermSet }
  | { readonly kind: 'like'; readonly value: ValuePlan; readonly matcher: LikeMatcher }
  /** Column-level null test; never unknown. */
  | { readonly kind: 'isNull'; readonly column: string; readonly nullable: boolean; readonly negated: boolean }
  /** The JSON value at `path` exists and is not JSON null (unknown when the column is null). */
  | { readonly kind: 'exists'; readonly column: string; readonly path: readonly PathKey[] }
  /**
   * `json_contains`/`array_contains` (`one`: `values` has one item), `_all`, `_any`: the array
   * holds the value(s); lists compare element-wise (JSON only).
   */
  | {
      readonly kind: 'contains'
      readonly mode: 'one' | 'all' | 'any'
      readonly source: ArraySource
      readonly values: readonly ConstValue[]
    }
  /**
   * A geometry function on Geometry field `column` (`planner/spatial-functions.ts`): `relation`
   * (`st_contains` ...) with the query geometry `wkt` (canonical), `dwithin` within `distanceM`
   * metres of the query point, `isvalid`. Unknown when the row is null.
   */
  | { readonly kind: 'spatial'; readonly op: SpatialOp; readonly column: string; readonly wkt: string; readonly distanceM: number }
  /**
   * `column ± interval op micros` on Timestamptz field `column` (int64 microseconds), the interval having
   * years or months (a calendar shift per row; `planner/timestamptz-compare.ts`). Unknown when null.
   */
  | { readonly kind: 'timeShift'; readonly column: string; readonly interval: TimeInterval; readonly sign: 1 | -1; readonly op: CompareOp; readonly micros: bigint }
  | TextMatchPlan
  | PhraseMatchPlan

/**
 * `TEXT_MATCH(column, 'query', minimum_should_match=m)`: the row's text, analyzed with the field's
 * analyzer (`analyzer`: its `analyzer_params` as JSON, '' for the default), holds at least
 * `minShouldMatch` (default 1) of the distinct `terms` of the analyzed query. Null rows are unknown.
 */
export interface TextMatchPlan {
  readonly kind: 'textMatch'
  readonly column: string
  readonly analyzer: string
  readonly terms: readonly string[]
  readonly minShouldMatch: number
}

/**
 * `PHRASE_MATCH(column, 'query', slop)`: the analyzed query's `terms` (term i at query position
 * `offsets[i]`) occur in the row within `slop` position moves (`text/text-index.ts` `phraseHolds`).
 */
export interface PhraseMatchPlan {
  readonly kind: 'phraseMatch'
  readonly column: string
  readonly analyzer: string
  readonly terms: readonly string[]
  readonly offsets: readonly number[]
  readonly slop: number
}

/** What a `spatial` predicate tests. */
export type SpatialOp = SpatialRelation | 'dwithin' | 'isvalid'

export type PredicateKind = PredicatePlan['kind']
