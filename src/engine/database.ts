import { isTimezoneValid } from '../common/timestamptz.ts'
import { checkTtlField } from '../catalog/ttl-field.ts'
import { totalmem } from 'node:os'
import { type Timestamp, TimestampOracle } from '../common/hybrid-ts.ts'
import { type CollectionMeta, DEFAULT_DATABASE, qualify, splitKey, DEFAULT_PARTITION } from '../catalog/catalog.ts'
import { alteredProperties, initialProperties, type Properties, PropertyKey, timezoneOf } from '../catalog/properties.ts'
import type { WriteOutcome } from '../collection/apply-write.ts'
import { ErrorCode, errors, MilvusError } from '../errors/errors.ts'
import { type CollectionSchema, createCollectionSchema, type SchemaSpec } from '../schema/collection-schema.ts'
import { structSpecOf } from '../schema/struct-array-schema.ts'
import { validateName } from '../schema/name-rules.ts'
import { type ConsistencyLevel, DEFAULT_CONSISTENCY_LEVEL } from '../catalog/consistency-level.ts'
import { stringifyWithBigint } from '../common/json-bigint.ts'
import { decodeDeletes, restoreDeletes } from '../segment/delete-file.ts'
import { decodeSegment } from '../segment/segment-file.ts'
import { acquireDirLock, type DirLock } from '../storage/dir-lock.ts'
import { LocalFileStore } from '../storage/local-file-store.ts'
import { FileMetaStore } from '../storage/meta-store.ts'
import type { FileStore } from '../storage/file-store.ts'
import { VectorArena } from '../vector/vector-arena.ts'
import { Wal } from '../wal/wal.ts'
import { isCheckpointCancelled, planCheckpoint, writeCheckpoint } from './checkpoint.ts'
import { type ApplyResult, DbState } from './db-state.ts'
import type { Manifest } from './manifest.ts'
import { defaults, type OpenOptions } from './open-options.ts'
import { Compactions } from './compactions.ts'
import { IndexBuilds } from './index-builds.ts'
import { loadSegmentIndexes } from './index-files.ts'
import { type CloseStats, msSince, type OpenStats } from './lifecycle-stats.ts'
import { estimateRowBytes } from './row-bytes.ts'
import { decodeCommand, encodeCommand, type WalCommand } from './wal-record.ts'

type CommandBody = WalCommand extends infer C ? (C extends WalCommand ? Omit<C, 'ts'> : never) : never

/**
 * One Quiver database in a data directory: the state, its WAL and checkpoints. Writes are WAL
 * commands applied in LSN order after they are durable; reads run on the applied state.
 * Read operations live in `reads.ts`, write operations in `writes.ts`; this class owns the lifecycle.
 */
export class Database {
  readonly state: DbState
  readonly options: Required<Omit<OpenOptions, 'fileStore'>>
  private readonly store: FileStore
  private readonly meta: FileMetaStore
  private wal!: Wal
  private readonly oracle = new TimestampOracle()
  /** LSN and timestamp of the last command applied. */
  appliedLsn = 0
  appliedTs: Timestamp = 0n
  private closed = false
  private checkpointChain: Promise<void> = Promise.resolve()
  /** A checkpoint queued behind the running one and not started yet: later requests share it. */
  private pendingCheckpoint: Promise<void> | undefined
  /** The running checkpoint and the LSN it captured. */
  private runningCheckpoint: { readonly lsn: number; readonly done: Promise<void> } | undefined
  private walBytesAtCheckpoint = 0
  private backgroundError: unknown = undefined
  /** Builds vector indexes of sealed segments in a worker thread. */
  readonly indexBuilds: IndexBuilds
  /** Merges small segments and purges deleted rows. */
  readonly compactions: Compactions
  /** True while a checkpoint writes files that reference live vector memory. */
  private checkpointWriting = false
  private readonly deferredFrees: Float32Array[] = []
  /** Commands appended and not yet settled; close() waits for them. */
  private readonly inflight = new Set<Promise<unknown>>()
  /** The one close (later calls share it). */
  private closing: Promise<void> | undefined
  /** `stopBackgroundWork`, once. */
  private backgroundStopped: Promise<void> | undefined
  /** Aborted at close's deadline: a checkpoint still writing stops before its next file or its manifest. */
  private readonly checkpointAbort = new AbortController()
  /**
   * Changes that reach segment files only through a checkpoint and have no WAL record (an index
   * built, a compaction swapped in), counted; `persistedChanges` is the count the last checkpoint saw.
   */
  private unloggedChanges = 0
  private persistedChanges = 0
  /** LSN of the last checkpoint written (or loaded at open). */
  private checkpointedLsn = 0
  /** Where `open` spent its time. */
  openStats: OpenStats | undefined
  /** Where `close` spent its time (set once it finished). */
  closeStats: CloseStats | undefined

