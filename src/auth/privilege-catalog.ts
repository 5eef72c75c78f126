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

/** Built-in privilege groups (Milvus 2.5 `COLL_RO` … `Cluster_Admin`): group name → privileges. */
export const privilegeGroups: Readonly<Record<string, readonly string[]>> = {
  COLL_RO: collectionReadOnly,
  COLL_RW: collectionReadWrite,
  COLL_ADMIN: [...collectionReadWrite, 'CreateAlias', 'DropAlias'],
  DB_RO: databaseReadOnly,
  DB_RW: databaseReadWrite,
  DB_Admin: [...databaseReadWrite, 'CreateCollection', 'DropCollection'],
  Cluster_RO: clusterReadOnly,
  Cluster_RW: clusterReadWrite,
  Cluster_Admin: clusterAdmin,
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
    'DropPrivilegeGroup', 'ListPrivilegeGroups', 'OperatePrivilegeGroup', ...Object.keys(privilegeGroups),
  ]),
  User: new Set(['UpdateUser', 'SelectUser']),
})

function withRpcPrivileges(base: Record<ObjectType, Set<string>>): Record<ObjectType, Set<string>> {
  for (const p of Object.values(rpcPrivileges)) base[p.objectType].add(p.privilege)
  return base
}

const clusterLevel: ReadonlySet<string> = new Set(clusterAdmin)

/** Cluster-level privileges are checked against database `*` (Milvus `GetPrivilegeLevel`). */
export function isClusterPrivilege(privilege: string): boolean {
  return clusterLevel.has(privilege) || privilege.startsWith('Cluster_')
}

/** True when a grant of `granted` allows `wanted`: the same privilege, `All`, or a group holding it. */
export function privilegeCovers(granted: string, wanted: string): boolean {
  if (granted === wanted || granted === PRIVILEGE_ALL) return true
  const group = Object.hasOwn(privilegeGroups, granted) ? privilegeGroups[granted] : undefined
  return group !== undefined && group.includes(wanted)
}

/** A privilege name any grant may carry (for an OperatePrivilegeV2 grant, whatever its object). */
export function isKnownPrivilege(name: string): boolean {
  return privilegesByObjectType.Collection.has(name) || privilegesByObjectType.Global.has(name) || privilegesByObjectType.User.has(name)
}
