import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const isTs = import.meta.url.endsWith('.ts')
/** The CLI as the tests run it: the sources through tsx, or the compiled dist/ (CI). */
const MAIN = fileURLToPath(new URL(isTs ? '../../src/cli/main.ts' : '../../src/cli/main.js', import.meta.url))
const EXEC_ARGV = isTs ? ['--import', 'tsx'] : []
/** How long `quiver serve` may take to print where it listens (tsx compiles on a busy machine). */
export const STARTUP_MS_MAX = 90_000
/** How long SIGTERM may take before SIGKILL. */
export const STOP_MS_MAX = 20_000
/**
 * The server's V8 heap (MiB): a request that makes it allocate without bound dies in seconds as an
 * out-of-memory crash the harness sees, instead of taking the shared machine's memory.
 */
export const SERVER_HEAP_MB = 1536
/** The tail of the server's output kept for failure reports (characters). */
const OUTPUT_TAIL_MAX = 64 * 1024

/** A running `quiver serve` child process. */
export interface QuiverChild {
  readonly pid: number
  readonly port: number
  readonly opsPort: number
  readonly dataDir: string
  /** True while the process runs. */
  alive(): boolean
  /** How it ended (undefined while alive). */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined
  /** Output lines that report an unexpected error, not yet taken. */
  takeUnexpectedLines(): string[]
  /** The last OUTPUT_TAIL_MAX characters of stdout + stderr. */
  outputTail(): string
  /** SIGTERM by pid (SIGKILL after STOP_MS_MAX); resolves with the exit code; removes the data directory. */
  stop(): Promise<number | null>
}

/** Lines of the server's log that mean a request failed in a way nobody planned for. */
const UNEXPECTED_LINE = /failed unexpectedly|uncaught|unhandled|FATAL ERROR|heap out of memory|Maximum call stack/i

/**
 * Starts `quiver serve` on 127.0.0.1 (free ports for the API and /healthz), authorisation on, over
 * a fresh data directory; resolves once it printed both addresses.
 */
export async function startQuiverChild(): Promise<QuiverChild> {
  const dataDir = mkdtempSync(join(tmpdir(), 'quiver-fuzz-'))
  // Login backoff off: the fuzz client is one address that sends wrong credentials on purpose, and
  // the backoff would then refuse root's own re-verification (its cached login expires every minute).
  const env = { ...process.env, QUIVER_COMMON_SECURITY_AUTHORIZATIONENABLED: 'true', QUIVER_COMMON_SECURITY_LOGINBACKOFFFAILURES: '0', QUIVER_LOG_FORMAT: 'json' }
  const child = spawn(process.execPath, [`--max-old-space-size=${SERVER_HEAP_MB}`, ...EXEC_ARGV, MAIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--log-level', 'warn', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  })
  let tail = ''
  let partial = ''
  const unexpected: string[] = []
  const onOutput = (b: Buffer) => {
    const text = b.toString()
    tail = (tail + text).slice(-OUTPUT_TAIL_MAX)
    const lines = (partial + text).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) if (UNEXPECTED_LINE.test(line)) unexpected.push(line.slice(0, 8_000))
  }
  child.stdout!.on('data', onOutput)
  child.stderr!.on('data', onOutput)
  try {
    const { port, opsPort } = await addressesOf(child, () => tail)
    return handle(child, port, opsPort, dataDir, () => tail, unexpected)
  } catch (e) {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
    throw e
  }
}

function addressesOf(child: ChildProcess, output: () => string): Promise<{ port: number; opsPort: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`quiver serve did not start within ${STARTUP_MS_MAX} ms:\n${output()}`)), STARTUP_MS_MAX)
    const onData = () => {
      const api = /serving Milvus gRPC and REST v2 on [^:\s]+:(\d+)/.exec(output())
      const ops = /health and metrics on http:\/\/[^:\s]+:(\d+)\/healthz/.exec(output())
      if (api === null || ops === null || !output().includes('data directory:')) return
      clearTimeout(timer)
      child.stdout!.off('data', onData)
      child.off('exit', onExit)
      resolve({ port: Number(api[1]), opsPort: Number(ops[1]) })
    }
    const onExit = (code: number | null) => {
      clearTimeout(timer)
      reject(new Error(`quiver serve exited with ${code} before starting:\n${output()}`))
    }
    child.stdout!.on('data', onData)
    child.on('exit', onExit)
  })
}

function handle(child: ChildProcess, port: number, opsPort: number, dataDir: string, tail: () => string, unexpected: string[]): QuiverChild {
  const alive = () => child.exitCode === null && child.signalCode === null
  return {
    pid: child.pid!,
    port,
    opsPort,
    dataDir,
    alive,
    exit: () => (alive() ? undefined : { code: child.exitCode, signal: child.signalCode }),
    takeUnexpectedLines: () => unexpected.splice(0),
    outputTail: tail,
    stop: async () => {
      try {
        if (!alive()) return child.exitCode
        const exited = once(child, 'exit')
        process.kill(child.pid!, 'SIGTERM')
        const timer = setTimeout(() => alive() && process.kill(child.pid!, 'SIGKILL'), STOP_MS_MAX)
        const [code] = (await exited) as [number | null]
        clearTimeout(timer)
        return code
      } finally {
        rmSync(dataDir, { recursive: true, force: true })
      }
    },
  }
}