  /** This process's hold on the data directory (none with an injected file store). */
  private dirLock: DirLock | undefined

  private constructor(options: OpenOptions, store: FileStore) {
    this.options = {
      path: options.path,
      sync: options.sync ?? true,
      segmentBytesMax: options.segmentBytesMax ?? defaults.segmentBytesMax,
      segmentRowsMax: options.segmentRowsMax ?? defaults.segmentRowsMax,
      walCheckpointBytes: options.walCheckpointBytes ?? defaults.walCheckpointBytes,
      walFileBytesMax: options.walFileBytesMax ?? defaults.walFileBytesMax,
      timeTravelRetentionMs: options.timeTravelRetentionMs ?? defaults.timeTravelRetentionMs,
      autoCompaction: options.autoCompaction ?? true,
      compactionConcurrencyMax: options.compactionConcurrencyMax ?? defaults.compactionConcurrencyMax,
      flushRateMax: options.flushRateMax ?? 0,
      closeCheckpointMsMax: options.closeCheckpointMsMax ?? defaults.closeCheckpointMsMax,
      memoryBytesMax: options.memoryBytesMax ?? Math.floor(totalmem() * 0.8),
      log: options.log ?? ((m: string) => console.warn(`[quiver] ${m}`)),
    }
    this.store = store
    this.meta = new FileMetaStore(store)
    const arena = VectorArena.shared()
    this.state = new DbState(
      {
        allocFloat32: (n, zeroed) => arena.allocFloat32(n, zeroed),
        // A checkpoint being written may still read vectors it captured: frees wait for it.
        free: (v) => (this.checkpointWriting ? this.deferredFrees.push(v) : arena.free(v)),
      },
      (meta) => this.sealPolicyFor(meta.schema),
    )
    this.indexBuilds = new IndexBuilds(this.state, (m) => this.log(m), () => {
      this.unloggedChanges++
      this.requestCheckpoint()
    })
    this.compactions = new Compactions(
      this.state,
      {
        retentionMs: this.options.timeTravelRetentionMs,
        enabled: this.options.autoCompaction,
        concurrencyMax: this.options.compactionConcurrencyMax,
        readFile: (p) => this.store.readFile(p),
        log: (m) => this.log(m),
      },
      () => {
        this.unloggedChanges++
        this.indexBuilds.schedule()
        this.requestCheckpoint()
      },
    )
  }

  static async open(options: OpenOptions): Promise<Database> {
    if (typeof options.path !== 'string' || options.path === '') throw errors.invalid('path of the data directory is required')
    await VectorArena.init()
    const store = options.fileStore ?? new LocalFileStore(options.path)
    await store.mkdirp('.')
    // One process per data directory (an injected store is the caller's business: tests, faults).
    const lock = options.fileStore === undefined ? await acquireDirLock(options.path) : undefined
    const db = new Database(options, store)
    try {
      await db.recover()
    } catch (e) {
      await lock?.release()
      throw e
    }
    db.dirLock = lock
    // Work a previous process left undone (or cancelled at its close) resumes: missing indexes, compaction.
    db.indexBuilds.schedule()
    db.compactions.schedule(() => db.latestTs())
    return db
  }

  private sealPolicyFor(schema: CollectionSchema) {
    const byBytes = Math.floor(this.options.segmentBytesMax / estimateRowBytes(schema))
    return { segmentRowsMax: Math.max(1, Math.min(this.options.segmentRowsMax, byBytes)) }
  }

  private log(message: string): void {
    this.options.log(message)
  }

