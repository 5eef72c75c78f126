#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs'
import { Command } from 'commander'
import { inspectDataDir } from './inspect.ts'
import { type ServeCommandOptions, serveCommand } from './serve.ts'
import { MilvusError } from '../errors/errors.ts'

/** package.json sits two levels up from src/cli/ and three from dist/src/cli/. */
const pkgUrl = ['../../package.json', '../../../package.json'].map((p) => new URL(p, import.meta.url)).find((u) => existsSync(u))
const pkg = JSON.parse(readFileSync(pkgUrl!, 'utf8')) as { version: string }

const program = new Command()
  .name('quiver')
  .description('Quiver: a vector database that behaves like Milvus')
  .version(pkg.version)

program
  .command('inspect')
  .description('recover a data directory and print its collections, partitions and segments as JSON')
  .option('--data <dir>', 'data directory', './quiver-data')
  .action(async (opts: { data: string }) => {
    const report = await inspectDataDir(opts.data)
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  })

program
  .command('serve')
  .description('serve a data directory over the Milvus gRPC protocol (pymilvus, the Node/Go/Java SDKs connect unchanged), with /healthz and /metrics on the metrics port')
  .option('--config <file>', 'YAML configuration in the shape of milvus.yaml (see docs/operations.md)')
  .option('--port <port>', 'gRPC port, proxy.port (default 19530; 0 = any free port)')
  .option('--host <host>', 'address to listen on, proxy.ip (default 127.0.0.1)')
  .option('--data <dir>', 'data directory, localStorage.path (default ./quiver-data; created if missing)')
  .option('--metrics-port <port>', 'port of /healthz and /metrics, metrics.port (default 9091; 0 = any free port)')
  .option('--log-level <level>', 'log.level: debug, info, warn, error, fatal (default info)')
  .action((opts: ServeCommandOptions) => serveCommand(opts, pkg.version))

try {
  await program.parseAsync(process.argv)
} catch (e) {
  // Bad configuration and other refused input: one line naming what is wrong, exit code 2.
  if (!(e instanceof MilvusError)) throw e
  process.stderr.write(`quiver: ${e.message}\n`)
  process.exit(2)
}
