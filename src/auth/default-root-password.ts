import { MilvusError } from '../errors/errors.ts'
import type { AccessControl } from './access-control.ts'
import { DEFAULT_ROOT_PASSWORD, ROOT_USER } from './rbac-state.ts'

/** What `quiver serve` prints at start while root's password is still the default. */
export const DEFAULT_ROOT_PASSWORD_WARNING = `user ${ROOT_USER} still has the default password "${DEFAULT_ROOT_PASSWORD}": anyone who can reach the server can log in as ${ROOT_USER}; change it (docs/security.md)`

/** True while access control is on and `root` logs in with Milvus's default password (one scrypt). */
export async function rootPasswordIsDefault(access: AccessControl): Promise<boolean> {
  if (!access.enabled) return false
  try {
    await access.authenticate(`${ROOT_USER}:${DEFAULT_ROOT_PASSWORD}`)
    return true
  } catch (e) {
    if (e instanceof MilvusError) return false
    throw e
  }
}