  /** Manifest + segment files, then WAL replay of everything after the checkpoint. */
  private async recover(): Promise<void> {
    const startMs = performance.now()
    const stats: OpenStats = { manifestMs: 0, segmentsMs: 0, indexesMs: 0, walReadMs: 0, walReplayMs: 0, totalMs: 0, segmentCount: 0, segmentBytes: 0, indexBytes: 0, walBytes: 0, walRecords: 0 }
    await this.meta.removeTemporaries((m) => this.log(m))
    const manifest = (await this.meta.load()) as Manifest | undefined
    stats.manifestMs = msSince(startMs)
    if (manifest !== undefined) await this.loadManifest(manifest, stats)
    const checkpointLsn = manifest?.checkpointLsn ?? 0
    const walStartMs = performance.now()
    const { wal, records, bytesRead } = await Wal.open(this.store, 'wal', {
      sync: this.options.sync,
      fileBytesMax: this.options.walFileBytesMax,
      log: (m) => this.log(m),
      fromLsn: checkpointLsn,
    })
    stats.walReadMs = msSince(walStartMs)
    stats.walBytes = bytesRead
    this.wal = wal
    this.appliedLsn = checkpointLsn
    this.checkpointedLsn = checkpointLsn
    const replayStartMs = performance.now()
    for (const rec of records) {
      if (rec.lsn <= checkpointLsn) continue
      stats.walRecords++
      const cmd = decodeCommand(rec.payload)
      this.oracle.observe(cmd.ts)
      this.appliedLsn = rec.lsn
      this.appliedTs = cmd.ts
      try {
        this.state.apply(cmd)
      } catch (e) {
        // A command rejected when first applied is rejected again: same state, same decision.
        if (!(e instanceof MilvusError)) throw e
      }
    }
    this.walBytesAtCheckpoint = 0
    stats.walReplayMs = msSince(replayStartMs)
    stats.totalMs = msSince(startMs)
    this.openStats = stats
  }

  private async loadManifest(m: Manifest, stats: OpenStats): Promise<void> {
    this.oracle.observe(BigInt(m.lastTs))
    this.appliedTs = BigInt(m.lastTs)
    const catalog = this.state.catalog
    catalog.nextId = m.nextId
    for (const d of m.databases ?? []) catalog.databases.set(d.name, { id: d.id, name: d.name, createdTs: BigInt(d.createdTs), properties: d.properties ?? {} })
    for (const [alias, id] of m.aliases ?? []) catalog.aliases.set(alias, id)
    for (const c of m.collections) {
      const schema = createCollectionSchema({
        name: c.schema.name,
        description: c.schema.description,
        fields: c.schema.fields.filter((f) => f.structOf === undefined),
        enableDynamicField: c.schema.enableDynamicField,
        numPartitions: c.schema.numPartitions,
        ...(c.schema.structArrayFields === undefined ? {} : { structArrayFields: c.schema.structArrayFields.map((s) => structSpecOf(s, c.schema.fields)) }),
      })
      const meta: CollectionMeta = {
        id: c.id,
        name: c.name,
        database: c.database ?? DEFAULT_DATABASE,
        schema,
        createdTs: BigInt(c.createdTs),
        partitions: c.partitions.map((p) => ({ id: p.id, name: p.name, createdTs: BigInt(p.createdTs) })),
        indexes: (c.indexes ?? []).map((i) => ({ ...i, createdTs: BigInt(i.createdTs) })),
        loaded: c.loaded,
        properties: c.properties ?? {},
        ...(c.consistencyLevel === undefined ? {} : { consistencyLevel: c.consistencyLevel }),
      }
      catalog.collections.set(catalog.keyOf(meta), meta)
      const data = this.state.addCollectionData(meta)
      // One file ahead: the next segment file is read while this one decodes (cold caches, object stores).
      const read = (i: number) => {
        const pending = c.segments[i] === undefined ? undefined : this.store.readFile(c.segments[i]!.dataFile)
        pending?.catch(() => {})
        return pending
      }
      let ahead = read(0)
      for (const [i, s] of c.segments.entries()) {
        const segmentStartMs = performance.now()
        const bytes = await ahead!
        ahead = read(i + 1)
        stats.segmentBytes += bytes.byteLength
        const seg = decodeSegment(bytes, schema, this.state.allocator, s.dataFile)
        seg.state = s.state
        if (s.deleteFile !== undefined) restoreDeletes(seg.deletes, decodeDeletes(await this.store.readFile(s.deleteFile), s.deleteFile))
        seg.persisted = {
          rowCount: s.rowCount,
          state: s.state,
          deleteCount: s.deleteCount,
          dataFile: s.dataFile,
          ...(s.deleteFile === undefined ? {} : { deleteFile: s.deleteFile }),
        }
        data.adoptSegment(seg)
        stats.segmentCount++
        stats.segmentsMs += msSince(segmentStartMs)
        const indexStartMs = performance.now()
        stats.indexBytes += await loadSegmentIndexes(this.store, seg, meta, s.indexFiles ?? [], (m) => this.log(m))
        stats.indexesMs += msSince(indexStartMs)
      }
    }
  }

