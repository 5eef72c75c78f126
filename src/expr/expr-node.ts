/**
 * The syntax tree of a filter expression, as the parser produces it (before type checking).
 * Every node keeps `offset`, the 0-based character position of its first token, for error messages.
 * Spellings are normalised: `&&`/`AND` → `and`, `!`/`NOT` → `not`, keywords to lower case.
 */
export type ExprNode =
  | IntegerNode
  | FloatNode
  | BoolNode
  | StringNode
  | ListNode
  | FieldNode
  | TemplateNode
  | UnaryNode
  | ArithNode
  | CompareNode
  | RangeNode
  | InNode
  | LikeNode
  | LogicalNode
  | IsNullNode
  | ExistsNode
  | CallNode

export type ExprKind = ExprNode['kind']

/** Integer literal, always ≥ 0 (a minus sign is a `unary` node); exact. */
export interface IntegerNode {
  readonly kind: 'integer'
  readonly value: bigint
  readonly offset: number
}

/** Floating literal, always finite and ≥ 0. */
export interface FloatNode {
  readonly kind: 'float'
  readonly value: number
  readonly offset: number
}

export interface BoolNode {
  readonly kind: 'bool'
  readonly value: boolean
  readonly offset: number
}

/** String literal with escapes decoded (unknown escapes such as `\%` keep their backslash). */
export interface StringNode {
  readonly kind: 'string'
  readonly value: string
  readonly offset: number
}

export interface ListNode {
  readonly kind: 'list'
  readonly items: readonly ExprNode[]
  readonly offset: number
}

/** A path step: a JSON object key or an array index. */
export type PathKey = string | number

/**
 * A field reference: `age`, `$meta`, `meta["a"]["b"]`, `tags[0]`. `name` is the field (or `$meta`,
 * or a dynamic key); `path` the `[...]` steps after it.
 */
export interface FieldNode {
  readonly kind: 'field'
  readonly name: string
  readonly path: readonly PathKey[]
  readonly offset: number
}

/** `{name}`: a value taken from the request's params. */
export interface TemplateNode {
  readonly kind: 'template'
  readonly name: string
  readonly offset: number
}

export type UnaryOp = '-' | '+' | 'not'

export interface UnaryNode {
  readonly kind: 'unary'
  readonly op: UnaryOp
  readonly operand: ExprNode
  readonly offset: number
}

export type ArithOp = '+' | '-' | '*' | '/' | '%' | '**'

export interface ArithNode {
  readonly kind: 'arith'
  readonly op: ArithOp
  readonly left: ExprNode
  readonly right: ExprNode
  readonly offset: number
}

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>='

export interface CompareNode {
  readonly kind: 'compare'
  readonly op: CompareOp
  readonly left: ExprNode
  readonly right: ExprNode
  readonly offset: number
}

/** `lower op1 field op2 upper`, both ops in {<, <=} or both in {>, >=} (Milvus's range forms). */
export interface RangeNode {
  readonly kind: 'range'
  readonly lower: ExprNode
  readonly lowerOp: '<' | '<=' | '>' | '>='
  readonly field: FieldNode
  readonly upperOp: '<' | '<=' | '>' | '>='
  readonly upper: ExprNode
  readonly offset: number
}

export interface InNode {
  readonly kind: 'in'
  readonly negated: boolean
  readonly left: ExprNode
  readonly right: ExprNode
  readonly offset: number
}

export interface LikeNode {
  readonly kind: 'like'
  readonly left: ExprNode
  readonly pattern: ExprNode
  readonly offset: number
}

/** `a and b and c` is one node with three operands; a parenthesised chain stays its own node. */
export interface LogicalNode {
  readonly kind: 'logical'
  readonly op: 'and' | 'or'
  readonly operands: readonly ExprNode[]
  readonly offset: number
}

export interface IsNullNode {
  readonly kind: 'isNull'
  readonly negated: boolean
  readonly operand: FieldNode
  readonly offset: number
}

export interface ExistsNode {
  readonly kind: 'exists'
  readonly operand: ExprNode
  readonly offset: number
}

/** `name(args)`; the known functions' names are lower-cased (`JSON_CONTAINS` → `json_contains`). */
export interface CallNode {
  readonly kind: 'call'
  readonly name: string
  readonly args: readonly ExprNode[]
  /** `name=value` arguments after the positional ones (`minimum_should_match=2`); absent when none. */
  readonly named?: readonly { readonly name: string; readonly value: ExprNode }[]
  readonly offset: number
}
