import type { ResStatus } from '../../engine/sdk/status.ts'

/** A failed facade call: its status's code and reason, carried to the envelope unchanged. */
export class RestFailure extends Error {
  readonly code: number
  constructor(code: number, message: string) {
    super(message)
    this.code = code
  }
}

/** The result of a facade call that succeeded; a failed one throws its status as a RestFailure. */
export function expectOk<T extends { status: ResStatus }>(result: T): T {
  expectOkStatus(result.status)
  return result
}

export function expectOkStatus(status: ResStatus): void {
  if (status.code !== 0) throw new RestFailure(status.code, status.reason)
}
