// Compiles src/vector/kernels.wat (WASM SIMD + shared memory) with the wabt package and writes
// src/vector/kernels.wasm (for tsx) and dist/src/vector/kernels.wasm (for the compiled build).
// Deterministic: no debug names, canonical LEBs; files are rewritten only when their bytes change.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import wabt from 'wabt'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const watPath = join(root, 'src/vector/kernels.wat')
const outPaths = [join(root, 'src/vector/kernels.wasm'), join(root, 'dist/src/vector/kernels.wasm')]
const features = { simd: true, threads: true }

async function compile() {
  const tools = await wabt()
  const source = await readFile(watPath, 'utf8')
  const module = tools.parseWat('kernels.wat', source, features)
  try {
    module.resolveNames()
    module.validate(features)
    return module.toBinary({ log: false, canonicalize_lebs: true, write_debug_names: false }).buffer
  } finally {
    module.destroy()
  }
}

async function writeIfChanged(path, bytes) {
  const old = await readFile(path).catch(() => undefined)
  if (old !== undefined && Buffer.compare(old, bytes) === 0) return false
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, bytes)
  return true
}

async function main() {
  const bytes = Buffer.from(await compile())
  if (!WebAssembly.validate(bytes)) throw new Error('kernels.wasm does not validate in this Node.js')
  for (const path of outPaths) {
    const written = await writeIfChanged(path, bytes)
    if (written) console.log(`build-wasm: wrote ${relative(root, path)} (${bytes.length} bytes)`)
  }
}

// wabt's errors carry a stack through its minified bundle: print only the message.
main().catch((e) => {
  console.error(`build-wasm: ${e instanceof Error ? e.message : String(e)}`)
  process.exitCode = 1
})
