import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, join } from 'node:path'

/** How long a server may take to answer its readiness probe. */
const READY_MS_MAX = 30_000
/** Between two readiness probes. */
const PROBE_INTERVAL_MS = 50
/** How much of a server's output is kept for error messages. */
const OUTPUT_CHARS_MAX = 8_000

/** Where CI caches binaries it builds from the Go module proxy (`.ci/run`). */
export const ciBinDir = join(homedir(), '.cache', 'quiver-ci', 'bin')

/**
 * The path of a server binary: `$envVar` if set, else `~/.cache/quiver-ci/bin/<name>`, else `<name>`
 * on PATH; undefined when none exists (the caller skips, printing why).
 */
export function findBinary(name: string, envVar: string): string | undefined {
  const fromEnv = process.env[envVar]
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? fromEnv : undefined
  const cached = join(ciBinDir, name)
  if (existsSync(cached)) return cached
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name)
  }
  return undefined
}

/** The reason a suite skips when a binary is missing; printed so a skip is never silent. */
export function missingBinaryReason(name: string, envVar: string, install: string): string {
  const reason = `${name} not found (set ${envVar}, or put it in ${ciBinDir} or on PATH; .ci/run installs it: ${install})`
  console.warn(`SKIP: ${reason}`)
  return reason
}

export interface ManagedServerSpec {
  /** Shown in errors. */
  readonly name: string
  readonly binary: string
  readonly args: readonly string[]
  /** Resolves true once the server answers; called every 50 ms until `READY_MS_MAX`. */
  readonly ready: () => Promise<boolean>
}

/**
 * A real server process on loopback for tests: started, probed until ready, stopped by its pid
 * (SIGTERM, then SIGKILL after a grace period), killed with SIGKILL, restarted with the same
 * arguments (same ports and data directory).
 */
export class ManagedServer {
  readonly spec: ManagedServerSpec
  #child: ChildProcess | undefined
  #exited: Promise<void> = Promise.resolve()
  #output = ''

  private constructor(spec: ManagedServerSpec) {
    this.spec = spec
  }

  static async start(spec: ManagedServerSpec): Promise<ManagedServer> {
    const server = new ManagedServer(spec)
    await server.restart()
    return server
  }

  get pid(): number | undefined {
    return this.#child?.pid
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null
  }

  /** The last output (stdout and stderr interleaved). */
  get output(): string {
    return this.#output
  }

  /** Starts the process again (it must be stopped) and waits until it is ready. */
  async restart(): Promise<void> {
    if (this.running) throw new Error(`${this.spec.name} is already running (pid ${this.pid})`)
    const child = spawn(this.spec.binary, this.spec.args, { stdio: ['ignore', 'pipe', 'pipe'] })
    this.#child = child
    const keep = (b: Buffer) => {
      this.#output = (this.#output + b.toString()).slice(-OUTPUT_CHARS_MAX)
    }
    child.stdout!.on('data', keep)
    child.stderr!.on('data', keep)
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()))
    child.once('error', (e) => keep(Buffer.from(`spawn error: ${e.message}\n`)))
    live.add(this)
    const deadline = Date.now() + READY_MS_MAX
    for (;;) {
      if (!this.running) throw new Error(`${this.spec.name} exited before it was ready (code ${child.exitCode}): ${this.#output}`)
      if (await this.spec.ready().catch(() => false)) return
      if (Date.now() > deadline) {
        await this.kill()
        throw new Error(`${this.spec.name} was not ready within ${READY_MS_MAX} ms: ${this.#output}`)
      }
      await sleep(PROBE_INTERVAL_MS)
    }
  }

  /** SIGTERM by pid, SIGKILL after `graceMs`; resolves once the process exited. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.#child
    if (child === undefined || !this.running) return
    process.kill(child.pid!, 'SIGTERM')
    const timer = setTimeout(() => {
      if (this.running) process.kill(child.pid!, 'SIGKILL')
    }, graceMs)
    await this.#exited
    clearTimeout(timer)
    live.delete(this)
  }

  /** SIGKILL by pid (a crash); resolves once the process exited. */
  async kill(): Promise<void> {
    const child = this.#child
    if (child === undefined || !this.running) return
    process.kill(child.pid!, 'SIGKILL')
    await this.#exited
    live.delete(this)
  }

  /** SIGSTOP: the process stays but answers nothing (a hung server); `resume` undoes it. */
  pause(): void {
    if (this.running) process.kill(this.#child!.pid!, 'SIGSTOP')
  }

  resume(): void {
    if (this.running) process.kill(this.#child!.pid!, 'SIGCONT')
  }
}

/** Servers still running: killed by pid if the test process exits without stopping them. */
const live = new Set<ManagedServer>()
process.once('exit', () => {
  for (const s of live) {
    const pid = s.pid
    if (pid !== undefined && s.running) {
      try {
        process.kill(pid, 'SIGCONT')
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
  }
})

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** True once `url` answers any HTTP status (`okStatus` given: that status only). */
export async function httpAnswers(url: string, okStatus?: number): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1_000) })
  await res.arrayBuffer()
  return okStatus === undefined || res.status === okStatus
}
