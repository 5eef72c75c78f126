import { ErrorCode, MilvusError } from '../errors/errors.ts'

/** How many times a cluster-mode open reads the manifest afresh when a file it names is gone. */
export const OPEN_ATTEMPTS_MAX = 3

/** A read of a file that does not exist (local ENOENT, or an object store's NoSuchKey / 404). */
export function isMissingFile(e: unknown): boolean {
  return e instanceof MilvusError && e.code === ErrorCode.IoFailed && (e.cause as { code?: unknown } | undefined)?.code === 'ENOENT'
}

/**
 * Creates and recovers a database until it succeeds. In cluster mode (`shared`: the files and the
 * manifest are the owner's, in S3 and etcd) a read replica that read the manifest just before the
 * owner's next checkpoint may find a file that checkpoint replaced and removed (a compacted segment's
 * delete file): it gives back what it loaded (`discard`) and starts over from the manifest as it is
 * now, up to `OPEN_ATTEMPTS_MAX` times. A local open fails at once: its own manifest names a missing file.
 */
export async function openAttempts<T>(shared: boolean, create: () => T, recover: (t: T) => Promise<void>, discard: (t: T) => void): Promise<T> {
  for (let n = 1; ; n++) {
    const t = create()
    try {
      await recover(t)
      return t
    } catch (e) {
      discard(t)
      if (!shared || n >= OPEN_ATTEMPTS_MAX || !isMissingFile(e)) throw e
    }
  }
}
