import { assert } from '../common/assert.ts'
import type { MilvusError } from '../errors/errors.ts'
import { fsError } from './fs-call.ts'

/** The operations `FaultFileStore` counts and can fault: `FileStore` methods and `AppendFile` methods. */
export const faultOps = [
  'readFile',
  'writeFile',
  'writeFileAtomic',
  'openAppend',
  'list',
  'exists',
  'remove',
  'removeDir',
  'mkdirp',
  'size',
  'syncDir',
  'append',
  'sync',
  'truncate',
  'close',
] as const
export type FaultOp = (typeof faultOps)[number]

/**
 * - `fail`: the operation throws an io error and changes nothing.
 * - `tear`: a write stores only a seeded prefix of its bytes (nothing durable), then throws.
 * - `syncFail`: a sync throws; the data written stays in the file but is not durable.
 * - `diskFull`: this write and every later one throws ENOSPC until `freeSpace()`; the first
 *   stores a seeded prefix, as a writev that filled the disk would.
 * - `crash`: from this operation on nothing reaches the disk: mutations resolve without effect.
 */
export type FaultKind = 'fail' | 'tear' | 'syncFail' | 'diskFull' | 'crash'

export interface Fault {
  readonly kind: FaultKind
  /** Fires at the `at`-th matching operation (1-based) counted from when the fault was armed. */
  readonly at: number
  /** Operations that count; default `defaultOpsOf(kind)`. */
  readonly ops?: readonly FaultOp[]
  /** Only operations on paths starting with this (`wal/`, `segments/`, `manifest.json`). */
  readonly pathPrefix?: string
  /** OS code of the injected error (default EIO; always ENOSPC for `diskFull`). */
  readonly osCode?: string
}

/** A fault that fired: what, where, and at which operation of the store (1-based, all operations). */
export interface FiredFault {
  readonly kind: FaultKind
  readonly op: FaultOp
  readonly path: string
  readonly opIndex: number
}

/** Writes: the operations that put bytes in files. */
export const writeOps: readonly FaultOp[] = ['append', 'writeFile', 'writeFileAtomic']
/** Operations that make data durable (`writeFile` and `writeFileAtomic` fsync inside). */
export const syncOps: readonly FaultOp[] = ['sync', 'syncDir', 'writeFile', 'writeFileAtomic']
/** Operations that change the directory tree or file contents. */
export const mutatingOps: readonly FaultOp[] = [
  'writeFile',
  'writeFileAtomic',
  'openAppend',
  'remove',
  'removeDir',
  'mkdirp',
  'syncDir',
  'append',
  'sync',
  'truncate',
]

const allowedOps: Record<FaultKind, readonly FaultOp[]> = {
  fail: faultOps.filter((op) => op !== 'close'),
  tear: writeOps,
  syncFail: syncOps,
  diskFull: writeOps,
  crash: mutatingOps,
}

/** The operations a fault of `kind` counts when it names none. */
export function defaultOpsOf(kind: FaultKind): readonly FaultOp[] {
  return kind === 'fail' ? mutatingOps : allowedOps[kind]
}

/** A fault waiting for its operation. */
export class ArmedFault {
  readonly fault: Fault
  readonly #ops: ReadonlySet<FaultOp>
  #seen = 0
  fired = false

  constructor(fault: Fault) {
    assert.ok(Number.isSafeInteger(fault.at) && fault.at >= 1, `fault.at must be a positive integer: ${fault.at}`)
    const ops = fault.ops ?? defaultOpsOf(fault.kind)
    for (const op of ops) assert.ok(allowedOps[fault.kind].includes(op), `a ${fault.kind} fault cannot apply to ${op}`)
    this.fault = fault
    this.#ops = new Set(ops)
  }

  /** Counts a matching operation; true when the fault is due (it stays due until it fires). */
  count(op: FaultOp, path: string): boolean {
    if (this.fired || !this.#ops.has(op)) return false
    if (this.fault.pathPrefix !== undefined && !path.startsWith(this.fault.pathPrefix)) return false
    this.#seen++
    return this.#seen >= this.fault.at
  }
}

/** How `node:fs` names each operation in its errors, as `LocalFileStore` reports them. */
const osOpName: Record<FaultOp, string> = {
  readFile: 'read',
  writeFile: 'write',
  writeFileAtomic: 'write',
  openAppend: 'open',
  list: 'list',
  exists: 'stat',
  remove: 'remove',
  removeDir: 'remove dir',
  mkdirp: 'mkdir',
  size: 'stat',
  syncDir: 'fsync dir',
  append: 'write',
  sync: 'fdatasync',
  truncate: 'truncate',
  close: 'close',
}

/** The io error (2100) `LocalFileStore` would raise if the OS failed `op` on `path` with `osCode`. */
export function injectedError(op: FaultOp, path: string, osCode: string): MilvusError {
  const cause = Object.assign(new Error(`${osCode} injected by FaultFileStore`), { code: osCode })
  return fsError(osOpName[op], path, cause)
}
