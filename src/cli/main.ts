#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs'
import { Command } from 'commander'
import { backupDataDir, restoreDataDir } from './backup.ts'
import { type ExportCommandOptions, exportCommand } from './export-command.ts'
import { type ImportCommandOptions, importCommand } from './import-command.ts'
import { inspectDataDir } from './inspect.ts'
import { inspectCluster } from './inspect-cluster.ts'
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
  .description('recover a data directory and print its collections, partitions and segments as JSON; with --config, describe a cluster read-only: shard owners and epochs, checkpoint vs log tail (lag), segments and bytes in S3')
  .option('--data <dir>', 'data directory', './quiver-data')
  .option('--config <file>', "a cluster's configuration (etcd, minio and natsmq keys, as for quiver serve --role all): inspect the cluster instead of a directory")
  .action(async (opts: { data: string; config?: string }) => {
    const report = opts.config === undefined ? await inspectDataDir(opts.data) : await inspectCluster(opts.config)
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
  .option('--role <role>', 'standalone (default), or all: cluster mode on etcd + S3 + NATS JetStream from the --config keys (docs/cluster.md)')
  .action((opts: ServeCommandOptions) => serveCommand(opts, pkg.version))

program
  .command('import')
  .description('bulk-import JSON, Parquet, CSV or NumPy files (the BulkWriter layouts) into a collection of a data directory no server holds')
  .argument('<collection>')
  .argument('<files...>', 'files; the .npy files of one NumPy batch, or their directory, together')
  .option('--data <dir>', 'data directory', './quiver-data')
  .option('--partition <name>', 'target partition')
  .option('--db <name>', 'database (default: default)')
  .option('--sep <char>', 'CSV field separator (default ,)')
  .option('--nullkey <text>', 'CSV cell text that means null (default: the empty cell)')
  .action(async (collection: string, files: string[], opts: ImportCommandOptions) => {
    process.exitCode = await importCommand(collection, files, opts)
  })

program
  .command('export')
  .description('write the rows of a collection (matching --filter) to a Parquet, JSON-lines or CSV file that `quiver import` reads back')
  .argument('<collection>')
  .option('--data <dir>', 'data directory', './quiver-data')
  .option('--format <format>', 'parquet, jsonl or csv', 'parquet')
  .option('--out <file>', 'output file (default <collection>.<format>)')
  .option('--filter <expr>', 'Milvus filter expression')
  .option('--fields <a,b>', 'output fields (default all, dynamic keys included)')
  .option('--db <name>', 'database (default: default)')
  .action((collection: string, opts: ExportCommandOptions) => exportCommand(collection, opts))

program
  .command('backup')
  .description('copy a data directory, also while a server writes to it, into a new directory: a consistent snapshot holding every write acknowledged before it started')
  .argument('<dir>', 'data directory')
  .argument('<dest>', 'new (missing or empty) directory')
  .action(async (dir: string, dest: string) => {
    const r = await backupDataDir(dir, dest)
    process.stdout.write(`backed up ${r.files} files (${r.bytes} bytes) to ${dest}${r.attempts > 1 ? ` after ${r.attempts} attempts` : ''}\n`)
  })

program
  .command('restore')
  .description('restore a backup into a new data directory (then `quiver serve --data <dir>`)')
  .argument('<backup>', 'a directory written by quiver backup')
  .argument('<dir>', 'new (missing or empty) data directory')
  .action(async (backup: string, dir: string) => {
    const r = await restoreDataDir(backup, dir)
    process.stdout.write(`restored ${r.files} files (${r.bytes} bytes) into ${dir}\n`)
  })

try {
  await program.parseAsync(process.argv)
} catch (e) {
  // Bad configuration and other refused input: one line naming what is wrong, exit code 2.
  if (!(e instanceof MilvusError)) throw e
  process.stderr.write(`quiver: ${e.message}\n`)
  process.exit(2)
}
