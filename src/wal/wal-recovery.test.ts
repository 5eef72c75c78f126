// Recovery of a damaged WAL. Property (fast-check): write N records over several files, then truncate
// the last file at a random byte or flip a random bit in any file; reopening returns exactly the
// records before the damage, and appends continue from there. Plus fixed cases: zero-filled tail,
// a missing middle file, an unknown format version (refused, nothing cut), foreign files (ignored).
import assert from 'node:assert/strict'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import type { LocalFileStore } from '../storage/local-file-store.ts'
import { Wal } from './wal.ts'
import { encodeWalFileHeader, parseWalFileName, walFileHeaderBytes, walFrameHeaderBytes } from './wal-format.ts'
import { openTempStore, testPayload } from './wal-test-support.ts'

type Damage = { kind: 'truncate'; at: number } | { kind: 'flip'; file: number; at: number; bit: number }

/** Where each record (LSN i+1) lies: its file and its byte range there. */
interface RecordPlace {
  readonly lsn: number
  readonly file: string
  readonly fileFirstLsn: number
  readonly start: number
  readonly end: number
}

describe('WAL recovery', () => {
  let store: LocalFileStore
  let root: string
  let dispose: () => Promise<void>
  let run = 0
  before(async () => ({ store, root, dispose } = await openTempStore('quiver-walrec-')))
  after(() => dispose())

  const writeLog = async (dir: string, sizes: readonly number[], fileBytesMax: number) => {
    const { wal } = await Wal.open(store, dir, { fileBytesMax, sync: false, log: () => undefined })
    for (let i = 0; i < sizes.length; i++) await wal.append([testPayload(i + 1, sizes[i]!)], () => undefined)
    await wal.close()
    return placeRecords(await store.list(dir), sizes)
  }

  it('reopens a damaged log to exactly the records before the damage, then appends after them', async () => {
    const damageArb: fc.Arbitrary<Damage> = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('flip' as const), file: fc.nat(), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 64, max: 1500 }),
        damageArb,
        async (sizes, fileBytesMax, damage) => {
          const dir = `p${run++}`
          const places = await writeLog(dir, sizes, fileBytesMax)
          const { keptCount, torn } = await applyDamage(path.join(root, dir), places, damage)
          const log: string[] = []
          const { wal, records } = await Wal.open(store, dir, { sync: false, fileBytesMax, log: (m) => log.push(m) })
          assertPrefix(records, sizes, keptCount)
          assert.equal(log.length > 0, torn, 'a cut is logged, a clean end is not')
          assert.equal(await wal.append([testPayload(keptCount + 1, 3)], (lsn) => lsn), keptCount + 1)
          assert.equal(await wal.append([], (lsn) => lsn), keptCount + 2)
          await wal.close()
          const again = await Wal.open(store, dir, { sync: false, log: (m) => assert.fail(`unexpected cut: ${m}`) })
          assert.deepEqual(
            again.records.map((r) => r.lsn),
            Array.from({ length: keptCount + 2 }, (_, i) => i + 1),
          )
          await again.wal.close()
          await store.removeDir(dir)
        },
      ),
      { numRuns: 120 },
    )
  })

  it('cuts a zero-filled tail and keeps every record', async () => {
    const places = await writeLog('zeros', [10, 20, 30], 1 << 20)
    const file = path.join(root, 'zeros', places[0]!.file)
    await fs.appendFile(file, new Uint8Array(4096))
    const log: string[] = []
    const { wal, records } = await Wal.open(store, 'zeros', { sync: false, log: (m) => log.push(m) })
    assertPrefix(records, [10, 20, 30], 3)
    assert.match(log.join('\n'), /cut 4096 bytes from zeros\/00000000000000000001\.log at byte \d+, after lsn 3/)
    assert.equal((await fs.stat(file)).size, places[2]!.end)
    await wal.close()
  })

  it('removes the files after a missing one', async () => {
    const sizes = [100, 100, 100, 100, 100]
    const places = await writeLog('gap', sizes, 150)
    const files = [...new Set(places.map((p) => p.file))]
    assert.ok(files.length >= 3)
    await fs.rm(path.join(root, 'gap', files[1]!))
    const log: string[] = []
    const { wal, records } = await Wal.open(store, 'gap', { sync: false, log: (m) => log.push(m) })
    const kept = places.filter((p) => p.file === files[0]).length
    assertPrefix(records, sizes, kept)
    assert.deepEqual(await store.list('gap'), [files[0]])
    assert.match(log[0]!, /starts at lsn \d+ but the log ends at lsn/)
    await wal.close()
  })

  it('refuses a file of an unknown format version without cutting anything', async () => {
    await writeLog('future', [10], 1 << 20)
    const file = path.join(root, 'future', '00000000000000000001.log')
    const content = await fs.readFile(file)
    content.set(encodeWalFileHeader(1, 2), 0)
    await fs.writeFile(file, content)
    await assert.rejects(Wal.open(store, 'future', { log: () => undefined }), /has format version 2; this build reads 1/)
    assert.deepEqual(await fs.readFile(file), content)
  })

  it('ignores files that are not WAL files', async () => {
    await writeLog('foreign', [10], 1 << 20)
    await fs.writeFile(path.join(root, 'foreign', 'notes.txt'), 'hello')
    const log: string[] = []
    const { wal, records } = await Wal.open(store, 'foreign', { log: (m) => log.push(m) })
    assert.equal(records.length, 1)
    assert.deepEqual(log, ['wal: ignoring foreign/notes.txt: not a wal file'])
    await wal.close()
  })
})

