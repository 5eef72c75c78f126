#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs'
import { Command } from 'commander'
import { inspectDataDir } from './inspect.ts'
import { serveCommand } from './serve.ts'

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
  .description('serve a data directory over the Milvus gRPC protocol (pymilvus, the Node/Go/Java SDKs connect unchanged)')
  .option('--port <port>', 'port to listen on (0 = any free port)', '19530')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--data <dir>', 'data directory (created if missing)', './quiver-data')
  .action((opts: { port: string; host: string; data: string }) => serveCommand(opts, pkg.version))

await program.parseAsync(process.argv)
