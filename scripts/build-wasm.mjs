// Compiles the WebAssembly text modules with the wabt package: src/vector/kernels.wat (SIMD + shared
// memory) and src/text/term-scan.wat, each to its .wasm beside it (for tsx) and under dist/src/ (for
// the compiled build). Deterministic: no debug names, canonical LEBs; files are rewritten only when
// their bytes change.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import wabt from 'wabt'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const modules = [
  { wat: 'src/vector/kernels.wat', features: { simd: true, threads: true } },
  { wat: 'src/text/term-scan.wat', features: {} },
]

async function compile(tools, watPath, features) {
  const source = await readFile(join(root, watPath), 'utf8')
  const module = tools.parseWat(watPath.split('/').pop(), source, features)
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
  const tools = await wabt()
  for (const { wat, features } of modules) {
    const bytes = Buffer.from(await compile(tools, wat, features))
    const wasmPath = wat.replace(/\.wat$/, '.wasm')
    if (!WebAssembly.validate(bytes)) throw new Error(`${wasmPath} does not validate in this Node.js`)
    for (const path of [join(root, wasmPath), join(root, 'dist', wasmPath)]) {
      const written = await writeIfChanged(path, bytes)
      if (written) console.log(`build-wasm: wrote ${relative(root, path)} (${bytes.length} bytes)`)
    }
  }
}

// wabt's errors carry a stack through its minified bundle: print only the message.
main().catch((e) => {
  console.error(`build-wasm: ${e instanceof Error ? e.message : String(e)}`)
  process.exitCode = 1
})