function placeRecords(files: readonly string[], sizes: readonly number[]): RecordPlace[] {
  const places: RecordPlace[] = []
  const firsts = files.map((f) => parseWalFileName(f)!)
  for (let fi = 0; fi < files.length; fi++) {
    const end = fi + 1 < files.length ? firsts[fi + 1]! : sizes.length + 1
    let offset = walFileHeaderBytes
    for (let lsn = firsts[fi]!; lsn < end; lsn++) {
      const next = offset + walFrameHeaderBytes + sizes[lsn - 1]!
      places.push({ lsn, file: files[fi]!, fileFirstLsn: firsts[fi]!, start: offset, end: next })
      offset = next
    }
  }
  assert.equal(places.length, sizes.length)
  return places
}

/**
 * Damages the log in `dir`; returns how many records (from LSN 1) must survive, and whether the
 * damage left a torn file (a truncation exactly at a record boundary leaves a clean, shorter log).
 */
async function applyDamage(dir: string, places: readonly RecordPlace[], damage: Damage): Promise<{ keptCount: number; torn: boolean }> {
  const files = [...new Set(places.map((p) => p.file))]
  if (damage.kind === 'truncate') {
    const file = files.at(-1)!
    const size = (await fs.stat(path.join(dir, file))).size
    const at = damage.at % size
    await fs.truncate(path.join(dir, file), at)
    const keptCount = places.filter((p) => p.file !== file || p.end <= at).length
    return { keptCount, torn: at !== walFileHeaderBytes && !places.some((p) => p.file === file && p.end === at) }
  }
  const file = files[damage.file % files.length]!
  const bytes = await fs.readFile(path.join(dir, file))
  const at = damage.at % bytes.length
  bytes[at] = bytes[at]! ^ (1 << damage.bit)
  await fs.writeFile(path.join(dir, file), bytes)
  const hit = places.find((p) => p.file === file && p.start <= at && at < p.end)
  const keptCount = hit === undefined ? places.find((p) => p.file === file)!.fileFirstLsn - 1 : hit.lsn - 1
  return { keptCount, torn: true }
}

function assertPrefix(records: readonly { lsn: number; payload: Uint8Array }[], sizes: readonly number[], count: number): void {
  assert.deepEqual(
    records.map((r) => r.lsn),
    Array.from({ length: count }, (_, i) => i + 1),
  )
  for (const r of records) assert.deepEqual(new Uint8Array(r.payload), testPayload(r.lsn, sizes[r.lsn - 1]!))
}
