import { type ObjectType, rpcPrivileges } from './rpc-privileges.ts'

/**
 * Milvus's privilege names (`util.ObjectPrivileges`, API spelling without `Privilege`), the
 * built-in privilege groups, and which privileges are cluster-wide. A grant names one privilege or
 * one group; `All` covers every privilege.
 */
export const PRIVILEGE_ALL = 'All'

const collectionReadOnly = [
  'Query', 'Search', 'IndexDetail', 'GetFlushState', 'GetLoadState', 'GetLoadingProgress', 'HasPartition',
  'ShowPartitions', 'DescribeCollection', 'DescribeAlias', 'GetStatistics', 'ListAliases',
]
const collectionReadWrite = [
  ...collectionReadOnly, 'Load', 'Release', 'Insert', 'Delete', 'Upsert', 'Import', 'Flush', 'Compaction',
  'LoadBalance', 'CreateIndex', 'DropIndex', 'CreatePartition', 'DropPartition',
]
const databaseReadOnly = ['ShowCollections', 'DescribeDatabase']
const databaseReadWrite = [...databaseReadOnly, 'AlterDatabase']
const clusterReadOnly = ['ListDatabases', 'SelectOwnership', 'SelectUser', 'DescribeResourceGroup', 'ListResourceGroups', 'ListPrivilegeGroups']
const clusterReadWrite = [...clusterReadOnly, 'FlushAll', 'TransferNode', 'TransferReplica', 'UpdateResourceGroups']
const clusterAdmin = [
  ...clusterReadWrite, 'BackupRBAC', 'RestoreRBAC', 'CreateDatabase', 'DropDatabase', 'CreateOwnership', 'DropOwnership',
  'ManageOwnership', 'CreateResourceGroup', 'DropResourceGroup', 'UpdateUser', 'RenameCollection',
  'CreatePrivilegeGroup', 'DropPrivilegeGroup', 'OperatePrivilegeGroup',
]

/**
 * Built-in privilege groups as Milvus names them on the wire (`PrivilegeGroupCollectionReadOnly` →
 * `CollectionReadOnly`, pkg/util `CollectionReadOnlyPrivileges` …), listed by ListPrivilegeGroups
 * after the custom ones.
 */
export const privilegeGroups: Readonly<Record<string, readonly string[]>> = {
  ClusterReadOnly: clusterReadOnly,
  ClusterReadWrite: clusterReadWrite,
  ClusterAdmin: clusterAdmin,
  DatabaseReadOnly: databaseReadOnly,
  DatabaseReadWrite: databaseReadWrite,
  DatabaseAdmin: [...databaseReadWrite, 'CreateCollection', 'DropCollection'],
  CollectionReadOnly: collectionReadOnly,
  CollectionReadWrite: collectionReadWrite,
  CollectionAdmin: [...collectionReadWrite, 'CreateAlias', 'DropAlias'],
}

/**
 * The docs' short names of the built-in groups (`COLL_RO` …). Milvus itself does not accept them
 * (only `CollectionReadOnly` …); Quiver takes them as the group they stand for and stores that name.
 */
export const privilegeGroupAliases: Readonly<Record<string, string>> = {
  COLL_RO: 'CollectionReadOnly',
  COLL_RW: 'CollectionReadWrite',
  COLL_ADMIN: 'CollectionAdmin',
  DB_RO: 'DatabaseReadOnly',
  DB_RW: 'DatabaseReadWrite',
  DB_Admin: 'DatabaseAdmin',
  Cluster_RO: 'ClusterReadOnly',
  Cluster_RW: 'ClusterReadWrite',
  Cluster_Admin: 'ClusterAdmin',
}

/** The built-in group a name (or its short alias) stands for, or undefined. */
export function builtinGroupOf(name: string): string | undefined {
  if (Object.hasOwn(privilegeGroups, name)) return name
  return Object.hasOwn(privilegeGroupAliases, name) ? privilegeGroupAliases[name] : undefined
}

/**
 * Privileges that may be granted on each object type: Milvus `util.ObjectPrivileges`, plus every
 * privilege an RPC asks for on that type (newer RPCs: snapshots, file resources, …).
 */
