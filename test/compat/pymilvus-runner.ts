import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Creating a virtualenv and installing its requirements (needs PyPI). */
export const INSTALL_MS_MAX = 900_000

/** The repository root (the folder holding package.json). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir)
  return dir
}

/** True when `cmd --version` runs. */
export function hasCommand(cmd: string, versionFlag = '--version'): boolean {
  return spawnSync(cmd, [versionFlag], { encoding: 'utf8' }).status === 0
}

/**
 * The interpreter of `venv`, (re)installed with python3 and `pip install -r requirements` unless `probe`
 * imports there and the venv was installed from the same requirements (a stamp file holds their text);
 * `override` (an env var's value) wins when set.
 */
export function pythonVenv(venv: string, requirements: string, probe: string, override?: string): string {
  if (override !== undefined && override !== '') return override
  const py = join(venv, 'bin', 'python')
  const stamp = join(venv, 'quiver-requirements.txt')
  const wanted = readFileSync(requirements, 'utf8')
  const installed = existsSync(stamp) ? readFileSync(stamp, 'utf8') : undefined
  const ready = installed === wanted && existsSync(py) && spawnSync(py, ['-c', probe], { encoding: 'utf8' }).status === 0
  if (ready) return py
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', venv]],
    [py, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements]],
  ]
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: INSTALL_MS_MAX })
    assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`)
  }
  writeFileSync(stamp, wanted)
  return py
}

export interface ChildRun {
  readonly status: number | null
  readonly out: string
}

/**
 * Runs a child asynchronously (this process keeps serving meanwhile), killed by pid after `timeoutMs`;
 * resolves with its exit code and combined output.
 */
export function runChild(cmd: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const append = (b: Buffer) => {
      out += b.toString()
    }
    child.stdout.on('data', append)
    child.stderr.on('data', append)
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, out })
    })
  })
}
