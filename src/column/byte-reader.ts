import { corrupt, type TypedArrayClass } from './batch-format.ts'

/** Reads the encoded batch with bounds checks: any read past the end is a `corrupt` error. */
export class ByteReader {
  readonly #bytes: Uint8Array
  readonly #view: DataView
  readonly #text: Buffer
  #pos = 0

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.#text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  get offset(): number {
    return this.#pos
  }

  get remaining(): number {
    return this.#bytes.byteLength - this.#pos
  }

  need(n: number, what: string): void {
    if (n > this.remaining) throw corrupt(`truncated: ${what} needs ${n} bytes at byte ${this.#pos}, ${this.remaining} left`)
  }

  u8(what: string): number {
    this.need(1, what)
    return this.#bytes[this.#pos++]!
  }

  u32(what: string): number {
    this.need(4, what)
    const v = this.#view.getUint32(this.#pos, true)
    this.#pos += 4
    return v
  }

  i32(): number {
    this.need(4, 'int32 value')
    const v = this.#view.getInt32(this.#pos, true)
    this.#pos += 4
    return v
  }

  f64(): number {
    this.need(8, 'float64 value')
    const v = this.#view.getFloat64(this.#pos, true)
    this.#pos += 8
    return v
  }

  i64(): bigint {
    this.need(8, 'int64 value')
    const v = this.#view.getBigInt64(this.#pos, true)
    this.#pos += 8
    return v
  }

  /** `n` bytes that must be zero (padding). */
  zeros(n: number): void {
    this.need(n, 'padding')
    for (let i = 0; i < n; i++) if (this.#bytes[this.#pos + i] !== 0) throw corrupt(`non-zero padding at byte ${this.#pos + i}`)
    this.#pos += n
  }

  align8(): void {
    this.zeros((8 - (this.#pos & 7)) & 7)
  }

  str(what: string): string {
    return this.text(this.u32(what))
  }

  text(byteLength: number): string {
    this.need(byteLength, 'string')
    const s = this.#text.toString('utf8', this.#pos, this.#pos + byteLength)
    this.#pos += byteLength
    return s
  }

  /** `count` elements as a view of the input when aligned, else as a copy. */
  typed<T>(type: TypedArrayClass<T>, count: number, what: string): T {
    const byteLength = count * type.BYTES_PER_ELEMENT
    this.need(byteLength, what)
    const at = this.#bytes.byteOffset + this.#pos
    const out =
      at % type.BYTES_PER_ELEMENT === 0
        ? new type(this.#bytes.buffer, at, count)
        : new type(this.#bytes.slice(this.#pos, this.#pos + byteLength).buffer, 0, count)
    this.#pos += byteLength
    return out
  }
}