  assertOpen(): void {
    if (this.closed) throw errors.closed()
  }

  /**
   * Stamps a command, appends it to the WAL and resolves with what applying it produced, once it is
   * durable and applied. Stamping and appending happen in one synchronous step, so LSN order equals
   * timestamp order. `deadlineMs` (epoch ms): if already passed, nothing is written.
   */
  submit(body: CommandBody, deadlineMs?: number): Promise<ApplyResult> {
    this.assertOpen()
    if (this.backgroundError !== undefined) {
      const e = this.backgroundError
      this.backgroundError = undefined
      return Promise.reject(e)
    }
    if (deadlineMs !== undefined && Date.now() > deadlineMs) {
      return Promise.reject(errors.timeout('the request timed out before it was written; nothing was changed'))
    }
    const ts = this.oracle.next()
    const cmd = { ...body, ts } as WalCommand
    const pending = this.wal.append(encodeCommand(cmd), (lsn) => {
      this.appliedLsn = lsn
      this.appliedTs = ts
      const result = this.state.apply(cmd)
      this.maybeCheckpoint()
      return result
    })
    const settled: Promise<unknown> = pending.then(
      () => this.inflight.delete(settled),
      () => this.inflight.delete(settled),
    )
    this.inflight.add(settled)
    return pending
  }

  /** n new autoID keys: hybrid timestamps, unique and increasing across restarts. */
  allocateIds(n: number): BigInt64Array {
    const out = new BigInt64Array(n)
    for (let i = 0; i < n; i++) out[i] = this.oracle.next()
    return out
  }

  /** Timestamp of the newest applied command: reads at it are Strong. */
  latestTs(): Timestamp {
    return this.appliedTs
  }

  private maybeCheckpoint(): void {
    const walGrowth = this.wal.stats.bytesWritten - this.walBytesAtCheckpoint
    const sealed = this.state.sealedSinceCheckpoint > 0
    if (sealed || this.state.indexesChanged > 0) {
      this.state.indexesChanged = 0
      this.indexBuilds.schedule()
    }
    if (sealed || walGrowth > this.options.walCheckpointBytes) this.requestCheckpoint()
  }

  /** Runs a checkpoint in the background (at most one queued). */
  private requestCheckpoint(): void {
    if (this.pendingCheckpoint !== undefined || this.closed) return
    this.checkpoint().catch((e) => {
      // Cancelled by close: nothing is lost (the WAL holds it) and nobody is left to tell.
      if (isCheckpointCancelled(e)) return
      this.backgroundError = e
      this.log(`background checkpoint failed: ${String(e)}`)
    })
  }

  /**
   * Writes changed segments and a new manifest, then drops WAL files the manifest covers. A
   * checkpoint captures the state when it starts, so a call while one is queued and not started
   * shares that one (it covers everything applied before the call).
   */
  checkpoint(): Promise<void> {
    if (this.pendingCheckpoint !== undefined) return this.pendingCheckpoint
    const run: Promise<void> = this.checkpointChain.then(async () => {
      this.pendingCheckpoint = undefined
      const lsn = this.appliedLsn
      this.runningCheckpoint = { lsn, done: run }
      const walBytes = this.wal.stats.bytesWritten
      const changes = this.unloggedChanges
      this.state.sealedSinceCheckpoint = 0
      const plan = planCheckpoint(this.state, lsn, this.oracle.current())
      this.checkpointWriting = true
      try {
        await writeCheckpoint(this.store, this.meta, plan, this.checkpointAbort.signal)
        this.checkpointedLsn = lsn
        this.persistedChanges = changes
      } finally {
        this.runningCheckpoint = undefined
        this.checkpointWriting = false
        const arena = VectorArena.shared()
        for (const v of this.deferredFrees.splice(0)) arena.free(v)
      }
      await this.wal.checkpoint(lsn)
      this.walBytesAtCheckpoint = walBytes
      // Everything a failed background checkpoint would have persisted is persisted now.
      this.backgroundError = undefined
      if (!this.closed) this.compactions.schedule(() => this.latestTs())
    })
    this.pendingCheckpoint = run
    this.checkpointChain = run.catch(() => {})
    return run
  }

