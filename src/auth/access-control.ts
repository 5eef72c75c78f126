/**
 * The contract between the servers (gRPC, REST) and authentication/authorisation. The servers
 * only call these methods; users, roles, privileges, password hashing and persistence live behind
 * them in src/auth/. (Interface fixed by the lead; the implementation belongs to the auth work.)
 */

/** An authenticated caller. */
export interface Principal {
  readonly user: string
}

/** What a request touches, for privilege checks. */
export interface AccessTarget {
  readonly dbName: string
  /** The collection named in the request, when there is one. */
  readonly collectionName?: string
  /** The user named in the request (UpdateCredential, SelectUser): a user may always act on themself. */
  readonly userName?: string
  /** The role named in a SelectGrant request: a user may always read the grants of their own roles. */
  readonly roleName?: string
}

export interface AccessControl {
  /** False when authorization is disabled: every request passes as `root`. */
  readonly enabled: boolean
  /**
   * Checks `user:password` credentials (already decoded from gRPC base64 metadata or a REST
   * `Bearer` token). Throws MilvusError (Unauthenticated) when enabled and the credentials are
   * missing or wrong, or when `clientAddress` (the peer's IP address) failed too often lately.
   * When disabled, returns `{ user: 'root' }` without looking.
   */
  authenticate(credentials: string | undefined, clientAddress?: string): Promise<Principal>
  /**
   * Throws MilvusError (PermissionDenied) unless the principal may run the operation, named by its
   * gRPC method name (`Search`, `Upsert`, `CreateCollection`, …; REST routes map to these names).
   */
  authorize(principal: Principal, rpcName: string, target: AccessTarget): Promise<void>
}

/** One privilege granted to a role on an object (Milvus `GrantEntity`). */
export interface Grant {
  readonly role: string
  /** `Global`, `Collection` or `User`. */
  readonly objectType: string
  /** A collection name, or `*` for all. */
  readonly objectName: string
  /** Milvus privilege name without prefix: `Search`, `Insert`, `Query`, `CreateCollection`, `All`, … */
  readonly privilege: string
  readonly dbName: string
}

/**
 * User and role management, as Milvus's RBAC RPCs (CreateCredential, OperateUserRole,
 * OperatePrivilege, …) and REST `users/*`, `roles/*` do it. Callers authorize first.
 * Every method throws MilvusError with Milvus's codes (missing user or role, duplicate, bad name).
 */
export interface UserAdmin {
  createUser(user: string, password: string): Promise<void>
  /** `oldPassword` is checked unless the caller is an admin changing someone else's password (pass undefined). */
  updatePassword(user: string, oldPassword: string | undefined, newPassword: string): Promise<void>
  dropUser(user: string): Promise<void>
  listUsers(): Promise<string[]>
  /** The user's roles. */
  describeUser(user: string): Promise<{ readonly user: string; readonly roles: readonly string[] }>
  createRole(role: string): Promise<void>
  dropRole(role: string): Promise<void>
  listRoles(): Promise<string[]>
  /** The role's grants. */
  describeRole(role: string): Promise<readonly Grant[]>
  grantRole(user: string, role: string): Promise<void>
  revokeRole(user: string, role: string): Promise<void>
  grantPrivilege(grant: Grant): Promise<void>
  revokePrivilege(grant: Grant): Promise<void>
}
