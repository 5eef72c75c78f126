import { randomBytes, timingSafeEqual } from 'node:crypto'
import { type ScryptParams, sharedScryptThread } from './scrypt-thread.ts'

/**
 * A stored password, never the password itself: scrypt over the UTF-8 password with a per-user
 * random salt (every password Quiver sets), or a bcrypt hash restored from a Milvus RBAC backup
 * (checked as Milvus checks it; the user's next password change makes it scrypt).
 */
export type PasswordHash = ScryptHash | BcryptHash

export interface BcryptHash {
  readonly algorithm: 'bcrypt'
  /** `$2a$`/`$2b$`/`$2y$`, cost ≤ BCRYPT_COST_MAX. */
  readonly hash: string
}

export interface ScryptHash {
  readonly algorithm: 'scrypt'
  /** scrypt N (CPU/memory cost), r (block size), p (parallelisation). */
  readonly cost: number
  readonly blockSize: number
  readonly parallelization: number
  /** base64 */
  readonly salt: string
  /** base64 */
  readonly hash: string
}

/** scrypt N=2^14, r=8, p=1: ~16 MiB and tens of milliseconds per hash (the credential cache absorbs repeats). */
export const SCRYPT_COST = 16_384
export const SCRYPT_BLOCK_SIZE = 8
export const SCRYPT_PARALLELIZATION = 1
export const SALT_BYTES = 16
export const HASH_BYTES = 32

/** Runs scrypt over an NFC-normalised password. Default: the process's scrypt worker thread (scrypt-thread.ts). */
export type DeriveKey = (password: string, salt: Uint8Array, params: ScryptParams, keyBytes: number) => Promise<Buffer>

const onScryptThread: DeriveKey = (password, salt, params, keyBytes) => sharedScryptThread().derive(password, salt, params, keyBytes)

export async function hashPassword(password: string, derive: DeriveKey = onScryptThread): Promise<ScryptHash> {
  const salt = randomBytes(SALT_BYTES)
  const params = { cost: SCRYPT_COST, blockSize: SCRYPT_BLOCK_SIZE, parallelization: SCRYPT_PARALLELIZATION }
  const hash = await derive(password.normalize('NFC'), salt, params, HASH_BYTES)
  return { algorithm: 'scrypt', ...params, salt: salt.toString('base64'), hash: hash.toString('base64') }
}

/** Recomputes the hash with the stored parameters and compares in constant time (bcrypt: on the scrypt thread too). */
export async function verifyPassword(password: string, stored: PasswordHash, derive: DeriveKey = onScryptThread): Promise<boolean> {
  // Milvus hashed the password's bytes as given: no normalisation.
  if (stored.algorithm === 'bcrypt') return sharedScryptThread().verifyBcrypt(password, stored.hash)
  const expected = Buffer.from(stored.hash, 'base64')
  const params = { cost: stored.cost, blockSize: stored.blockSize, parallelization: stored.parallelization }
  const got = await derive(password.normalize('NFC'), Buffer.from(stored.salt, 'base64'), params, expected.length)
  return got.length === expected.length && timingSafeEqual(got, expected)
}

/**
 * A stored hash as one string (`$scrypt$N=16384,r=8,p=1$<salt>$<hash>`, base64): the password of
 * a user in an RBAC backup (Milvus puts its bcrypt hash there).
 */
export function encodePasswordHash(h: PasswordHash): string {
  if (h.algorithm === 'bcrypt') return h.hash
  return `$scrypt$N=${h.cost},r=${h.blockSize},p=${h.parallelization}$${h.salt}$${h.hash}`
}

const ENCODED_HASH = /^\$scrypt\$N=(\d{1,10}),r=(\d{1,4}),p=(\d{1,4})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/

/** scrypt parameters a restored hash may carry: verifying it costs N·r·128 bytes, within SCRYPT_MEMORY_BYTES_MAX. */
export const scryptLimits = { costMax: 1 << 15, blockSizeMax: 8, parallelizationMax: 1 } as const

/** The costliest bcrypt hash a restore accepts (Milvus hashes at cost 10, `bcrypt.DefaultCost`): 2^12 rounds, ~0.25 s a check. */
export const BCRYPT_COST_MAX = 12

const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/

/**
 * The hash `encodePasswordHash` wrote, or a bcrypt hash (a Milvus backup's) of cost 4 to
 * BCRYPT_COST_MAX; undefined for anything else (a password, a costlier or malformed hash).
 */
export function decodePasswordHash(text: string): PasswordHash | undefined {
  const b = BCRYPT_HASH.exec(text)
  if (b !== null) return Number(b[1]) >= 4 && Number(b[1]) <= BCRYPT_COST_MAX ? { algorithm: 'bcrypt', hash: text } : undefined
  const m = ENCODED_HASH.exec(text)
  if (m === null) return undefined
  const [cost, blockSize, parallelization] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const powerOfTwo = cost >= 2 && (cost & (cost - 1)) === 0
  if (!powerOfTwo || cost > scryptLimits.costMax || blockSize < 1 || blockSize > scryptLimits.blockSizeMax) return undefined
  if (parallelization < 1 || parallelization > scryptLimits.parallelizationMax) return undefined
  return { algorithm: 'scrypt', cost, blockSize, parallelization, salt: m[4]!, hash: m[5]! }
}