  /**
   * Seals the growing segments of the collections and makes everything durable in segment files:
   * one checkpoint (the one the seal requested, if it has not started yet).
   */
  async flush(collectionIds: readonly number[]): Promise<void> {
    this.checkFlushRate(collectionIds)
    for (const id of collectionIds) await this.submit({ type: 'seal', collectionId: id })
    // The seal requested a checkpoint; if it already started, it captured the seal: wait for that one.
    const running = this.runningCheckpoint
    try {
      await (running !== undefined && running.lsn >= this.appliedLsn ? running.done : this.checkpoint())
    } catch (e) {
      // Reported here: not again to the next write.
      if (this.backgroundError === e) this.backgroundError = undefined
      throw e
    }
  }

  private readonly lastFlushMs = new Map<number, number>()

  /** Milvus's flush rate limit (`quotaAndLimits.flushRate.collection.max`): code 8 when exceeded. */
  private checkFlushRate(collectionIds: readonly number[]): void {
    const rate = this.options.flushRateMax
    if (rate <= 0) return
    const now = Date.now()
    for (const id of collectionIds) {
      const last = this.lastFlushMs.get(id)
      if (last !== undefined && now - last < 1000 / rate) {
        throw new MilvusError(ErrorCode.RateLimit, `request is rejected by grpc RateLimiter middleware, please retry later: flush of collection ${id} exceeds ${rate} per second`)
      }
    }
    for (const id of collectionIds) this.lastFlushMs.set(id, now)
  }

  /**
   * Cancels the running index build and compactions and starts no more (`close` does it too): their
   * worker threads are terminated, nothing of their work is kept, and after the next open they run
   * again (the segments are still unindexed / uncompacted). Reads and writes go on meanwhile.
   */
  stopBackgroundWork(): Promise<void> {
    this.backgroundStopped ??= Promise.all([this.indexBuilds.stop(), this.compactions.stop()]).then(() => {})
    return this.backgroundStopped
  }

  /**
   * Closes the database, promptly whatever runs: index builds and compactions are cancelled (they
   * resume after the next open), writes already handed to the WAL finish, then a last checkpoint
   * writes what is not yet in segment files — skipped when nothing is, and stopped (before its
   * manifest) after `closeCheckpointMsMax`: every acknowledged write is in the WAL either way, so the
   * next open replays what the checkpoint did not cover. Later calls share the first one's promise.
   */
  close(): Promise<void> {
    this.closing ??= this.closeOnce()
    return this.closing
  }

  private async closeOnce(): Promise<void> {
    const startMs = performance.now()
    this.closed = true
    const stats: CloseStats = { cancelMs: 0, cancelledBuilds: 0, cancelledCompactions: 0, inflightMs: 0, checkpoint: 'skipped', checkpointMs: 0, releaseMs: 0, totalMs: 0 }
    await Promise.all([
      this.stopBackgroundWork().then(() => (stats.cancelMs = msSince(startMs))),
      Promise.allSettled([...this.inflight]).then(() => (stats.inflightMs = msSince(startMs))),
    ])
    stats.cancelledBuilds = this.indexBuilds.cancelledCount
    stats.cancelledCompactions = this.compactions.cancelledCount
    const checkpointStartMs = performance.now()
    // 0: no time for it at all (every write is left to WAL replay).
    if (this.options.closeCheckpointMsMax <= 0) this.checkpointAbort.abort()
    const deadline = setTimeout(() => this.checkpointAbort.abort(), this.options.closeCheckpointMsMax)
    try {
      await this.checkpointChain
      stats.checkpoint = await this.lastCheckpoint()
    } catch (e) {
      // Disk full or the like: the WAL still holds every acknowledged write; the next open replays it.
      stats.checkpoint = 'failed'
      throw e
    } finally {
      clearTimeout(deadline)
      stats.checkpointMs = msSince(checkpointStartMs)
      const releaseStartMs = performance.now()
      await this.wal.close()
      for (const d of this.state.data.values()) d.release()
      this.state.data.clear()
      await this.dirLock?.release()
      stats.releaseMs = msSince(releaseStartMs)
      stats.totalMs = msSince(startMs)
      this.closeStats = stats
    }
  }

