// Imports point down: reads every import line under src/ and fails when a folder imports from a
// folder in a higher layer (STYLE.md "Layout"), or when a file outside src/index.ts is a barrel.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const layers: string[][] = [
  ['errors', 'common'],
  ['schema', 'geometry', 'text'],
  ['column'],
  ['expr', 'vector'],
  ['index'],
  ['segment', 'wal', 'storage', 'log'],
  ['catalog', 'collection', 'query', 'compaction'],
  ['engine'],
  ['auth', 'config', 'observability'],
  ['server', 'cli'],
]
const layerOf = new Map<string, number>(layers.flatMap((names, i) => names.map((n) => [n, i] as [string, number])))

/** The repository's src/ (this file runs from test/ or from dist/test/). */
function srcRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 4; i++) {
    const candidate = resolve(dir, '..', 'src')
    try {
      if (statSync(join(candidate, 'index.ts')).isFile()) return candidate
    } catch {}
    dir = resolve(dir, '..')
  }
  throw new Error('src/ not found')
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
  })
}

test('every import points to the same or a lower layer', () => {
  const src = srcRoot()
  const problems: string[] = []
  for (const file of files(src)) {
    const rel = relative(src, file)
    const from = rel.split('/')[0]!
    if (!layerOf.has(from)) {
      if (rel !== 'index.ts') problems.push(`${rel}: folder ${from} is in no layer`)
      continue
    }
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"](\.[^'"]+)['"]/gm)) {
      const target = relative(src, resolve(dirname(file), m[1]!)).split('/')[0]!
      if (target === from || !layerOf.has(target)) continue
      if (layerOf.get(target)! > layerOf.get(from)!) problems.push(`${rel} imports ${m[1]} (${from} → ${target} points up)`)
    }
  }
  assert.deepEqual(problems, [])
})

test('no barrel index.ts files except src/index.ts', () => {
  const src = srcRoot()
  const barrels = files(src).filter((f) => f.endsWith('/index.ts') && relative(src, f) !== 'index.ts')
  assert.deepEqual(barrels, [])
})
