/**
 * The slice of the `WebAssembly` global that Quiver uses, typed locally: the project's `lib`
 * (es2023 + node) has no WebAssembly declarations, and a global declaration could clash with
 * one added elsewhere.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer
  grow(deltaPages: number): number
}

export interface WasmModule {
  readonly __wasmModule?: never
}

export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>
}

interface WasmGlobal {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory
  /** Synchronous compile and instantiation (small modules only: the main thread waits). */
  Module: new (bytes: Uint8Array) => WasmModule
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance
  compile(bytes: Uint8Array): Promise<WasmModule>
  instantiate(module: WasmModule, imports: Record<string, Record<string, unknown>>): Promise<WasmInstance>
  validate(bytes: Uint8Array): boolean
}

export const wasm: WasmGlobal = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly

/** Bytes in one WebAssembly page. */
export const wasmPageBytes = 65536
/** The most pages a 32-bit memory can have (4 GiB). */
export const wasmPagesMax = 65536
