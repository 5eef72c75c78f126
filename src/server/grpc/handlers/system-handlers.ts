import { parseClientJson } from '../../../common/bounded-json.ts'
import { cpus, totalmem, freemem } from 'node:os'
import type { Segment } from '../../../segment/segment.ts'
import { errors } from '../../../errors/errors.ts'
import { collectionKey } from '../call-context.ts'
import type { HandlerTable, ServiceDeps, Wire } from '../handler.ts'
import { okStatus, statusOf } from '../wire-status.ts'

/** The one node of a Quiver server, as Milvus topology answers name it. */
const NODE_ID = '1'

/** Connection and server facts: Connect, GetVersion, CheckHealth, GetMetrics, segments, replicas. */
export const systemHandlers: HandlerTable = {
  Connect: (_req, _ctx, deps) => ({
    status: okStatus(),
    server_info: {
      build_tags: `quiver-${deps.identity.quiverVersion}`,
      build_time: new Date(deps.identity.startedAtMs).toISOString(),
      git_commit: '',
      go_version: `node ${process.version}`,
      deploy_mode: 'STANDALONE',
      reserved: { product: 'quiver', quiver_version: deps.identity.quiverVersion },
    },
    identifier: deps.nextIdentifier(),
  }),

  /** A fresh hybrid timestamp from the engine's oracle (pymilvus asks for one while creating an index). */
  AllocTimestamp: (_req, _ctx, { client }) => ({ status: okStatus(), timestamp: String(client.database.allocateIds(1)[0]) }),

  GetVersion: (_req, _ctx, deps) => ({ status: okStatus(), version: deps.identity.milvusVersion }),

  CheckHealth: (_req, _ctx, { client }) => {
    let healthy = true
    try {
      client.database.assertOpen()
    } catch {
      healthy = false
    }
    return { status: okStatus(), isHealthy: healthy, reasons: healthy ? [] : ['database is closed'], quota_states: [] }
  },

  /** Only `system_info`; an error still carries a JSON `response` (the Node SDK parses it unconditionally). */
  GetMetrics: (req, _ctx, deps) => {
    let metricType: unknown
    try {
      metricType = (parseClientJson(String(req.request), 'request') as { metric_type?: unknown }).metric_type
    } catch {
      metricType = undefined
    }
    if (metricType !== 'system_info') {
      const e = errors.invalid(`metric type ${String(metricType)} is not supported; use {"metric_type": "system_info"}`)
      return { status: statusOf(e), response: '{}', component_name: '' }
    }
    return { status: okStatus(), response: JSON.stringify(systemInfo(deps)), component_name: `quiver${NODE_ID}` }
  },

  GetQuerySegmentInfo: (req, ctx, { client }) => {
    const d = client.database.state.collection(collectionKey(ctx, req.collectionName))
    const infos = liveSegments(d.segments.values()).map((s) => ({
      segmentID: String(s.id),
      collectionID: String(d.meta.id),
      partitionID: String(s.partitionId),
      mem_size: '0',
      num_rows: String(s.rowCount),
      index_name: d.meta.indexes[0]?.name ?? '',
      indexID: String(d.meta.indexes[0]?.id ?? 0),
      nodeID: NODE_ID,
      state: s.state === 'sealed' ? 'Sealed' : 'Growing',
      nodeIds: [NODE_ID],
      level: 'L1',
      is_sorted: false,
      storage_version: '0',
    }))
    return { status: okStatus(), infos }
  },

  /** Segments as the data directory holds them: written sealed ones are Flushed. */
  GetPersistentSegmentInfo: (req, ctx, { client }) => {
    const d = client.database.state.collection(collectionKey(ctx, req.collectionName))
    const infos = liveSegments(d.segments.values()).map((s) => ({
      segmentID: String(s.id),
      collectionID: String(d.meta.id),
      partitionID: String(s.partitionId),
      num_rows: String(s.rowCount),
      state: s.state === 'growing' ? 'Growing' : s.persisted.state === 'sealed' ? 'Flushed' : 'Sealed',
      level: 'L1',
      is_sorted: false,
      storage_version: '0',
    }))
    return { status: okStatus(), infos }
  },

  /** One replica on the one node, holding every partition. */
  GetReplicas: (req, ctx, deps) => {
    const catalog = deps.client.database.state.catalog
    const meta = req.collection_name !== '' ? catalog.get(collectionKey(ctx, req.collection_name)) : [...catalog.collections.values()].find((c) => String(c.id) === String(req.collectionID))
    if (meta === undefined) throw errors.collectionNotFound(String(req.collectionID))
    const shard: Wire = { leaderID: NODE_ID, leader_addr: deps.identity.address, dm_channel_name: `quiver-dml_0_${meta.id}v0`, node_ids: [NODE_ID] }
    const replica: Wire = {
      replicaID: '1',
      collectionID: String(meta.id),
      partition_ids: meta.partitions.map((p) => String(p.id)),
      shard_replicas: req.with_shard_nodes === true ? [shard] : [{ ...shard, node_ids: [] }],
      node_ids: [NODE_ID],
      resource_group_name: '__default_resource_group',
      num_outbound_node: {},
    }
    return { status: okStatus(), replicas: meta.loaded ? [replica] : [] }
  },

  /** Milvus checks the collection first (100 when missing or unnamed); with one node there is nothing to balance (3000). */
  LoadBalance: (req, ctx, { client }) => {
    const name = typeof req.collectionName === 'string' ? req.collectionName : ''
    if (name === '') throw errors.collectionNotFound('')
    client.database.state.collection(collectionKey(ctx, name))
    throw errors.notSupported('LoadBalance moves segments between query nodes; Quiver serves every segment from its one node')
  },
}

/** Segments that hold rows (a fresh growing segment is not reported). */
function liveSegments(all: Iterable<Segment>): Segment[] {
  return [...all].filter((s) => s.rowCount > 0)
}

/** `system_info` in the shape of Milvus's topology answer, with one node. */
function systemInfo(deps: ServiceDeps): Wire {
  const { identity, client } = deps
  const now = new Date().toISOString()
  return {
    nodes_info: [
      {
        identifier: Number(NODE_ID),
        connected: [],
        infos: {
          has_error: false,
          error_reason: '',
          name: `quiver${NODE_ID}`,
          hardware_infos: { ip: identity.address, cpu_core_count: cpus().length, memory: totalmem(), memory_usage: totalmem() - freemem(), disk: 0, disk_usage: 0 },
          system_info: {
            system_version: identity.milvusVersion,
            deploy_mode: 'STANDALONE',
            build_version: `quiver-${identity.quiverVersion}`,
            build_time: new Date(identity.startedAtMs).toISOString(),
            used_go_version: `node ${process.version}`,
          },
          created_time: new Date(identity.startedAtMs).toISOString(),
          updated_time: now,
          type: 'standalone',
          id: Number(NODE_ID),
          system_configurations: { data_dir: identity.dataDir },
          quiver: {
            version: identity.quiverVersion,
            uptime_ms: Date.now() - identity.startedAtMs,
            collections: client.database.state.catalog.collections.size,
            applied_lsn: client.database.appliedLsn,
          },
        },
      },
    ],
  }
}
