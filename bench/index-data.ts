/**
 * The data set of the vector index benchmark (bench/index-peers.ts), written once as raw little-endian
 * files so that every engine — Node or Python — reads the same bytes: base vectors, queries, an int64
 * `tag` column (row % 10), the upsert (keys + new vectors) and exact top-k ground truth for unfiltered,
 * filtered (`tag == 3`) and post-upsert search, computed with Quiver's exact FLAT index (WASM kernels).
 * Run alone: `npx tsx bench/index-data.ts [--dataset clustered|fashion-mnist] [--rows N] [--queries N]`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { gunzipSync } from 'node:zlib'
import { Bitset } from '../src/common/bitset.ts'
import { clusteredVectors } from '../src/index/hnsw-native/clustered-vectors.ts'
import { buildIndex } from '../src/index/vector-index.ts'
import { VectorArena } from '../src/vector/vector-arena.ts'

export type DatasetName = 'clustered' | 'fashion-mnist'

/** What `meta.json` holds: shapes, and the files beside it (all little-endian, row-major). */
export interface DatasetMeta {
  readonly dataset: DatasetName
  readonly description: string
  readonly metric: 'L2'
  readonly rows: number
  readonly dim: number
  readonly queries: number
  readonly k: number
  readonly upsertRows: number
  /** The filter of the filtered runs, and how many rows it allows. */
  readonly filter: 'tag == 3'
  readonly filterRows: number
  readonly files: {
    readonly vectors: 'vectors.f32'
    readonly queries: 'queries.f32'
    readonly tags: 'tags.i64'
    readonly upsertKeys: 'upsert-keys.i64'
    readonly upsertVectors: 'upsert-vectors.f32'
    readonly truth: 'truth.i32'
    readonly truthFiltered: 'truth-filtered.i32'
    readonly truthUpserted: 'truth-upserted.i32'
  }
  /** More selective filters (`id < N`: 1 % and 0.1 % of the rows), added to older data sets on first use. */
  readonly selective?: readonly SelectiveFilter[]
}

/** A filter allowing the rows with id < `rowsBelow`, its sweep phase and its ground-truth file. */
export interface SelectiveFilter {
  readonly phase: 'filtered-1%' | 'filtered-0.1%'
  readonly filter: string
  readonly rowsBelow: number
  readonly truth: string
}

/** The selective filters of a data set of `rows` rows. */
function selectiveFilters(rows: number): SelectiveFilter[] {
  return [
    { phase: 'filtered-1%', filter: `id < ${Math.round(rows / 100)}`, rowsBelow: Math.round(rows / 100), truth: 'truth-filtered-1pct.i32' },
    { phase: 'filtered-0.1%', filter: `id < ${Math.round(rows / 1000)}`, rowsBelow: Math.round(rows / 1000), truth: 'truth-filtered-0.1pct.i32' },
  ]
}

/** Adds the selective filters' ground truth to a data set that lacks it (written by an older version). */
async function withSelective(dir: string, meta: DatasetMeta): Promise<DatasetMeta> {
  if (meta.selective !== undefined) return meta
  const arena = await VectorArena.init()
  const vectors = new Float32Array(readFileSync(path.join(dir, meta.files.vectors)).buffer.slice(0))
  const queries = new Float32Array(readFileSync(path.join(dir, meta.files.queries)).buffer.slice(0))
  const selective = selectiveFilters(meta.rows)
  for (const s of selective) {
    const allowed = new Bitset(meta.rows)
    allowed.setRange(0, s.rowsBelow)
    process.stderr.write(`index-data: exact ground truth for ${s.filter} …\n`)
    writeFileSync(path.join(dir, s.truth), bytesOf(exactTruth(arena, vectors, meta.rows, meta.dim, queries, allowed)))
  }
  const next = { ...meta, selective }
  writeFileSync(path.join(dir, 'meta.json'), `${JSON.stringify(next, null, 2)}\n`)
  return next
}

