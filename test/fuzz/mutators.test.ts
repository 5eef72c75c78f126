// The mutators: a case is a pure function of (run seed, index); frozen paths keep a reference write
// invalid however it is mutated (gRPC and REST); byte-level edits and JSON writing behave.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { mutateBytes } from './byte-mutator.ts'
import { implementedRpcs } from './fuzz-session.ts'
import { FuzzRandom } from './fuzz-random.ts'
import { FUZZ_NAMES } from './fuzz-world.ts'
import { createGrpcCorpus, grpcCase } from './grpc-fuzzer.ts'
import { grpcSeeds } from './grpc-seeds.ts'
import { mutateJson, RawJson, writeJson } from './json-mutator.ts'
import { mutateTree, nestedBytes } from './proto-mutator.ts'
import { restCase } from './rest-fuzzer.ts'
import { restSeeds } from './rest-seeds.ts'
import { requestTypeOf } from './grpc-transport.ts'

const corpus = createGrpcCorpus(grpcSeeds(), implementedRpcs())

test('a case depends only on the run seed and its index', () => {
  for (const i of [0, corpus.seeds.length + 3, 400, 401, 9_999]) {
    assert.deepEqual(grpcCase(corpus, 42, i).bytes, grpcCase(corpus, 42, i).bytes)
    assert.deepEqual(restCase(restSeeds(), 42, i).bytes, restCase(restSeeds(), 42, i).bytes)
  }
  assert.notDeepEqual(grpcCase(corpus, 42, 400).bytes, grpcCase(corpus, 43, 400).bytes)
})

test('frozen paths: a reference write stays as built under 300 mutations each (gRPC)', () => {
  for (const s of grpcSeeds().filter((x) => x.target === 'reference-reject')) {
    const type = requestTypeOf(s.service, s.rpc)
    const frozenValues = (tree: Record<string, unknown>) => JSON.stringify((s.frozen ?? []).map((p) => valueAt(tree, p)), (_k, v) => (typeof v === 'bigint' ? String(v) : v))
    for (let i = 0; i < 300; i++) {
      const m = mutateTree(type, s.tree, new FuzzRandom(i), { names: FUZZ_NAMES, frozen: s.frozen ?? [] })
      assert.equal(frozenValues(m.tree), frozenValues(s.tree), `${s.rpc} seed ${i}: ${m.notes.join('; ')}`)
      if (s.rpc === 'Insert' || s.rpc === 'Upsert') assert.equal((m.tree.fields_data as unknown[]).length, (s.tree.fields_data as unknown[]).length)
    }
  }
})

test('frozen paths and forbidden keys: a reference write stays as built under 300 mutations each (REST)', () => {
  for (const s of restSeeds().filter((x) => x.target === 'reference-reject')) {
    for (let i = 0; i < 300; i++) {
      const m = mutateJson(s.body, new FuzzRandom(i), { names: FUZZ_NAMES, frozen: s.frozen ?? [], forbiddenKeys: s.forbiddenKeys ?? [] })
      const body = m.body as Record<string, unknown>
      for (const p of s.frozen ?? []) assert.equal(writeJson(valueAt(body, p)), writeJson(valueAt(s.body, p)), `${s.endpoint} seed ${i}: ${p}: ${m.notes.join('; ')}`)
      for (const k of s.forbiddenKeys ?? []) if (!Object.hasOwn(s.body, k)) assert.equal(Object.hasOwn(body, k), false, `${s.endpoint} seed ${i} added ${k}`)
    }
  }
})

/** The value at a path like `fields_data[1].vectors` (undefined when absent). */
function valueAt(tree: unknown, path: string): unknown {
  let v: unknown = tree
  for (const part of path.split(/\.|(?=\[)/)) {
    if (v === null || typeof v !== 'object') return undefined
    const m = /^\[(\d+)\]$/.exec(part)
    v = m === null ? (v as Record<string, unknown>)[part] : (v as unknown[])[Number(m[1])]
  }
  return v
}

test('byte edits: truncation, flips and splices stay within the input and the donors', () => {
  const input = Uint8Array.from({ length: 64 }, (_, i) => i)
  for (let i = 0; i < 200; i++) {
    const { bytes, notes } = mutateBytes(input, new FuzzRandom(i), [Uint8Array.of(1, 2, 3)])
    assert.ok(notes.length >= 1 && notes.length <= 4)
    assert.ok(bytes.length <= 64 * 8 + 200, `${bytes.length}`)
  }
})

test('JSON writing: raw numbers, duplicate keys and nesting as text', () => {
  assert.equal(writeJson({ a: new RawJson('1e999'), b: [1, 'x'] }), '{"a":1e999,"b":[1,"x"]}')
  const dup = mutateJson({ a: 1 }, new FuzzRandom(3), { names: ['n'] })
  assert.doesNotThrow(() => writeJson(dup.body))
})

test('nested bytes: depth levels of the cycle around the leaf, outermost first', () => {
  assert.deepEqual(Array.from(nestedBytes([], [1], 2, Uint8Array.of(7))), [0x0a, 0x03, 0x0a, 0x01, 0x07])
  const deep = nestedBytes([5], [5, 1], 100_000, Uint8Array.of(1))
  assert.ok(deep.length > 400_000 && deep.length < 1_000_000)
})