export const privilegesByObjectType: Readonly<Record<ObjectType, ReadonlySet<string>>> = withRpcPrivileges({
  Collection: new Set([
    'Load', 'Release', 'Compaction', 'Insert', 'Delete', 'Upsert', 'GetStatistics', 'CreateIndex', 'IndexDetail',
    'DropIndex', 'Search', 'Flush', 'Query', 'LoadBalance', 'Import', 'GetLoadingProgress', 'GetLoadState',
    'CreatePartition', 'DropPartition', 'ShowPartitions', 'HasPartition', 'GetFlushState',
    'AddCollectionField', 'CreateSnapshot', 'DropSnapshot', 'ListSnapshots', 'DescribeSnapshot', 'RestoreSnapshot',
    'AlterCollectionSchema', 'RefreshExternalCollection',
  ]),
  Global: new Set([
    PRIVILEGE_ALL, 'CreateCollection', 'DropCollection', 'DescribeCollection', 'ShowCollections', 'RenameCollection',
    'CreateOwnership', 'DropOwnership', 'SelectOwnership', 'ManageOwnership', 'BackupRBAC', 'RestoreRBAC',
    'CreateResourceGroup', 'UpdateResourceGroups', 'DropResourceGroup', 'DescribeResourceGroup', 'ListResourceGroups',
    'TransferReplica', 'TransferNode', 'FlushAll', 'CreateDatabase', 'DropDatabase', 'ListDatabases', 'AlterDatabase',
    'DescribeDatabase', 'CreateAlias', 'DropAlias', 'DescribeAlias', 'ListAliases', 'CreatePrivilegeGroup',
    'DropPrivilegeGroup', 'ListPrivilegeGroups', 'OperatePrivilegeGroup', ...Object.keys(privilegeGroups), ...Object.keys(privilegeGroupAliases),
  ]),
  User: new Set(['UpdateUser', 'SelectUser']),
})

function withRpcPrivileges(base: Record<ObjectType, Set<string>>): Record<ObjectType, Set<string>> {
  for (const p of Object.values(rpcPrivileges)) base[p.objectType].add(p.privilege)
  return base
}

const clusterLevel: ReadonlySet<string> = new Set(clusterAdmin)
const databaseLevel: ReadonlySet<string> = new Set(privilegeGroups.DatabaseAdmin)
const collectionLevel: ReadonlySet<string> = new Set(privilegeGroups.CollectionAdmin)

/** Cluster-level privileges are checked against database `*` (Milvus `GetPrivilegeLevel`). */
export function isClusterPrivilege(privilege: string): boolean {
  return clusterLevel.has(privilege) || builtinGroupOf(privilege)?.startsWith('Cluster') === true
}

export type PrivilegeLevel = 'Cluster' | 'Database' | 'Collection'

/** Milvus `util.GetPrivilegeLevel`: the built-in admin group holding the privilege; undefined for none. */
export function privilegeLevelOf(privilege: string): PrivilegeLevel | undefined {
  if (clusterLevel.has(privilege)) return 'Cluster'
  if (databaseLevel.has(privilege)) return 'Database'
  if (collectionLevel.has(privilege)) return 'Collection'
  return undefined
}

/** Custom privilege groups: group name → privileges (`RbacState.privilegeGroups`). */
export type CustomGroups = Readonly<Record<string, readonly string[]>>

/**
 * True when a grant of `granted` allows `wanted`: the same privilege, `All`, or a built-in or
 * custom group holding it.
 */
export function privilegeCovers(granted: string, wanted: string, custom: CustomGroups = {}): boolean {
  if (granted === wanted || granted === PRIVILEGE_ALL) return true
  const builtin = builtinGroupOf(granted)
  const group = builtin !== undefined ? privilegeGroups[builtin] : Object.hasOwn(custom, granted) ? custom[granted] : undefined
  return group !== undefined && group.includes(wanted)
}

/** True for a built-in group, its alias or a custom group. */
export function isPrivilegeGroup(name: string, custom: CustomGroups = {}): boolean {
  return builtinGroupOf(name) !== undefined || Object.hasOwn(custom, name)
}

/**
 * Milvus `util.IsPrivilegeNameDefined`: a privilege or built-in group of the proto's
 * `ObjectPrivilege` enum (what a custom group may hold, and what no custom group may be called).
 */
export function isKnownPrivilege(name: string): boolean {
  return privilegesByObjectType.Collection.has(name) || privilegesByObjectType.Global.has(name) || privilegesByObjectType.User.has(name)
}
