import type { HandlerTable } from '../handler.ts'
import { okStatus } from '../wire-status.ts'

/** The Node SDK's `ClientTelemetryService`: heartbeats are acknowledged and carry no commands. */
export const telemetryHandlers: HandlerTable = {
  ClientHeartbeat: () => ({ status: okStatus(), server_timestamp: String(Date.now()), commands: [] }),
}
