import { createRequire } from 'node:module'
import { pino, type Logger } from 'pino'
import type pinoPrettyModule from 'pino-pretty'
import type { LogFormat, LogLevel } from '../config/quiver-config.ts'

export type { Logger }

export interface LoggerOptions {
  readonly level: LogLevel
  /** json lines, or text (pino-pretty); auto = text when the destination is a terminal. */
  readonly format: LogFormat
  /** Default: stderr (synchronous writes, so nothing is lost at exit). */
  readonly destination?: NodeJS.WritableStream
}

/**
 * Paths never written: passwords (request fields, config) and the gRPC/HTTP `authorization`
 * metadata. Requests are logged by method name only, so these are a second line of defence.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'oldPassword',
  'newPassword',
  'authorization',
  '*.authorization',
  '*.*.authorization',
  'token',
  '*.token',
]

/** The logger of `quiver serve`: pino, JSON lines on stderr, or pretty text on a terminal. */
export function createLogger(opts: LoggerOptions): Logger {
  const destination = opts.destination ?? process.stderr
  const pretty = opts.format === 'text' || (opts.format === 'auto' && (destination as { isTTY?: boolean }).isTTY === true)
  const options = { level: opts.level, base: { name: 'quiver' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }
  if (pretty) {
    const colorize = (destination as { isTTY?: boolean }).isTTY === true
    // Loaded only for text logs (~30 ms of start-up otherwise); a CommonJS module, so synchronously.
    const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof pinoPrettyModule
    const stream = pinoPretty({ destination: destination === process.stderr ? 2 : destination, sync: true, colorize, ignore: 'pid,hostname,name' })
    return pino(options, stream)
  }
  return pino(options, destination === process.stderr ? pino.destination({ dest: 2, sync: true }) : destination)
}

/** The engine's `log(message)` option, through the logger (its messages are operational warnings). */
export function engineLog(logger: Logger): (message: string) => void {
  const child = logger.child({ component: 'engine' })
  return (message) => child.warn(message)
}
