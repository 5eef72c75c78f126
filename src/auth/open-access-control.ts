import { randomBytes } from 'node:crypto'
import type { FileStore } from '../storage/file-store.ts'
import { FileMetaStore } from '../storage/meta-store.ts'
import { validatePassword } from './auth-names.ts'
import { LazyAccessControl } from './lazy-access-control.ts'
import type { LoginBackoffLimits } from './login-backoff.ts'
import { LoginVerifier } from './login-verifier.ts'
import { hashPassword } from './password-hash.ts'
import { RbacAccessControl } from './rbac-access-control.ts'
import { DEFAULT_ROOT_PASSWORD, decodeRbacState, initialRbacState } from './rbac-state.ts'

/** The users and roles document, at the root of the data directory. */
export const RBAC_FILE = 'rbac.json'

export interface AccessControlOptions {
  /** When false every request passes as `root`; users and roles can still be managed. */
  readonly enabled: boolean
  /** Root's password when the document is created (first start); default `Milvus`. */
  readonly defaultRootPassword?: string
  /** How failed logins slow their client down; default LOGIN_BACKOFF_DEFAULTS. */
  readonly loginBackoff?: LoginBackoffLimits
}

/**
 * Loads users, roles and grants from `rbac.json` in `store` (CRC-checked, written atomically), or
 * creates it on first start with user `root` (password `Milvus`), role `admin` and role `public`
 * with Milvus's default grants.
 */
export async function openAccessControl(store: FileStore, opts: AccessControlOptions): Promise<RbacAccessControl> {
  const meta = new FileMetaStore(store, RBAC_FILE)
  const doc = await meta.load()
  let state
  if (doc === undefined) {
    state = initialRbacState(await hashPassword(validatePassword(opts.defaultRootPassword ?? DEFAULT_ROOT_PASSWORD)))
    await meta.save(state)
  } else {
    state = decodeRbacState(doc, RBAC_FILE)
  }
  const decoy = await hashPassword(randomBytes(24).toString('base64'))
  const login = new LoginVerifier({ decoy, ...(opts.loginBackoff === undefined ? {} : { backoff: opts.loginBackoff }) })
  return new RbacAccessControl(opts.enabled, state, meta, login)
}

/**
 * Authorization off: nothing is enforced, and `rbac.json` is opened (from the store `openStore`
 * gives) on the first user or role call rather than now (`LazyAccessControl`).
 */
export function openAccessControlLazily(openStore: () => Promise<FileStore>, opts: Omit<AccessControlOptions, 'enabled'> = {}): LazyAccessControl {
  return new LazyAccessControl(async () => openAccessControl(await openStore(), { ...opts, enabled: false }))
}