  /** Close's checkpoint: none when the last one covers everything applied, else one bounded by the deadline. */
  private async lastCheckpoint(): Promise<CloseStats['checkpoint']> {
    if (this.appliedLsn === this.checkpointedLsn && this.unloggedChanges === this.persistedChanges) return 'skipped'
    // No time left (0, or a background checkpoint used it up): do not even plan one.
    if (this.checkpointAbort.signal.aborted) return this.lastCheckpointCancelled()
    try {
      await this.checkpoint()
      return 'written'
    } catch (e) {
      if (!isCheckpointCancelled(e)) throw e
      return this.lastCheckpointCancelled()
    }
  }

  private lastCheckpointCancelled(): 'cancelled' {
    this.log(`close: no time for the last checkpoint (closeCheckpointMsMax ${this.options.closeCheckpointMsMax} ms); the WAL holds every write since lsn ${this.checkpointedLsn} and the next open replays it`)
    return 'cancelled'
  }

  // ---- DDL -------------------------------------------------------------------------------------

  /** Creates a collection (in `database`, default `default`); returns its catalog entry. */
  async createCollection(spec: SchemaSpec, database = DEFAULT_DATABASE, properties: Properties = {}, consistencyLevel: ConsistencyLevel = DEFAULT_CONSISTENCY_LEVEL): Promise<CollectionMeta> {
    const dbMeta = this.state.catalog.databases.get(database)
    const asked = properties[PropertyKey.timezone]
    const timezone = isTimezoneValid(asked) ? asked : timezoneOf(dbMeta?.properties ?? {})
    const schema = createCollectionSchema({ ...spec, timezone })
    const key = qualify(database, schema.name)
    if (dbMeta === undefined) throw errors.databaseNotFound(database)
    const existing = this.state.catalog.collections.get(key)
    if (existing !== undefined) {
      // Milvus 2.6: re-creating an identical collection succeeds and changes nothing.
      if (sameSchema(existing.schema, schema) && (existing.consistencyLevel ?? DEFAULT_CONSISTENCY_LEVEL) === consistencyLevel) return existing
      throw errors.invalid(`create duplicate collection with different parameters, collection: ${schema.name}`)
    }
    if (this.state.catalog.has(key)) throw errors.collectionExists(schema.name)
    this.state.catalog.checkCollectionRoom(database)
    const props = initialProperties(properties, 'collection')
    checkTtlField(schema, props)
    await this.submit({
      type: 'createCollection',
      schema,
      ...(database === DEFAULT_DATABASE ? {} : { database }),
      ...(Object.keys(props).length === 0 ? {} : { properties: props }),
      consistencyLevel,
    })
    return this.state.catalog.get(key)
  }

  async createDatabase(name: string, properties: Properties = {}): Promise<void> {
    validateName(name, 'database')
    if (this.state.catalog.databases.has(name)) throw errors.invalid(`database already exist: ${name}`)
    const props = initialProperties(properties, 'database')
    await this.submit({ type: 'createDatabase', name, ...(Object.keys(props).length === 0 ? {} : { properties: props }) })
  }

  /** Sets `set` or deletes `deleteKeys` (not both) on a collection; checked before anything is written. */
  async alterCollectionProperties(collection: string, set: Properties, deleteKeys: readonly string[]): Promise<void> {
    const meta = this.state.catalog.get(collection)
    checkTtlField(meta.schema, alteredProperties(meta.properties, set, deleteKeys, 'collection'))
    await this.submit({ type: 'alterCollectionProperties', collectionId: meta.id, set, deleteKeys })
  }

  async alterDatabaseProperties(name: string, set: Properties, deleteKeys: readonly string[]): Promise<void> {
    const db = this.state.catalog.databases.get(name)
    if (db === undefined) throw errors.databaseNotFound(name)
    alteredProperties(db.properties, set, deleteKeys, 'database')
    await this.submit({ type: 'alterDatabaseProperties', name, set, deleteKeys })
  }

  async dropDatabase(name: string): Promise<void> {
    if (!this.state.catalog.databases.has(name)) throw errors.databaseNotFound(name)
    await this.submit({ type: 'dropDatabase', name })
  }

  listDatabases(): string[] {
    return [...this.state.catalog.databases.keys()]
  }

