/**
 * Which privilege each gRPC method needs, on which object type: Milvus's `privilege_ext_obj`
 * options of the request messages (milvus-proto, as shipped in @zilliz/milvus2-sdk-node 3.0.6),
 * with the `Privilege` prefix dropped. A method that is not listed (Connect, GetVersion,
 * CheckHealth, ListDatabases, ShowCollections, HasCollection, …) needs no privilege: any
 * authenticated user may call it, as in Milvus. `rpc-privileges.test.ts` checks the table against
 * the descriptor.
 */
export type ObjectType = 'Global' | 'Collection' | 'User'

export const OBJECT_TYPES: readonly ObjectType[] = ['Global', 'Collection', 'User']

export interface RpcPrivilege {
  readonly objectType: ObjectType
  /** Without the `Privilege` prefix: `Search`, `CreateCollection`, `UpdateUser`, … */
  readonly privilege: string
}

const g = (privilege: string): RpcPrivilege => ({ objectType: 'Global', privilege })
const c = (privilege: string): RpcPrivilege => ({ objectType: 'Collection', privilege })
const u = (privilege: string): RpcPrivilege => ({ objectType: 'User', privilege })

export const rpcPrivileges: Readonly<Record<string, RpcPrivilege>> = {
  CreateCollection: g('CreateCollection'),
  DropCollection: g('DropCollection'),
  LoadCollection: c('Load'),
  ReleaseCollection: c('Release'),
  DescribeCollection: g('DescribeCollection'),
  BatchDescribeCollection: g('DescribeCollection'),
  GetCollectionStatistics: c('GetStatistics'),
  AlterCollection: g('CreateCollection'),
  AlterCollectionField: g('CreateCollection'),
  AddCollectionFunction: g('CreateCollection'),
  AlterCollectionFunction: g('CreateCollection'),
  DropCollectionFunction: g('CreateCollection'),
  TruncateCollection: g('DropCollection'),
  CreatePartition: c('CreatePartition'),
  DropPartition: c('DropPartition'),
  HasPartition: c('HasPartition'),
  LoadPartitions: c('Load'),
  Prewarm: c('Load'),
  ReleasePartitions: c('Release'),
  ShowPartitions: c('ShowPartitions'),
  CreateNamespace: c('CreatePartition'),
  DescribeNamespace: c('ShowPartitions'),
  ListNamespaces: c('ShowPartitions'),
  DropNamespace: c('DropPartition'),
  HasNamespace: c('HasPartition'),
  GetNamespaceStats: c('ShowPartitions'),
  GetLoadingProgress: c('GetLoadState'),
  GetLoadState: c('GetLoadState'),
  CreateAlias: g('CreateAlias'),
  DropAlias: g('DropAlias'),
  AlterAlias: g('CreateAlias'),
  DescribeAlias: g('DescribeAlias'),
  ListAliases: g('ListAliases'),
  CreateIndex: c('CreateIndex'),
  AlterIndex: c('CreateIndex'),
  DescribeIndex: c('IndexDetail'),
  GetIndexStatistics: c('IndexDetail'),
  GetIndexState: c('IndexDetail'),
  GetIndexBuildProgress: c('IndexDetail'),
  DropIndex: c('DropIndex'),
  Insert: c('Insert'),
  Delete: c('Delete'),
  Upsert: c('Upsert'),
  Search: c('Search'),
  HybridSearch: c('Search'),
  Flush: c('Flush'),
  Query: c('Query'),
  FlushAll: g('FlushAll'),
  AddCollectionField: c('AddCollectionField'),
  AddCollectionStructField: c('AddCollectionField'),
  GetFlushState: c('GetFlushState'),
  LoadBalance: c('LoadBalance'),
  ManualCompaction: c('Compaction'),
  Import: c('Import'),
  CreateCredential: g('CreateOwnership'),
  UpdateCredential: u('UpdateUser'),
  DeleteCredential: g('DropOwnership'),
  ListCredUsers: g('SelectOwnership'),
  CreateRole: g('CreateOwnership'),
  AlterRole: g('CreateOwnership'),
  DropRole: g('DropOwnership'),
  OperateUserRole: g('ManageOwnership'),
  SelectRole: g('SelectOwnership'),
  SelectUser: u('SelectUser'),
  OperatePrivilege: g('ManageOwnership'),
  OperatePrivilegeV2: g('ManageOwnership'),
  SelectGrant: g('SelectOwnership'),
  CreateResourceGroup: g('CreateResourceGroup'),
  DropResourceGroup: g('DropResourceGroup'),
  UpdateResourceGroups: g('UpdateResourceGroups'),
  TransferNode: g('TransferNode'),
  TransferReplica: g('TransferReplica'),
  ListResourceGroups: g('ListResourceGroups'),
  DescribeResourceGroup: g('DescribeResourceGroup'),
  RenameCollection: g('RenameCollection'),
  CreateDatabase: g('CreateDatabase'),
  DropDatabase: g('DropDatabase'),
  AlterDatabase: g('AlterDatabase'),
  DescribeDatabase: g('DescribeDatabase'),
  BackupRBAC: g('BackupRBAC'),
  RestoreRBAC: g('RestoreRBAC'),
  CreatePrivilegeGroup: g('CreatePrivilegeGroup'),
  DropPrivilegeGroup: g('DropPrivilegeGroup'),
  ListPrivilegeGroups: g('ListPrivilegeGroups'),
  OperatePrivilegeGroup: g('OperatePrivilegeGroup'),
  AddFileResource: g('AddFileResource'),
  RemoveFileResource: g('RemoveFileResource'),
  ListFileResources: g('ListFileResources'),
  AddUserTags: u('UpdateUser'),
  DeleteUserTags: u('UpdateUser'),
  GetUserTags: u('SelectUser'),
  ListUsersWithTag: u('SelectUser'),
  CreateRowPolicy: c('CreateOwnership'),
  DropRowPolicy: c('DropOwnership'),
  ListRowPolicies: c('SelectOwnership'),
  UpdateReplicateConfiguration: g('UpdateReplicateConfiguration'),
  GetReplicateConfiguration: g('GetReplicateConfiguration'),
  CreateSnapshot: c('CreateSnapshot'),
  DropSnapshot: c('DropSnapshot'),
  ListSnapshots: c('ListSnapshots'),
  DescribeSnapshot: c('DescribeSnapshot'),
  RestoreSnapshot: c('RestoreSnapshot'),
  RestoreExternalSnapshot: g('RestoreExternalSnapshot'),
  ExportSnapshot: g('ExportSnapshot'),
  ListRestoreSnapshotJobs: c('RestoreSnapshot'),
  PinSnapshotData: g('PinSnapshotData'),
  UnpinSnapshotData: g('UnpinSnapshotData'),
  AlterCollectionSchema: c('AlterCollectionSchema'),
  BatchUpdateManifest: c('Insert'),
  RefreshExternalCollection: c('RefreshExternalCollection'),
}

/** The privilege `rpc` needs, or undefined when any authenticated user may call it. */
export function privilegeOfRpc(rpc: string): RpcPrivilege | undefined {
  return Object.hasOwn(rpcPrivileges, rpc) ? rpcPrivileges[rpc] : undefined
}