export const k = 10
const clustered = { seed: 42, dim: 128, clusterCount: 100, spread: 0.3 } as const
const fashionDir = '/usr/share/datasets/fashion-mnist'
/** Share of the rows the upsert phase replaces (new vectors for existing keys). */
export const upsertFraction = 0.1
/** Rows whose tag is this pass the filter `tag == 3` (tag = row % 10, so 10 % of the rows). */
export const filterTag = 3

export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = path.join(dir, 'package.json')
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'quiverdb') return dir
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('bench/index-data: cannot find the quiverdb package root')
    dir = parent
  }
}

/** Directory of one data set: `bench/data/index/<dataset>-<rows>-q<queries>`. */
export function datasetDir(dataset: DatasetName, rows: number, queries: number): string {
  return path.join(repoRoot(), 'bench', 'data', 'index', `${dataset}-${rows}-q${queries}`)
}

/** Key j of the upsert: floor(j · rows / count), spread evenly over the key space. */
function upsertKeys(rows: number, count: number): BigInt64Array {
  const keys = new BigInt64Array(count)
  for (let j = 0; j < count; j++) keys[j] = BigInt(Math.floor((j * rows) / count))
  return keys
}

interface RawData {
  readonly dim: number
  readonly description: string
  readonly vectors: Float32Array
  readonly queries: Float32Array
  readonly upsertVectors: Float32Array
}

/** Seeded clusters; the upsert's new vectors are the generator's rows after the base rows. */
function clusteredData(rows: number, queries: number, upsertCount: number): RawData {
  const { seed, dim, clusterCount, spread } = clustered
  const data = clusteredVectors({ seed, dim, rowCount: rows + upsertCount, queryCount: queries, clusterCount, spread })
  return {
    dim,
    description: `seeded clustered float32 × ${dim} (${clusterCount} Gaussian clusters, σ ${spread}, seed ${seed}; src/index/hnsw-native/clustered-vectors.ts)`,
    vectors: data.vectors.slice(0, rows * dim),
    queries: data.queries,
    upsertVectors: data.vectors.slice(rows * dim),
  }
}

/** Images of an IDX3 gzip file (magic 0x00000803, count, height, width, then bytes) as float32 0..255. */
function readIdxImages(file: string): { count: number; dim: number; values: Float32Array } {
  const raw = gunzipSync(readFileSync(file))
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  if (view.getUint32(0) !== 0x803) throw new Error(`${file}: not an IDX3 ubyte file (magic ${view.getUint32(0).toString(16)})`)
  const count = view.getUint32(4)
  const dim = view.getUint32(8) * view.getUint32(12)
  return { count, dim, values: Float32Array.from(raw.subarray(16, 16 + count * dim)) }
}

/** Train images are the rows (the first `rows`), test images 0..queries-1 the queries, the next ones the upsert. */
function fashionData(rows: number, queries: number, upsertCount: number): RawData {
  const train = readIdxImages(path.join(fashionDir, 'train-images-idx3-ubyte.gz'))
  const test = readIdxImages(path.join(fashionDir, 't10k-images-idx3-ubyte.gz'))
  if (rows > train.count) throw new Error(`--rows ${rows}: fashion-mnist has ${train.count} training images`)
  if (queries + upsertCount > test.count) throw new Error(`fashion-mnist has ${test.count} test images, need ${queries} queries + ${upsertCount} upsert rows`)
  const dim = train.dim
  return {
    dim,
    description: `Fashion-MNIST (Debian dataset-fashion-mnist): ${rows} training images × ${dim} pixels as float32 0–255, L2; queries = test images 0–${queries - 1}, upsert vectors = the next ${upsertCount} test images`,
    vectors: train.values.slice(0, rows * dim),
    queries: test.values.slice(0, queries * dim),
    upsertVectors: test.values.slice(queries * dim, (queries + upsertCount) * dim),
  }
}

