/**
 * Limits of the filter language, each with its unit, each tested at the boundary.
 * Milvus has no documented limits here (its ANTLR parser is bounded by the 64 MiB gRPC message);
 * ours keep every input from exhausting the stack, the heap or the CPU.
 */
export const exprLimits = {
  /** Length of one expression text, in characters (UTF-16 code units). */
  exprLengthCharsMax: 16 * 1024 * 1024,
  /**
   * Nesting depth, in levels: both the parser's recursion (each parenthesis, prefix operator,
   * operand, list element or argument opens a level) and the depth of the syntax tree (where a chain
   * `a or b or c` is one level). Bounds every recursive walk over an expression.
   */
  exprNestingDepthMax: 128,
  /**
   * Operators in one expression, in operators: each comparison (a range `1 < x < 5` is two),
   * `and`/`or` (each occurrence), `not`, `in`/`not in`, `like`, arithmetic, `is null`, `exists` and
   * function call; unary minus and plus are part of their number. Counted by the parser, which stops
   * at the first one too many, so a huge chain is refused after a bounded amount of work. Bounds the
   * size of the plan, and so what the main thread pays to receive a plan compiled on the filter
   * worker (docs/design/0008-request-slicing.md, Filters).
   */
  exprOperatorsMax: 10_000,
  /**
   * Values in the lists of one expression, in values: every `[...]` in its text and every template
   * list it uses (nested lists included) count together, so this bounds one `in` list and the whole
   * expression's. Bounds the worker's compile time and what the main thread pays to receive the
   * plan and build its lookup sets (docs/design/0008-request-slicing.md, Filters).
   */
  inListLengthMax: 100_000,
  /** Length of one integer literal, in characters (a 64-bit binary literal needs 66). */
  integerLiteralCharsMax: 128,
} as const
