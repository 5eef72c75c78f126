import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto'

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

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(SALT_BYTES)
  const hash = await derive(password, salt, { N: SCRYPT_COST, r: SCRYPT_BLOCK_SIZE, p: SCRYPT_PARALLELIZATION })
  return {
    algorithm: 'scrypt',
    cost: SCRYPT_COST,
    blockSize: SCRYPT_BLOCK_SIZE,
    parallelization: SCRYPT_PARALLELIZATION,
    salt: salt.toString('base64'),
    hash: hash.toString('base64'),
  }
}

/** Recomputes the hash with the stored parameters and compares in constant time. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64')
  const got = await derive(password, Buffer.from(stored.salt, 'base64'), { N: stored.cost, r: stored.blockSize, p: stored.parallelization }, expected.length)
  return got.length === expected.length && timingSafeEqual(got, expected)
}

function derive(password: string, salt: Buffer, options: ScryptOptions, keyBytes = HASH_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, { ...options, maxmem: 64 * 1024 * 1024 }, (err, key) => (err === null ? resolve(key) : reject(err)))
  })
}