/** Exact top-k of every query over `vectors` (allowed rows only when given), by Quiver's FLAT index. */
function exactTruth(arena: VectorArena, vectors: Float32Array, rows: number, dim: number, queries: Float32Array, allowed: Bitset | null): Int32Array {
  const inArena = arena.allocFloat32(rows * dim)
  inArena.set(vectors)
  const flat = buildIndex({ indexType: 'FLAT', metric: 'L2', dim, params: {} }, inArena, rows)
  const count = queries.length / dim
  const out = new Int32Array(count * k).fill(-1)
  for (let q = 0; q < count; q++) out.set(flat.search(queries.subarray(q * dim, (q + 1) * dim), k, allowed, {}).rows.subarray(0, k), q * k)
  flat.release()
  arena.free(inArena)
  return out
}

const bytesOf = (a: Float32Array | Int32Array | BigInt64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)

/** Writes the data set unless `meta.json` of the same shape is already there; returns its directory. */
export async function ensureDataset(dataset: DatasetName, rows: number, queries: number): Promise<{ dir: string; meta: DatasetMeta }> {
  const dir = datasetDir(dataset, rows, queries)
  const metaFile = path.join(dir, 'meta.json')
  if (existsSync(metaFile)) return { dir, meta: await withSelective(dir, JSON.parse(readFileSync(metaFile, 'utf8')) as DatasetMeta) }
  mkdirSync(dir, { recursive: true })
  const upsertCount = Math.round(rows * upsertFraction)
  const raw = dataset === 'clustered' ? clusteredData(rows, queries, upsertCount) : fashionData(rows, queries, upsertCount)
  const { dim } = raw
  const tags = new BigInt64Array(rows)
  const allowed = new Bitset(rows)
  for (let r = 0; r < rows; r++) {
    tags[r] = BigInt(r % 10)
    if (r % 10 === filterTag) allowed.set(r)
  }
  const keys = upsertKeys(rows, upsertCount)
  const arena = await VectorArena.init()
  process.stderr.write(`index-data: exact ground truth for ${rows} × ${dim}, ${queries} queries …\n`)
  const truth = exactTruth(arena, raw.vectors, rows, dim, raw.queries, null)
  const truthFiltered = exactTruth(arena, raw.vectors, rows, dim, raw.queries, allowed)
  const updated = raw.vectors.slice()
  for (let j = 0; j < upsertCount; j++) updated.set(raw.upsertVectors.subarray(j * dim, (j + 1) * dim), Number(keys[j]!) * dim)
  const truthUpserted = exactTruth(arena, updated, rows, dim, raw.queries, null)
  const files = {
    vectors: 'vectors.f32',
    queries: 'queries.f32',
    tags: 'tags.i64',
    upsertKeys: 'upsert-keys.i64',
    upsertVectors: 'upsert-vectors.f32',
    truth: 'truth.i32',
    truthFiltered: 'truth-filtered.i32',
    truthUpserted: 'truth-upserted.i32',
  } as const
  const contents: Record<keyof typeof files, Float32Array | Int32Array | BigInt64Array> = {
    vectors: raw.vectors,
    queries: raw.queries,
    tags,
    upsertKeys: keys,
    upsertVectors: raw.upsertVectors,
    truth,
    truthFiltered,
    truthUpserted,
  }
  for (const [key, name] of Object.entries(files)) writeFileSync(path.join(dir, name), bytesOf(contents[key as keyof typeof files]))
  const meta: DatasetMeta = {
    dataset,
    description: raw.description,
    metric: 'L2',
    rows,
    dim,
    queries,
    k,
    upsertRows: upsertCount,
    filter: 'tag == 3',
    filterRows: allowed.count(),
    files,
  }
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`)
  return { dir, meta: await withSelective(dir, meta) }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { values } = parseArgs({
    options: { dataset: { type: 'string', default: 'clustered' }, rows: { type: 'string', default: '100000' }, queries: { type: 'string', default: '1000' } },
  })
  const dataset = values.dataset === 'fashion-mnist' ? 'fashion-mnist' : 'clustered'
  const { dir, meta } = await ensureDataset(dataset, Number(values.rows), Number(values.queries))
  process.stdout.write(`${dir}\n${JSON.stringify(meta)}\n`)
}
