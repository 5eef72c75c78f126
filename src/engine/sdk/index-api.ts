import { expireTtlRows } from '../entity-ttl.ts'
import { parseClientJson } from '../../common/bounded-json.ts'
import { errors } from '../../errors/errors.ts'
import { createIndex, describeIndexes, dropIndex, type IndexDescription } from '../index-ops.ts'
import { alterIndex } from '../schema-ops.ts'
import { optional, type Req } from './client-base.ts'
import { propertiesOf, propertyKeysOf } from './property-request.ts'
import { PartitionApi } from './partition-api.ts'
import { asStatus, okStatus, type ResStatus } from './status.ts'

/** Indexes and compaction. */
export class IndexApi extends PartitionApi {
  // ---- indexes --------------------------------------------------------------------------------

  createIndex(req: Req | Req[]): Promise<ResStatus> {
    return asStatus(async () => {
      for (const r of Array.isArray(req) ? req : [req]) {
        const extra = (r.extra_params ?? {}) as Req
        const rawParams = r.params ?? extra.params
        const params = (typeof rawParams === 'string' ? parseClientJson(rawParams, 'index params') : rawParams) ?? {}
        await createIndex(this.db, this.key(r), {
          fieldName: r.field_name,
          ...optional('indexName', r.index_name),
          ...optional('indexType', r.index_type ?? extra.index_type),
          ...optional('metricType', r.metric_type ?? extra.metric_type),
          params,
        })
      }
      return okStatus()
    }, (s) => s)
  }

  describeIndex(req: Req): Promise<{ status: ResStatus; index_descriptions: Record<string, unknown>[] }> {
    return asStatus(
      () => ({ status: okStatus(), index_descriptions: describeIndexes(this.db, this.key(req), indexTarget(req)).map(describeOne) }),
      (status) => ({ status, index_descriptions: [] }),
    )
  }

  listIndexes(req: Req): Promise<{ status: ResStatus; indexes: string[] }> {
    return asStatus(
      () => ({ status: okStatus(), indexes: this.db.state.collection(this.key(req)).meta.indexes.map((i) => i.name) }),
      (status) => ({ status, indexes: [] }),
    )
  }

  getIndexState(req: Req): Promise<{ status: ResStatus; state: string }> {
    return asStatus(
      () => ({ status: okStatus(), state: describeIndexes(this.db, this.key(req), indexTarget(req))[0]!.state }),
      (status) => ({ status, state: 'IndexStateNone' }),
    )
  }

  getIndexBuildProgress(req: Req): Promise<{ status: ResStatus; indexed_rows: number; total_rows: number }> {
    return asStatus(
      () => {
        const d = describeIndexes(this.db, this.key(req), indexTarget(req))[0]!
        return { status: okStatus(), indexed_rows: d.indexedRows, total_rows: d.totalRows }
      },
      (status) => ({ status, indexed_rows: 0, total_rows: 0 }),
    )
  }