  /** Creates (or, with `alter`, moves) an alias in the collection's database. */
  async setAlias(collection: string, alias: string, alter: boolean): Promise<void> {
    validateName(alias, 'alias')
    const meta = this.state.catalog.get(collection)
    const aliasKey = qualify(meta.database, alias)
    if (alter && !this.state.catalog.aliases.has(aliasKey)) throw errors.invalid(`alias does not exist[alias=${alias}]`)
    await this.submit({ type: alter ? 'alterAlias' : 'createAlias', alias: aliasKey, collection: this.state.catalog.keyOf(meta) })
  }

  /** Dropping an alias that does not exist succeeds (Milvus 2.6: DDL is idempotent). */
  async dropAlias(database: string, alias: string): Promise<void> {
    validateName(alias, 'alias')
    if (!this.state.catalog.databases.has(database)) throw errors.databaseNotFound(database)
    const key = qualify(database, alias)
    if (!this.state.catalog.aliases.has(key)) return
    await this.submit({ type: 'dropAlias', alias: key })
  }

  /** Aliases of a database (all when undefined), with the collection each points at. */
  listAliases(database?: string): { alias: string; collection: string; database: string }[] {
    const out: { alias: string; collection: string; database: string }[] = []
    for (const [key, id] of this.state.catalog.aliases) {
      const { database: db, name } = splitKey(key)
      if (database !== undefined && db !== database) continue
      const meta = [...this.state.catalog.collections.values()].find((c) => c.id === id)
      if (meta !== undefined) out.push({ alias: name, collection: meta.name, database: db })
    }
    return out
  }

  async dropCollection(name: string): Promise<void> {
    const meta = this.state.catalog.get(name)
    await this.submit({ type: 'dropCollection', collectionId: meta.id })
  }

  async renameCollection(from: string, to: string, toDatabase?: string): Promise<void> {
    validateName(to, 'collection')
    const meta = this.state.catalog.get(from)
    const database = toDatabase === undefined || toDatabase === '' ? meta.database : toDatabase
    if (!this.state.catalog.databases.has(database)) throw errors.databaseNotFound(database)
    if (this.state.catalog.has(qualify(database, to))) throw errors.invalid(`duplicated new collection name ${to} with other collection name or alias`)
    await this.submit({ type: 'renameCollection', collectionId: meta.id, newName: to, ...(database === meta.database ? {} : { newDatabase: database }) })
  }

  async createPartition(collection: string, partition: string): Promise<void> {
    validateName(partition, 'partition')
    const meta = this.state.catalog.get(collection)
    // Milvus's proxy answers these with a plain error (65535, UnexpectedError), not 1100.
    if (meta.schema.numPartitions > 0) throw new MilvusError(ErrorCode.Unexpected, 'disable create partition if partition key mode is used')
    // Milvus 2.6: creating a partition that exists succeeds and changes nothing.
    if (meta.partitions.some((p) => p.name === partition)) return
    await this.submit({ type: 'createPartition', collectionId: meta.id, partition })
  }

  async dropPartition(collection: string, partition: string): Promise<void> {
    validateName(partition, 'partition')
    const meta = this.state.catalog.get(collection)
    if (partition === DEFAULT_PARTITION) throw errors.invalid('default partition cannot be deleted')
    if (meta.schema.numPartitions > 0) throw new MilvusError(ErrorCode.Unexpected, 'disable drop partition if partition key mode is used')
    // Milvus 2.6: dropping a partition that does not exist succeeds.
    if (!meta.partitions.some((p) => p.name === partition)) return
    await this.submit({ type: 'dropPartition', collectionId: meta.id, partition })
  }

  async setLoaded(collection: string, loaded: boolean): Promise<void> {
    const meta = this.state.catalog.get(collection)
    if (meta.loaded !== loaded) await this.submit({ type: 'setLoaded', collectionId: meta.id, loaded })
  }

  /** Runs a data command and returns its write outcome. */
  async write(body: CommandBody, deadlineMs?: number): Promise<WriteOutcome> {
    const r = await this.submit(body, deadlineMs)
    if (r.kind !== 'write') throw new Error(`expected a write outcome, got ${r.kind}`)
    return r.outcome
  }
}

/** Same fields (names, types, params, flags, defaults), description, dynamic flag and partition count. */
function sameSchema(a: CollectionSchema, b: CollectionSchema): boolean {
  return stringifyWithBigint(a) === stringifyWithBigint(b)
}
