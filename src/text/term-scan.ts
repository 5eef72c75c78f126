import { readFileSync } from 'node:fs'
import { wasm, wasmPageBytes, type WasmMemory } from '../common/wasm-api.ts'
import { isAlphanumeric } from './char-classes.ts'
import { crcTable, TERM_HASH_BYTES_MAX } from './term-hash.ts'

/** The exports of term-scan.wasm (see term-scan.wat). Pointers are byte offsets in its memory. */
interface TermScanExports {
  readonly memory: WasmMemory
  readonly skippedCount: { value: number }
  termFrequencies(text: number, offs: number, from: number, to: number, rowStart: number, idx: number, val: number, scratch: number, skipped: number, nnz: number): number
}

/** A CSR block from term-scan.wasm, and the rows it left to the caller (empty in the block; row numbers of the block). */
export interface TermScanResult {
  readonly rowStart: Int32Array
  readonly indices: Uint32Array
  readonly values: Float32Array
  readonly skipped: Int32Array
}

/** Bytes term-scan.wat reserves for its tables (CRC-32 at 0, the ASCII map at 1024, BMP classes at 4096). */
const TABLE_BYTES = 4096 + 4 * 65536

/** The hash length term-scan.wat compiles in. */
const WASM_TERM_BYTES = 100

/** Text per pass through the module (a row longer than this goes alone: VARCHAR rows are at most 64 KiB). */
const CHUNK_TEXT_BYTES = 1 << 20

/** Rows per call into the module: V8 replaces a function's baseline code with optimized code between calls. */
const ROWS_PER_CALL = 64

const LETTER_OR_DIGIT = 0x10000
const NEEDS_CALLER = 0x20000
const KNOWN = 0x40000

/**
 * A BMP code point's class for term-scan.wat: its lower case and whether that is alphanumeric, as
 * `standardTermHashes` sees it (`toLowerCase` then `isAlphanumeric`); a row with Σ (whose lower case
 * depends on its neighbours), or with a character whose lower case is not one BMP character, goes to
 * the caller, as `standardTermHashes` gives such a text to the full analyzer.
 */
function classify(cp: number): number {
  if (cp === 0x3a3) return KNOWN | NEEDS_CALLER
  const lower = String.fromCharCode(cp).toLowerCase()
  if (lower.length !== 1) return KNOWN | NEEDS_CALLER
  const l = lower.charCodeAt(0)
  if (l >= 0xd800 && l <= 0xdfff) return KNOWN | NEEDS_CALLER
  return KNOWN | (isAlphanumeric(l) ? LETTER_OR_DIGIT : 0) | l
}

let scanner: TermScanExports | null | undefined

/**
 * This thread's instance of term-scan.wasm (compiled on first use: under 1 ms, no tier-up wait as a
 * JavaScript loop has), or null when the file is missing (an unbuilt tree: callers take the
 * JavaScript path, which gives the same output).
 */
function termScan(): TermScanExports | null {
  if (scanner !== undefined) return scanner
  if (TERM_HASH_BYTES_MAX !== WASM_TERM_BYTES) throw new Error(`term-scan.wat hashes ${WASM_TERM_BYTES} bytes of a term, term-hash.ts ${TERM_HASH_BYTES_MAX}`)
  let bytes: Uint8Array
  try {
    bytes = readFileSync(new URL('./term-scan.wasm', import.meta.url))
  } catch {
    scanner = null
    return null
  }
  const exports = new wasm.Instance(new wasm.Module(bytes), { env: { classify } }).exports as unknown as TermScanExports
  const mem = new Uint8Array(exports.memory.buffer)
  new Int32Array(exports.memory.buffer, 0, 256).set(crcTable)
  for (let c = 0; c < 128; c++) {
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a)) mem[1024 + c] = c
    else if (c >= 0x41 && c <= 0x5a) mem[1024 + c] = c + 0x20
  }
  scanner = exports
  return scanner
}

/**
 * The standard analyzer's term frequencies of rows [from, to) of a UTF-8 column as one CSR block
 * (rows numbered from 0), hashed by term-scan.wasm — what `standardTermHashes` and
 * `CsrBuilder.addRow` give — but rows it leaves to the caller (see term-scan.wat), which are empty
 * and listed in `skipped`. The module sees the rows `CHUNK_TEXT_BYTES` of text at a time, so its
 * memory (which never shrinks) stays a few MiB however large the column. Null when the module is not built.
 */