  dropIndex(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await dropIndex(this.db, this.key(req), indexTarget(req))
      return okStatus()
    }, (s) => s)
  }

  /** Sets index properties (`params`, e.g. `{ 'mmap.enabled': true }`) or removes `delete_keys`. */
  alterIndexProperties(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      if (typeof req.index_name !== 'string' || req.index_name === '') throw errors.invalid('index name is empty')
      await alterIndex(this.db, this.key(req), req.index_name, propertiesOf(req.params ?? req.extra_params, 'params'), propertyKeysOf(req.delete_keys, 'delete_keys'))
      return okStatus()
    }, (s) => s)
  }

  /** Deprecated name of `alterIndexProperties` in the SDK. */
  alterIndex(req: Req): Promise<ResStatus> {
    return this.alterIndexProperties(req)
  }

  /** `properties` here is the list of keys to remove (the SDK's request shape). */
  dropIndexProperties(req: Req): Promise<ResStatus> {
    return this.alterIndexProperties({ ...req, params: {}, delete_keys: req.properties ?? req.delete_keys ?? [] })
  }

  /** `describeIndex` by another name (Milvus: the indexes' row counts and state); all indexes without `index_name`. */
  getIndexStatistics(req: Req): Promise<{ status: ResStatus; index_descriptions: Record<string, unknown>[] }> {
    return this.describeIndex({ ...req, field_name: undefined, index_name: typeof req.index_name === 'string' && req.index_name !== '' ? req.index_name : undefined })
  }

  // ---- compaction -----------------------------------------------------------------------------

  compact(req: Req): Promise<{ status: ResStatus; compactionID: string; compactionPlanCount: number }> {
    return asStatus(
      async () => {
        // Entity-level TTL: expired rows become deletes first, so this compaction purges them (Milvus drops them at compaction).
        const d = this.db.state.collection(this.key(req))
        checkTargetSize(req.target_size, this.db.options.segmentBytesMax)
        await expireTtlRows(this.db, this.key(req))
        const record = await this.db.compactions.compactNow(d, () => this.db.latestTs())
        return { status: okStatus(), compactionID: String(record.id), compactionPlanCount: record.merges.length }
      },
      (status) => ({ status, compactionID: '0', compactionPlanCount: 0 }),
    )
  }

  getCompactionState(req: Req): Promise<{ status: ResStatus; state: string; executingPlanNo: string; timeoutPlanNo: string; completedPlanNo: string; failedPlanNo: string }> {
    return asStatus(
      () => {
        const r = this.db.compactions.records.get(Number(req.compactionID))
        if (r === undefined) throw errors.invalid(`compaction ${String(req.compactionID)} not found`)
        const executing = r.state === 'executing' ? r.merges.length : 0
        const done = executing > 0 ? 0 : r.merges.length - r.failedCount
        return { status: okStatus(), state: executing > 0 ? 'Executing' : 'Completed', executingPlanNo: String(executing), timeoutPlanNo: '0', completedPlanNo: String(done), failedPlanNo: String(r.failedCount) }
      },
      (status) => ({ status, state: 'UndefiedState', executingPlanNo: '0', timeoutPlanNo: '0', completedPlanNo: '0', failedPlanNo: '0' }),
    )
  }

  getCompactionStateWithPlans(req: Req): Promise<{ status: ResStatus; state: string; mergeInfos: { sources: string[]; target: string }[] }> {
    return asStatus(
      () => {
        const r = this.db.compactions.records.get(Number(req.compactionID))
        if (r === undefined) throw errors.invalid(`compaction ${String(req.compactionID)} not found`)
        return { status: okStatus(), state: 'Completed', mergeInfos: r.merges.map((m) => ({ sources: m.sources.map(String), target: String(m.target ?? 0) })) }
      },
      (status) => ({ status, state: 'UndefiedState', mergeInfos: [] }),
    )
  }
}

function indexTarget(req: Req): { indexName?: string; fieldName?: string } {
  return { ...optional('indexName', req.index_name as string | undefined), ...optional('fieldName', req.field_name as string | undefined) }
}

/** `describeIndex` entry in the SDK's shape. */
function describeOne(d: IndexDescription): Record<string, unknown> {
  const params = [
    { key: 'index_type', value: d.meta.indexType },
    ...(d.meta.metricType === undefined ? [] : [{ key: 'metric_type', value: d.meta.metricType }]),
    ...(d.meta.userParamsFlat === true
      ? Object.entries(d.meta.userParams ?? d.meta.params).map(([key, value]) => ({ key, value: String(value) }))
      : [{ key: 'params', value: JSON.stringify(d.meta.userParams ?? d.meta.params) }]),
    ...Object.entries(d.meta.properties ?? {}).map(([key, value]) => ({ key, value })),
  ]
  return {
    index_name: d.meta.name,
    indexID: d.meta.id,
    params,
    field_name: d.meta.fieldName,
    indexed_rows: String(d.indexedRows),
    total_rows: String(d.totalRows),
    state: d.state,
    index_state_fail_reason: '',
    pending_index_rows: String(d.pendingIndexRows),
  }
}

const MIB = 1024 * 1024

/**
 * Milvus's `target_size` of a manual compaction (MB): smaller than the configured segment size is
 * 1100 with Milvus's message; Quiver merges to its segment size (`segmentBytesMax`) only, so a larger
 * target is refused (3000) rather than ignored.
 */
function checkTargetSize(raw: unknown, segmentBytesMax: number): void {
  if (raw === undefined || raw === null || raw === '' || Number(raw) === 0) return
  const mb = Number(raw)
  const configMb = Math.floor(segmentBytesMax / MIB)
  if (!Number.isInteger(mb) || mb < 0) throw errors.invalid(`target_size should be a whole number of MB, got ${String(raw)}`)
  if (mb < configMb) throw errors.invalid(`targetSize ${mb} MB should be greater than or equal to configMaxSize ${configMb} MB`)
  if (mb > configMb) throw errors.notSupported(`compaction to a target_size (${mb} MB) other than the segment size (${configMb} MB, segmentBytesMax) is not supported by Quiver`)
}
