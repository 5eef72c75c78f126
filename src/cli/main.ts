#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs'
import { Command } from 'commander'
import { inspectDataDir } from './inspect.ts'

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

await program.parseAsync(process.argv)
