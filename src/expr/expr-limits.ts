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
  /** Values in one `in` list or one list argument (`[...]` or a template list), in values. */
  inListLengthMax: 1_000_000,
  /** Length of one integer literal, in characters (a 64-bit binary literal needs 66). */
  integerLiteralCharsMax: 128,
} as const
