import { randomBytes, timingSafeEqual } from 'node:crypto'
import { type ScryptParams, sharedScryptThread } from './scrypt-thread.ts'

/** A stored password: scrypt over the UTF-8 password with a per-user random salt. Never the password itself. */
export interface PasswordHash {
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

export async function hashPassword(password: string, derive: DeriveKey = onScryptThread): Promise<PasswordHash> {
  const salt = randomBytes(SALT_BYTES)
  const params = { cost: SCRYPT_COST, blockSize: SCRYPT_BLOCK_SIZE, parallelization: SCRYPT_PARALLELIZATION }
  const hash = await derive(password.normalize('NFC'), salt, params, HASH_BYTES)
  return { algorithm: 'scrypt', ...params, salt: salt.toString('base64'), hash: hash.toString('base64') }
}

/** Recomputes the hash with the stored parameters and compares in constant time. */
export async function verifyPassword(password: string, stored: PasswordHash, derive: DeriveKey = onScryptThread): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64')
  const params = { cost: stored.cost, blockSize: stored.blockSize, parallelization: stored.parallelization }
  const got = await derive(password.normalize('NFC'), Buffer.from(stored.salt, 'base64'), params, expected.length)
  return got.length === expected.length && timingSafeEqual(got, expected)
}