export function wasmTermFrequencies(bytes: Uint8Array, offsets: Int32Array, from: number, to: number): TermScanResult | null {
  const scan = termScan()
  if (scan === null) return null
  // Each pass's block copied out of the module's memory at its exact size; several (a column of more
  // than `CHUNK_TEXT_BYTES`) joined after.
  const parts: TermScanResult[] = []
  for (let a = from; a < to; ) {
    let b = a + 1
    while (b < to && offsets[b + 1]! - offsets[a]! <= CHUNK_TEXT_BYTES) b++
    const chunk = scanChunk(scan, bytes, offsets, a, b)
    parts.push({ rowStart: chunk.rowStart.slice(), indices: chunk.indices.slice(), values: chunk.values.slice(), skipped: chunk.skipped.slice() })
    a = b
  }
  if (parts.length === 1) return parts[0]!
  const rows = to - from
  let nnz = 0
  for (const p of parts) nnz += p.indices.length
  const rowStart = new Int32Array(rows + 1)
  const indices = new Uint32Array(nnz)
  const values = new Float32Array(nnz)
  const skipped: number[] = []
  let row = 0
  let at = 0
  for (const p of parts) {
    const n = p.rowStart.length - 1
    for (let r = 0; r < n; r++) rowStart[row + r] = at + p.rowStart[r]!
    for (const r of p.skipped) skipped.push(row + r)
    indices.set(p.indices, at)
    values.set(p.values, at)
    row += n
    at += p.indices.length
  }
  rowStart[rows] = nnz
  return { rowStart, indices, values, skipped: Int32Array.from(skipped) }
}

/** Whether term-scan.wasm is built (compiled on this thread if it was not yet). */
export function termScanAvailable(): boolean {
  return termScan() !== null
}

/** This thread's module memory in bytes (0 before first use; tests check it stays bounded). */
export function termScanMemoryBytes(): number {
  return scanner?.memory.buffer.byteLength ?? 0
}

/** Rows [a, b) through the module: views of its memory, valid until the next call. */
function scanChunk(scan: TermScanExports, bytes: Uint8Array, offsets: Int32Array, a: number, b: number): TermScanResult {
  const rows = b - a
  const textStart = offsets[a]!
  const textBytes = offsets[b]! - textStart
  let longest = 0
  for (let r = a; r < b; r++) longest = Math.max(longest, offsets[r + 1]! - offsets[r]!)
  // A token is at least one byte and a separator: a row of n bytes has at most ⌈n / 2⌉ tokens.
  const entriesMax = Math.ceil((textBytes + rows) / 2) + 1
  const text = TABLE_BYTES
  const offs = align4(text + textBytes)
  const rowStart = offs + 4 * (rows + 1)
  const idx = rowStart + 4 * (rows + 1)
  const val = idx + 4 * entriesMax
  const scratch = val + 4 * entriesMax
  const skipped = scratch + 4 * (Math.ceil(longest / 2) + 1)
  const end = skipped + 4 * rows
  const have = scan.memory.buffer.byteLength
  if (end > have) scan.memory.grow(Math.ceil((end - have) / wasmPageBytes))
  const buffer = scan.memory.buffer
  new Uint8Array(buffer, text, textBytes).set(bytes.subarray(textStart, textStart + textBytes))
  const o = new Int32Array(buffer, offs, rows + 1)
  for (let r = 0; r <= rows; r++) o[r] = offsets[a + r]! - textStart
  scan.skippedCount.value = 0
  let nnz = 0
  for (let r = 0; r < rows; r += ROWS_PER_CALL) nnz = scan.termFrequencies(text, offs, r, Math.min(rows, r + ROWS_PER_CALL), rowStart, idx, val, scratch, skipped, nnz)
  const starts = new Int32Array(buffer, rowStart, rows + 1)
  starts[rows] = nnz
  return {
    rowStart: starts,
    indices: new Uint32Array(buffer, idx, nnz),
    values: new Float32Array(buffer, val, nnz),
    skipped: new Int32Array(buffer, skipped, scan.skippedCount.value),
  }
}

function align4(n: number): number {
  return (n + 3) & ~3
}
