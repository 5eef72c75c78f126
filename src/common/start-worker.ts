import { Worker } from 'node:worker_threads'

/**
 * Starts the worker script `name` that sits next to the calling module (`callerUrl` is its
 * `import.meta.url`): the `.js` file when running compiled (dist/), or under tsx the `.ts` file behind
 * a bootstrap that registers tsx in the worker first (Node 20 does not pass the parent's `--import tsx`
 * hooks on to workers).
 */
export function startWorker(callerUrl: string, name: string): Worker {
  const ts = callerUrl.endsWith('.ts')
  const script = new URL(`./${name}${ts ? '.ts' : '.js'}`, callerUrl)
  if (!ts) return new Worker(script)
  const tsxApi = import.meta.resolve('tsx/esm/api')
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(script.href)}) })`
  return new Worker(boot, { eval: true })
}
