import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const isTs = import.meta.url.endsWith('.ts')
const main = fileURLToPath(new URL(isTs ? '../../src/cli/main.ts' : '../../src/cli/main.js', import.meta.url))
const execArgv = isTs ? ['--import', 'tsx'] : []
/** How long a child may take to print its address. */
const STARTUP_MS_MAX = 60_000

export async function freePort(): Promise<number> {
  const srv = createServer()
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const port = (srv.address() as { port: number }).port
  srv.close()
  await once(srv, 'close')
  return port
}

export interface ServedChild {
  readonly child: ChildProcess
  /** host:port of gRPC and REST. */
  readonly address: string
  /** http://127.0.0.1:<metrics port> (`/healthz`, `/metrics`). */
  readonly opsUrl: string
  readonly stdout: () => string
  readonly stderr: () => string
  /** SIGTERM by pid, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>
}

/** `quiver serve` as a child process on free 127.0.0.1 ports; resolves once it printed where it listens. */
export async function serveChild(dataDir: string, extraArgs: readonly string[] = [], env: NodeJS.ProcessEnv = {}, onOutput?: (text: string) => void): Promise<ServedChild> {
  const port = await freePort()
  const metricsPort = await freePort()
  const args = [...execArgv, main, 'serve', '--host', '127.0.0.1', '--port', String(port), '--metrics-port', String(metricsPort), '--data', dataDir, ...extraArgs]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let out = ''
  let err = ''
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString()
    onOutput?.(b.toString())
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const stop = async (graceMs = 20_000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
    process.kill(child.pid!, 'SIGTERM')
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL')
    }, graceMs)
    const code = await exited
    clearTimeout(timer)
    return code
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`quiver serve did not start within ${STARTUP_MS_MAX} ms: ${err}`))
    }, STARTUP_MS_MAX)
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString()
      onOutput?.(b.toString())
      const m = /serving Milvus gRPC and REST v2 on (\S+)/.exec(out)
      if (m !== null && out.includes('data directory:')) {
        clearTimeout(timer)
        resolve({ child, address: m[1]!, opsUrl: `http://127.0.0.1:${metricsPort}`, stdout: () => out, stderr: () => err, stop })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`quiver serve exited with ${code} before starting: ${err}`))
    })
  })
}
