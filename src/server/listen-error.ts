import { errors, type MilvusError } from '../errors/errors.ts'

/** Which listener failed, in the words a user configures it with. */
export interface ListenTarget {
  /** 'gRPC and REST' or 'metrics'. */
  readonly what: string
  /** The flag and the milvus.yaml key that set its port. */
  readonly setting: string
  readonly host: string
  readonly port: number
}

/**
 * A listen failure as one line a user can act on (code 1100, invalid parameter): which port, on which
 * host, why, and what to do. EADDRINUSE is the common one (another Milvus or Quiver already runs there).
 */
export function listenError(target: ListenTarget, cause: unknown): MilvusError {
  const code = (cause as NodeJS.ErrnoException | null)?.code ?? 'unknown'
  const where = `${target.what} port ${target.port} on ${target.host}`
  const fix = `choose another port with ${target.setting} (0 picks a free one)`
  const detail =
    code === 'EADDRINUSE'
      ? `${where} is already in use [EADDRINUSE]: stop the process listening there (another Milvus or Quiver?) or ${fix}`
      : code === 'EACCES'
        ? `${where} needs privileges this user lacks [EACCES]: ${fix} (ports below 1024 need root)`
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? `${where}: the host is not an address of this machine [${code}]: listen on 127.0.0.1 or 0.0.0.0 (--host, proxy.ip)`
          : `${where} cannot be opened [${code}]: ${(cause as Error).message}`
  return errors.invalid(detail)
}
