/**
 * How a read replica's server answers (cluster mode, docs/cluster.md): the reads below from its own
 * state once it has applied everything the shard's log held when the read arrived (Strong), every other
 * RPC — writes, DDL, flush, users and roles, imports — forwarded as it came to the shard's writer.
 */
export interface ReplicaRouting {
  /** `host:port` of the shard's writer (gRPC and REST share it); rejects with 2 while no writer serves. */
  writerAddress(): Promise<string>
  /** The address answered last is unreachable: look it up again on the next call. */
  forget(address: string): void
}

/** RPCs (gRPC names; REST routes by the RPC they stand for) a replica answers from its own state, after the read barrier. */
export const REPLICA_LOCAL_RPCS: ReadonlySet<string> = new Set([
  'Search', 'HybridSearch', 'Query',
  'DescribeCollection', 'HasCollection', 'ShowCollections', 'BatchDescribeCollection',
  'GetCollectionStatistics', 'GetPartitionStatistics', 'ShowPartitions', 'HasPartition',
  'GetLoadState', 'GetLoadingProgress', 'DescribeIndex', 'GetIndexState', 'GetIndexBuildProgress', 'GetIndexStatistics',
  'ListDatabases', 'DescribeDatabase', 'ListAliases', 'DescribeAlias',
  'Connect', 'GetVersion', 'CheckHealth', 'GetComponentStates', 'RunAnalyzer',
])

/** Local RPCs that read no data: answered at once, without waiting for the log. */
export const REPLICA_NO_BARRIER_RPCS: ReadonlySet<string> = new Set(['Connect', 'GetVersion', 'CheckHealth', 'GetComponentStates', 'RunAnalyzer'])
