import assert from 'node:assert/strict'

/** For exhaustive switches over `kind` unions: a missing case is a compile error. */
export function assertNever(x: never, what = 'value'): never {
  throw new assert.AssertionError({ message: `unexpected ${what}: ${JSON.stringify(x)}` })
}

export { assert }
