import { crc32c } from '@node-rs/crc32'
import { parseWithBigint, stringifyWithBigint } from '../common/json-bigint.ts'
import { errors, type MilvusError } from '../errors/errors.ts'
import type { FileStore } from './file-store.ts'
import { osErrorCode } from './fs-call.ts'
import { atomicTempInfix } from './local-file-store.ts'

/** Where the database's metadata (catalog, segment list, checkpoint) is kept: a file now, etcd later. */
export interface MetaStore {
  /** The last saved metadata, or undefined if none was ever saved. */
  load(): Promise<unknown>
  /** Replaces the metadata atomically and durably. */
  save(meta: unknown): Promise<void>
}

export const manifestFormatVersion = 1

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
const tail = encoder.encode('\n}\n')

/**
 * `MetaStore` on one file (default `manifest.json`), replaced with `writeFileAtomic`. The file is
 * one JSON document whose first line is the envelope and whose body is checked by a CRC32C:
 * ```
 * {"formatVersion":1,"bodyCrc32c":<crc of the body bytes>,"body":
 * <body: the metadata as JSON, bigints as {"$i64":"<decimal>"} (common/json-bigint.ts)>
 * }
 * ```
 * A damaged file is an error on load, never a silent reset.
 */
export class FileMetaStore implements MetaStore {
  readonly #store: FileStore
  readonly #path: string

  constructor(store: FileStore, path = 'manifest.json') {
    this.#store = store
    this.#path = path
  }

  async load(): Promise<unknown> {
    let bytes: Uint8Array
    try {
      bytes = await this.#store.readFile(this.#path)
    } catch (e) {
      if (osErrorCode((e as { cause?: unknown }).cause) === 'ENOENT') return undefined
      throw e
    }
    return decodeManifest(bytes, this.#path)
  }

  save(meta: unknown): Promise<void> {
    return this.#store.writeFileAtomic(this.#path, encodeManifest(meta))
  }

  /**
   * Removes the temporary files an atomic replace left behind when the process died between its
   * write and its rename (`<path>.tmp-…`): never referenced, only taking space. Call before `load`
   * (nothing may be saving at the time).
   */
  async removeTemporaries(log: (m: string) => void): Promise<void> {
    const slash = this.#path.lastIndexOf('/')
    const dir = slash < 0 ? '.' : this.#path.slice(0, slash)
    const prefix = `${this.#path.slice(slash + 1)}${atomicTempInfix}`
    const stale = (await this.#store.list(dir)).filter((name) => name.startsWith(prefix))
    for (const name of stale) {
      const path = dir === '.' ? name : `${dir}/${name}`
      log(`removed ${path}: the temporary file of a manifest write that never completed`)
      await this.#store.remove(path)
    }
    if (stale.length > 0) await this.#store.syncDir(dir)
  }
}

export function encodeManifest(meta: unknown): Uint8Array[] {
  const body = encoder.encode(stringifyWithBigint(meta))
  const head = `{"formatVersion":${manifestFormatVersion},"bodyCrc32c":${crc32c(body)},"body":\n`
  return [encoder.encode(head), body, tail]
}

export function decodeManifest(bytes: Uint8Array, path: string): unknown {
  const newline = bytes.indexOf(0x0a)
  if (newline < 0) throw corrupt(path, 'no envelope line')
  const envelope = parseEnvelope(bytes.subarray(0, newline), path)
  if (envelope.formatVersion !== manifestFormatVersion) {
    throw errors.io(`manifest '${path}' has format version ${envelope.formatVersion}; this build reads ${manifestFormatVersion}`, undefined)
  }
  if (!endsWith(bytes, tail) || bytes.length < newline + 1 + tail.length) throw corrupt(path, 'truncated')
  const body = bytes.subarray(newline + 1, bytes.length - tail.length)
  const crc = crc32c(body)
  if (crc !== envelope.bodyCrc32c) throw corrupt(path, `checksum mismatch (stored ${envelope.bodyCrc32c}, computed ${crc})`)
  try {
    return parseWithBigint(decoder.decode(body))
  } catch (e) {
    throw corrupt(path, `unreadable body (${(e as Error).message})`)
  }
}

function parseEnvelope(line: Uint8Array, path: string): { formatVersion: unknown; bodyCrc32c: unknown } {
  let envelope: unknown
  try {
    envelope = JSON.parse(`${decoder.decode(line)}null}`)
  } catch {
    throw corrupt(path, 'unreadable envelope line')
  }
  if (typeof envelope !== 'object' || envelope === null || !('formatVersion' in envelope) || !('bodyCrc32c' in envelope)) {
    throw corrupt(path, 'envelope lacks formatVersion or bodyCrc32c')
  }
  return envelope
}

function endsWith(bytes: Uint8Array, suffix: Uint8Array): boolean {
  if (bytes.length < suffix.length) return false
  const start = bytes.length - suffix.length
  for (let i = 0; i < suffix.length; i++) if (bytes[start + i] !== suffix[i]) return false
  return true
}

function corrupt(path: string, why: string): MilvusError {
  return errors.io(`manifest '${path}' is corrupt: ${why}`, undefined)
}
