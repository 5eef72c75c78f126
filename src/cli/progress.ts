import { SingleBar, Presets } from 'cli-progress'

/** A progress display: a bar on a terminal (`cli-progress`), plain lines (at most one a second) otherwise. */
export interface Progress {
  update(done: number, total: number): void
  stop(): void
}

const plainLineMs = 1_000

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY === true) {
    const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} rows | {duration_formatted}`, stream, hideCursor: true }, Presets.shades_classic)
    let started = false
    return {
      update: (done, total) => {
        if (!started) {
          bar.start(Math.max(total, done), done)
          started = true
        }
        bar.setTotal(Math.max(total, done))
        bar.update(done)
      },
      stop: () => bar.stop(),
    }
  }
  let lastMs = 0
  let last = ''
  return {
    update: (done, total) => {
      const line = `${label}: ${done}/${total} rows`
      if (Date.now() - lastMs < plainLineMs || line === last) return
      lastMs = Date.now()
      last = line
      stream.write(`${line}\n`)
    },
    stop: () => undefined,
  }
}
