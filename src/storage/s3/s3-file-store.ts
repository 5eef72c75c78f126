import { posix } from 'node:path'
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import { assert } from '../../common/assert.ts'
import type { AppendFile, FileStore, StoredFile } from '../file-store.ts'
import { S3AppendFile } from './s3-append-file.ts'
import { isNotFound, s3Call } from './s3-call.ts'

/** How to reach a bucket; Milvus's `minio.*` keys map onto it (`src/config/cluster-config.ts`). */
export interface S3FileStoreOptions {
  /** `http(s)://host:port` of the S3 API (`minio.address` + `minio.port`, `minio.useSSL`). */
  readonly endpoint: string
  /** `minio.bucketName`; the bucket must exist. */
  readonly bucket: string
  /** `minio.rootPath`: every key starts with `<rootPath>/` ('' = the bucket's root). */
  readonly rootPath: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** Default `us-east-1`. */
  readonly region?: string
  /** Virtual-host-style bucket addressing (`minio.useVirtualHost`, default false: path style). */
  readonly virtualHost?: boolean
  /** Per HTTP request (`minio.requestTimeoutMs`, default 10,000 ms). */
  readonly requestTimeoutMs?: number
  /** Tries per call, the SDK's retry with backoff included (default 3). */
  readonly attemptsMax?: number
}

/** Keys one DeleteObjects call may name (S3's limit). */
const DELETE_KEYS_MAX = 1000

/**
 * `FileStore` on the S3 API (AWS SDK v3: AWS S3, MinIO, Ceph RGW, versitygw, R2, GCS's XML API).
 *
 * How the local semantics map (docs/cluster.md):
 * - `writeFile` and `writeFileAtomic` are both one PUT: S3 replaces an object atomically, a reader
 *   sees the old or the new bytes, never a mix, and a successful PUT is durable and visible to every
 *   later read (strong read-after-write). No temporary object exists, so none can be left behind.
 * - There are no directories: `mkdirp` and `syncDir` do nothing (a PUT's durability needs no
 *   directory entry); a directory exists while an object has its prefix; `list` groups keys at `/`.
 * - `openAppend` keeps the object in memory and PUTs it whole at `sync` (and at `close` if changed):
 *   for the small files that append (import key logs), not for a WAL; the WAL of cluster mode is the
 *   log (`src/log/`).
 * - Every failure is a `MilvusError` 2100 naming the operation, the path, the S3 code and the object URL.
 */
export class S3FileStore implements FileStore {
  readonly client: S3Client
  readonly bucket: string
  readonly #prefix: string

