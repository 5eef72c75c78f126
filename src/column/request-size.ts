import { errors } from '../errors/errors.ts'

/**
 * Running estimate of a write request's data bytes (values as stored: fixed-width numbers, UTF-8
 * strings, JSON text, vector payloads). Checked after each column (and before allocating a vector
 * column), so an oversized request fails early with 1102 and the size counted so far.
 */
export class RequestSize {
  bytes = 0
  readonly bytesMax: number

  constructor(bytesMax: number) {
    this.bytesMax = bytesMax
  }

  /** Adds the bytes of `field`'s column; throws 1102 once over the limit. */
  add(bytes: number, field: string): void {
    this.bytes += bytes
    if (this.bytes > this.bytesMax) {
      throw errors.tooLarge(
        `request data size ${this.bytes} bytes (counted up to field ${field}) ` +
          `exceeds requestBytesMax ${this.bytesMax} bytes`,
      )
    }
  }
}
