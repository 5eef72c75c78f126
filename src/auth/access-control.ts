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
  /** Who granted it (SelectGrant's grantor): the calling user; `root` with authorization off. */
  readonly grantor?: string
}

/** A grant as OperatePrivilegeV2 names it: the object type follows from the privilege. */
export interface GrantV2 {
  readonly role: string
  /** A privilege, a built-in group (`CollectionReadOnly` …) or a custom group. */
  readonly privilege: string
  /** A database or `*`. */
  readonly dbName: string
  /** A collection or `*`. */
  readonly collectionName: string
  /** Who grants it (see `Grant.grantor`). */
  readonly grantor?: string
}

/** A privilege group (Milvus `PrivilegeGroupInfo`). */
export interface PrivilegeGroup {
  readonly name: string
  readonly privileges: readonly string[]
}

/** A user in an RBAC backup: the stored password hash (`scrypt$…`), never a password. */
export interface RbacMetaUser {
  readonly user: string
  readonly password: string
  readonly roles: readonly string[]
}

/**
 * Milvus `RBACMeta` (BackupRBAC / RestoreRBAC): every user but `root`, every role but the built-in
 * ones, those roles' grants, the custom privilege groups.
 */
export interface RbacMeta {
  readonly users: readonly RbacMetaUser[]
  readonly roles: readonly string[]
  readonly grants: readonly Grant[]
  readonly privilegeGroups: readonly PrivilegeGroup[]
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
  /** Refused while the role has grants, unless `force` (then its grants go too); its users lose it. */
  dropRole(role: string, opts?: { readonly force?: boolean }): Promise<void>
  listRoles(): Promise<string[]>
  /** The role's grants. */
  describeRole(role: string): Promise<readonly Grant[]>
  grantRole(user: string, role: string): Promise<void>
  revokeRole(user: string, role: string): Promise<void>
  /** OperatePrivilege: one privilege on one object type (groups only through `grantPrivilegeV2`). */
  grantPrivilege(grant: Grant): Promise<void>
  revokePrivilege(grant: Grant): Promise<void>
  /** OperatePrivilegeV2: a privilege or a group (built-in or custom) on a database and collection. */
  grantPrivilegeV2(grant: GrantV2): Promise<void>
  revokePrivilegeV2(grant: GrantV2): Promise<void>
  createPrivilegeGroup(name: string): Promise<void>
  /** Refused for a group some role is granted. */
  dropPrivilegeGroup(name: string): Promise<void>
  /** The custom groups, then the built-in ones (as Milvus lists them). */
  listPrivilegeGroups(): Promise<PrivilegeGroup[]>
  addPrivilegesToGroup(name: string, privileges: readonly string[]): Promise<void>
  removePrivilegesFromGroup(name: string, privileges: readonly string[]): Promise<void>
  backupRbac(): Promise<RbacMeta>
  /** All or nothing: refused if any user, role or group in `meta` exists already. */
  restoreRbac(meta: RbacMeta): Promise<void>
}
