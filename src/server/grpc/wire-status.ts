import { errorStatus, okStatus, type ResStatus } from '../../engine/sdk/status.ts'
import { ErrorCode, errors, MilvusError } from '../../errors/errors.ts'

/**
 * `common.Status` on the wire: the merr `code` and the legacy `error_code` (by enum name) are both
 * set, since the Node SDK reads only `error_code` and pymilvus reads both.
 */
export type WireStatus = ResStatus

export { okStatus }

/** The status of a failed request: MilvusErrors as they are, anything else as 65535 unexpected. */
export function statusOf(e: unknown): WireStatus {
  if (e instanceof MilvusError) return errorStatus(e)
  return errorStatus(new MilvusError(ErrorCode.Unexpected, e instanceof Error ? e.message : String(e)))
}

/** What an RPC Quiver does not implement answers (code 3000, legacy UnexpectedError). */
export function unsupportedStatus(rpc: string): WireStatus {
  return errorStatus(errors.notSupported(`${rpc} is not supported by Quiver`))
}
