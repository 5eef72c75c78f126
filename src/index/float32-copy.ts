/**
 * Copies the `dim` floats at `src[at ..]` into `dst[0 .. dim)` and returns `dst.byteOffset` (the kernel
 * pointer of the copy). A plain loop: `dst.set(src.subarray(...))` would allocate a view per row.
 */
export function float32Copy(src: Float32Array, at: number, dst: Float32Array, dim: number): number {
  for (let j = 0; j < dim; j++) dst[j] = src[at + j]!
  return dst.byteOffset
}
