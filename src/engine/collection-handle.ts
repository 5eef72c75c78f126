import type { WriteOutcome } from '../collection/apply-write.ts'
import type { Database } from './database.ts'
import { type HighlightedHit, highlighterOf, searchHighlighted } from './highlight.ts'
import { countRows, getRows, type QueryOptions, queryRows, type Row, type SearchHit, searchRows } from './read-ops.ts'
import type { SearchSpec } from './search-spec.ts'
import { deleteData, writeData } from './write-ops.ts'

/** What a write did, with honest counts (DESIGN §1). Int64 keys are bigint, VarChar keys strings. */
export interface MutationResult {
  readonly insertCount: number
  readonly deleteCount: number
  readonly upsertCount: number
  readonly succCount: number
  readonly succIndex: number[]
  readonly errCount: number
  readonly errIndex: number[]
  readonly primaryKeys: bigint[] | string[]
  /** Hybrid timestamp of the write (physical ms << 18 | logical). */
  readonly timestamp: bigint
}

export interface DataWriteOptions {
  /** Target partition (overrides the handle's own). */
  readonly partitionName?: string
  readonly partition_name?: string
  readonly timeout?: number
  readonly partialUpdate?: boolean
  readonly partial_update?: boolean
}

export type DeleteRequest = readonly unknown[] | string | { readonly ids?: readonly unknown[]; readonly filter?: string; readonly params?: Record<string, unknown> }

function toResult(o: WriteOutcome): MutationResult {
  const n = o.primaryKeys.length
  const succIndex = Array.from({ length: n }, (_, i) => i)
  return {
    insertCount: o.insertCount,
    deleteCount: o.deleteCount,
    upsertCount: o.upsertCount,
    succCount: n,
    succIndex,
    errCount: 0,
    errIndex: [],
    primaryKeys: Array.from(o.primaryKeys as ArrayLike<bigint | string>) as bigint[] | string[],
    timestamp: o.ts,
  }
}

/**
 * The object-style API over the engine: `client.collection('book')` and `.partition('comedy')`.
 * Methods throw `MilvusError` on failure; a failed write changed nothing.
 */
export class Collection {
  protected readonly db: Database
  readonly name: string
  /** Partition the handle is scoped to (undefined: the whole collection, writes go to `_default`). */
  readonly partitionName: string | undefined

  constructor(db: Database, name: string, partitionName?: string) {
    this.db = db
    this.name = name
    this.partitionName = partitionName
  }

  partition(name: string): Partition {
    return new Partition(this.db, this.name, name)
  }

  private writeOpts(o: DataWriteOptions) {
    const partition = o.partitionName ?? o.partition_name ?? this.partitionName
    return {
      ...(partition === undefined ? {} : { partition }),
      ...(o.timeout === undefined ? {} : { timeoutMs: o.timeout }),
      ...(o.partialUpdate === true || o.partial_update === true ? { partial: true } : {}),
    }
  }

  private scope<T extends { partitions?: readonly string[] }>(o: T): T {
    return this.partitionName === undefined ? o : { ...o, partitions: [this.partitionName] }
  }

  async upsert(data: unknown, options: DataWriteOptions = {}): Promise<MutationResult> {
    return toResult(await writeData(this.db, this.name, data, 'upsert', this.writeOpts(options)))
  }

  async insert(data: unknown, options: Omit<DataWriteOptions, 'partialUpdate' | 'partial_update'> = {}): Promise<MutationResult> {
    return toResult(await writeData(this.db, this.name, data, 'insert', this.writeOpts(options)))
  }

  /** Deletes by ids (array), by filter (string) or `{ ids | filter, params }`; counts rows deleted. */
  async delete(target: DeleteRequest, options: Pick<DataWriteOptions, 'timeout' | 'partitionName' | 'partition_name'> = {}): Promise<MutationResult> {
    const t = typeof target === 'string' ? { filter: target } : Array.isArray(target) ? { ids: target } : (target as Exclude<DeleteRequest, string | readonly unknown[]>)
    const o = await deleteData(this.db, this.name, t, this.writeOpts(options))
    return { insertCount: 0, deleteCount: o.deleteCount, upsertCount: 0, succCount: 0, succIndex: [], errCount: 0, errIndex: [], primaryKeys: [], timestamp: o.ts }
  }

  get(ids: readonly unknown[], options: Omit<QueryOptions, 'filter' | 'params'> = {}): Promise<Row[]> {
    return Promise.resolve().then(() => getRows(this.db, this.name, ids, this.scope(options)))
  }

  query(options: QueryOptions = {}): Promise<Row[]> {
    return Promise.resolve().then(() => queryRows(this.db, this.name, this.scope(options)))
  }

  count(filter?: string, options: Omit<QueryOptions, 'filter'> = {}): Promise<number> {
    return Promise.resolve().then(() => countRows(this.db, this.name, this.scope({ ...options, ...(filter === undefined ? {} : { filter }) })))
  }

  /**
   * Exact search; one query vector gives one hit list, several give one list per vector. With a
   * `highlighter` (Milvus's Lexical highlighter options) each hit has `highlight[field]`.
   */
  search(vectors: unknown, options: Omit<SearchSpec, 'vectors'> & { highlighter?: unknown } = {}): Promise<HighlightedHit[][]> {
    return Promise.resolve().then(() => {
      // One copy of the options (no rest-then-spread: two clones per search); a stray `highlighter`
      // key in the spec is read by nothing.
      const spec = this.scope({ ...options, vectors })
      const h = options.highlighter === undefined ? undefined : highlighterOf(options.highlighter)
      return h === undefined ? searchRows(this.db, this.name, spec) : searchHighlighted(this.db, this.name, spec, h)
    })
  }

  async flush(): Promise<void> {
    await this.db.flush([this.db.state.catalog.get(this.name).id])
  }
}

/** A collection handle scoped to one partition. */
export class Partition extends Collection {
  override partition(name: string): Partition {
    return new Partition(this.db, this.name, name)
  }
}