  constructor(options: S3FileStoreOptions) {
    const timeoutMs = options.requestTimeoutMs ?? 10_000
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region ?? 'us-east-1',
      forcePathStyle: options.virtualHost !== true,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      maxAttempts: options.attemptsMax ?? 3,
      requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs, throwOnRequestTimeout: true },
      // Checksum headers only where S3 requires them: not every S3-compatible server knows the
      // newer flexible checksums the SDK would otherwise add to every PUT.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    })
    this.bucket = options.bucket
    const root = options.rootPath.replace(/^\/+|\/+$/g, '')
    this.#prefix = root === '' ? '' : `${root}/`
  }

  async readFile(path: string): Promise<Uint8Array> {
    const key = this.#key(path)
    return s3Call('read', path, this.#url(key), async () => {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
      return res.Body === undefined ? new Uint8Array(0) : await res.Body.transformToByteArray()
    })
  }

  writeFileAtomic(path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    return this.#put('write', path, data)
  }

  writeFile(path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    return this.#put('write', path, data)
  }

  async openAppend(path: string): Promise<AppendFile> {
    let existing: Uint8Array = new Uint8Array(0)
    try {
      existing = await this.readFile(path)
    } catch (e) {
      if (!isNotFound(e)) throw e
    }
    return new S3AppendFile(path, existing, (bytes) => this.#put('write', path, bytes))
  }

  async list(dir: string): Promise<string[]> {
    const prefix = this.#dirPrefix(dir)
    const names = new Set<string>()
    await this.#listKeys('list', dir, prefix, '/', (key) => names.add(key.slice(prefix.length).replace(/\/$/, '')))
    names.delete('')
    return [...names].sort()
  }

  /** One paginated listing without a delimiter: every object under `dir` with its Size and LastModified. */
  async listFiles(dir: string): Promise<StoredFile[]> {
    const prefix = this.#dirPrefix(dir)
    const out: StoredFile[] = []
    let token: string | undefined
    do {
      const res = await s3Call('list', dir, this.#url(prefix), () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) })),
      )
      for (const o of res.Contents ?? []) {
        if (o.Key === undefined || o.Key.endsWith('/')) continue
        out.push({ path: o.Key.slice(this.#prefix.length), sizeBytes: o.Size ?? 0, modifiedMs: o.LastModified?.getTime() ?? 0 })
      }
      token = res.IsTruncated === true ? res.NextContinuationToken : undefined
    } while (token !== undefined)
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  }

  async exists(path: string): Promise<boolean> {
    const key = this.#key(path)
    try {
      await s3Call('stat', path, this.#url(key), () => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })))
      return true
    } catch (e) {
      if (!isNotFound(e)) throw e
    }
    // A "directory": some object has the prefix.
    const prefix = this.#dirPrefix(path)
    const res = await s3Call('stat', path, this.#url(prefix), () =>
      this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: 1 })),
    )
    return (res.KeyCount ?? res.Contents?.length ?? 0) > 0
  }

  async remove(path: string): Promise<void> {
    const key = this.#key(path)
    await s3Call('remove', path, this.#url(key), () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })))
  }

  async removeDir(path: string): Promise<void> {
    const prefix = this.#dirPrefix(path)
    assert.notEqual(prefix, this.#prefix, 'removeDir may not remove the store root')
    const keys: string[] = []
    await this.#listKeys('remove dir', path, prefix, undefined, (key) => keys.push(key))
    for (let i = 0; i < keys.length; i += DELETE_KEYS_MAX) {
      const batch = keys.slice(i, i + DELETE_KEYS_MAX).map((Key) => ({ Key }))
      const res = await s3Call('remove dir', path, this.#url(prefix), () =>
        this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true } })),
      )
      const failed = res.Errors?.[0]
      if (failed !== undefined) {
        const cause = Object.assign(new Error(failed.Message ?? 'delete failed'), { Code: failed.Code })
        await s3Call('remove dir', path, this.#url(failed.Key ?? prefix), () => Promise.reject(cause))
      }
    }
  }

  /** Object stores have no directories: nothing to create. */
  async mkdirp(_dir: string): Promise<void> {}

  async size(path: string): Promise<number> {
    const key = this.#key(path)
    const res = await s3Call('stat', path, this.#url(key), () => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })))
    return res.ContentLength ?? 0
  }

  /** A successful PUT or DELETE is already durable and visible: nothing to sync. */
  async syncDir(_dir: string): Promise<void> {}

  /** Closes the HTTP connections. */
  close(): void {
    this.client.destroy()
  }

  async #put(op: string, path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const key = this.#key(path)
    const body = data instanceof Uint8Array ? data : concat(data)
    await s3Call(op, path, this.#url(key), () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: body.byteLength })),
    )
  }

  async #listKeys(op: string, path: string, prefix: string, delimiter: string | undefined, onKey: (key: string) => void): Promise<void> {
    let token: string | undefined
    do {
      const res = await s3Call(op, path, this.#url(prefix), () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(delimiter === undefined ? {} : { Delimiter: delimiter }), ...(token === undefined ? {} : { ContinuationToken: token }) }),
        ),
      )
      for (const o of res.Contents ?? []) if (o.Key !== undefined) onKey(o.Key)
      for (const p of res.CommonPrefixes ?? []) if (p.Prefix !== undefined) onKey(p.Prefix)
      token = res.IsTruncated === true ? res.NextContinuationToken : undefined
    } while (token !== undefined)
  }

  /** The object key of a store-relative path; leaving the root is a programmer error. */
  #key(path: string): string {
    const norm = posix.normalize(path === '' ? '.' : path)
    assert.ok(!posix.isAbsolute(norm), `store path must be relative: ${path}`)
    assert.ok(norm !== '..' && !norm.startsWith('../'), `store path leaves the root: ${path}`)
    return norm === '.' ? this.#prefix : `${this.#prefix}${norm.replace(/\/$/, '')}`
  }

  /** The key prefix of everything under `dir` (ends with `/`, or is the root prefix). */
  #dirPrefix(dir: string): string {
    const key = this.#key(dir)
    return key === this.#prefix ? key : `${key}/`
  }

  #url(key: string): string {
    return `s3://${this.bucket}/${key}`
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0
  for (const c of chunks) total += c.byteLength
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}
