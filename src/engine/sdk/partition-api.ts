import { DEFAULT_PARTITION } from '../../catalog/catalog.ts'
import { validateName } from '../../schema/name-rules.ts'
import { type ListedItem, type Req, timestampsOf } from './client-base.ts'
import { CollectionSchemaApi } from './collection-schema-api.ts'
import { asStatus, okStatus, type ResStatus } from './status.ts'

/** Partitions. */
export class PartitionApi extends CollectionSchemaApi {
  // ---- partitions ------------------------------------------------------------------------------

  createPartition(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.ddl.createPartition(this.key(req), req.partition_name)
      return okStatus()
    }, (s) => s)
  }

  dropPartition(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      await this.db.ddl.dropPartition(this.key(req), req.partition_name)
      return okStatus()
    }, (s) => s)
  }

  hasPartition(req: Req): Promise<{ status: ResStatus; value: boolean }> {
    return asStatus(
      () => {
        const name = validateName(req.partition_name, 'partition')
        return { status: okStatus(), value: this.db.state.catalog.get(this.key(req)).partitions.some((p) => p.name === name) }
      },
      (status) => ({ status, value: false }),
    )
  }

  showPartitions(req: Req): Promise<{ status: ResStatus; partition_names: string[]; partitionIDs: number[]; data: ListedItem[]; created_timestamps: string[]; created_utc_timestamps: string[] }> {
    return asStatus(
      () => {
        const meta = this.db.state.catalog.get(this.key(req))
        const data = meta.partitions.map((p) => ({ name: p.name, id: String(p.id), timestamp: String(p.createdTs), loadedPercentage: meta.loaded ? '100' : '0' }))
        return {
          status: okStatus(),
          partition_names: meta.partitions.map((p) => p.name),
          partitionIDs: meta.partitions.map((p) => p.id),
          data,
          ...timestampsOf(data),
        }
      },
      (status) => ({ status, partition_names: [], partitionIDs: [], data: [], created_timestamps: [], created_utc_timestamps: [] }),
    )
  }

  listPartitions(req: Req) {
    return this.showPartitions(req)
  }

  getPartitionStatistics(req: Req): Promise<{ status: ResStatus; stats: { key: string; value: string }[]; data: Record<string, string> }> {
    return asStatus(
      () => {
        const d = this.db.state.collection(this.key(req))
        const p = this.db.state.catalog.partition(d.meta, req.partition_name ?? DEFAULT_PARTITION)
        let rows = 0
        for (const s of d.segmentsOf(new Set([p.id]))) rows += s.liveCount()
        return { status: okStatus(), stats: [{ key: 'row_count', value: String(rows) }], data: { row_count: String(rows) } as Record<string, string> }
      },
      (status) => ({ status, stats: [], data: {} as Record<string, string> }),
    )
  }
}
