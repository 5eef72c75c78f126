const textEncoder = new TextEncoder()
/** Arrays smaller than this are copied into the header chunk rather than sent as their own chunk. */
const rawChunkBytesMin = 256

/** Builds the chunk list: small fields go into a scratch chunk, big typed arrays become chunks of their own. */
export class ChunkWriter {
  readonly #chunks: Uint8Array[] = []
  #buf = new Uint8Array(256)
  #view = new DataView(this.#buf.buffer)
  #pos = 0
  #flushedBytes = 0

  /** Bytes written so far, from the batch start. */
  get offset(): number {
    return this.#flushedBytes + this.#pos
  }

  u8(v: number): this {
    this.#ensure(1)
    this.#buf[this.#pos++] = v
    return this
  }

  u32(v: number): this {
    this.#ensure(4)
    this.#view.setUint32(this.#pos, v, true)
    this.#pos += 4
    return this
  }

  i32(v: number): this {
    this.#ensure(4)
    this.#view.setInt32(this.#pos, v, true)
    this.#pos += 4
    return this
  }

  f64(v: number): this {
    this.#ensure(8)
    this.#view.setFloat64(this.#pos, v, true)
    this.#pos += 8
    return this
  }

  i64(v: bigint): this {
    this.#ensure(8)
    this.#view.setBigInt64(this.#pos, v, true)
    this.#pos += 8
    return this
  }

  zeros(n: number): this {
    this.#ensure(n)
    this.#buf.fill(0, this.#pos, this.#pos + n)
    this.#pos += n
    return this
  }

  align8(): this {
    return this.zeros((8 - (this.offset & 7)) & 7)
  }

  /** u32 UTF-8 byte length, then the UTF-8 bytes (ASCII copied directly, the rest via TextEncoder). */
  str(s: string): this {
    this.#ensure(4 + s.length * 3)
    const buf = this.#buf
    const start = this.#pos + 4
    let n = 0
    while (n < s.length) {
      const c = s.charCodeAt(n)
      if (c >= 0x80) break
      buf[start + n++] = c
    }
    if (n < s.length) n = textEncoder.encodeInto(s, buf.subarray(start)).written
    this.#view.setUint32(this.#pos, n, true)
    this.#pos = start + n
    return this
  }

  /** A u32 placeholder; returns its position for `patchU32` (valid until the next `raw`). */
  reserveU32(): number {
    this.u32(0)
    return this.#pos - 4
  }

  patchU32(at: number, v: number): void {
    this.#view.setUint32(at, v, true)
  }

  /** Appends `bytes` as they are (their own chunk when big: zero-copy). */
  raw(bytes: Uint8Array): void {
    if (bytes.byteLength < rawChunkBytesMin) {
      this.#ensure(bytes.byteLength)
      this.#buf.set(bytes, this.#pos)
      this.#pos += bytes.byteLength
      return
    }
    this.#flush()
    this.#chunks.push(bytes)
    this.#flushedBytes += bytes.byteLength
  }

  finish(): Uint8Array[] {
    this.#flush()
    return this.#chunks
  }

  #flush(): void {
    if (this.#pos === 0) return
    this.#chunks.push(this.#buf.subarray(0, this.#pos))
    this.#flushedBytes += this.#pos
    this.#buf = new Uint8Array(256)
    this.#view = new DataView(this.#buf.buffer)
    this.#pos = 0
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n))
    next.set(this.#buf.subarray(0, this.#pos))
    this.#buf = next
    this.#view = new DataView(next.buffer)
  }
}
