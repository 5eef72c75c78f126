import { restMethods } from '../../src/server/rest/rest-methods.ts'
import { FuzzRandom } from './fuzz-random.ts'
import { FUZZ_NAMES, FZ_ALL, FZ_PASSWORD, FZ_USER, ROOT_TOKEN } from './fuzz-world.ts'
import type { Target } from './grpc-seeds.ts'
import { INVALID_UTF8 } from './interesting-values.ts'
import { mutateJson, writeJson } from './json-mutator.ts'
import type { RestSeed } from './rest-seeds.ts'

export const REST_PREFIX = '/v2/vectordb/'

/** One REST request of a run (bytes for a fresh connection), regenerated exactly from (run seed, index). */
export interface RestCase {
  readonly id: string
  readonly endpoint: string
  readonly target: Target
  readonly bytes: Uint8Array
  /**
   * What the server owes: `json` an HTTP response (200 with an envelope, or an HTTP error for a
   * malformed request); `maybe-silent` it may wait for bytes that never come or close the
   * connection (short body, partial preface); `h2` binary HTTP/2 frames.
   */
  readonly answer: 'json' | 'maybe-silent' | 'h2'
  /** POST to a known endpoint with a parseable request line: a 404 would be wrong. */
  readonly routable: boolean
  /** The credentials must authenticate (true), must be refused (false), or either (undefined). */
  readonly authenticates: boolean | undefined
  /**
   * Malformed at the HTTP level (method, request line, headers, framing): node:http refuses it and
   * closes; with request bytes still unread the close is a reset that can lose its 400 on the way.
   */
  readonly malformed: boolean
  readonly notes: readonly string[]
}

type Header = readonly [string, string]

interface Draft {
  method: string
  path: string
  headers: Header[]
  body: Buffer
  answer: RestCase['answer']
  routable: boolean
  authenticates: boolean | undefined
  malformed: boolean
  /** The Content-Length header is written from the body unless a mutation set its own. */
  lengthSet: boolean
  chunked: boolean
}

/** Authorization headers and whether they must authenticate (undefined: either answer is right). */
const AUTHORIZATION_VARIANTS: readonly (readonly [string | undefined, boolean | undefined])[] = [
  [undefined, false], ['Bearer', false], ['Bearer ', false], ['Bearer root:wrong', false], ['Bearer root', false],
  [`Basic ${Buffer.from(ROOT_TOKEN).toString('base64')}`, false], [`bearer ${ROOT_TOKEN}`, undefined], [`Bearer ${FZ_USER}:${FZ_PASSWORD}`, undefined],
  [`Bearer ${'x'.repeat(8_000)}`, false], ['Bearer :', false], [`Bearer ${ROOT_TOKEN}:extra`, false], ['Token abc', false],
]

/** A mutated body longer than this is made again (the server's own limit, 64 MiB, is tested by an edge case). */
export const BODY_BYTES_MAX = 8 * 1024 * 1024

const HEADER_RATE = 0.15
const PATH_RATE = 0.08
const METHOD_RATE = 0.04
const TEXT_RATE = 0.15
const RAW_RATE = 0.03

export function restCase(seeds: readonly RestSeed[], runSeed: number, index: number): RestCase {
  const id = `rest:${index}`
  if (index < seeds.length) return build(id, seeds[index]!, draftOf(seeds[index]!, writeJson(seeds[index]!.body)), ['seed as is'])
  const edges = edgeDrafts()
  const e = index - seeds.length
  if (e < edges.length) {
    const [note, make] = edges[e]!
    return build(id, { endpoint: 'collections/list', body: {}, target: 'fuzz' }, make(), [`edge: ${note}`])
  }
  const rnd = FuzzRandom.forCase(runSeed, 'rest', index)
  if (rnd.chance(RAW_RATE)) return rawCase(id, rnd)
  const s = rnd.pick(seeds)
  const notes: string[] = [`${s.endpoint} (${s.target})`]
  let body = writeJson(s.body)
  if (rnd.chance(0.85)) {
    for (let attempt = 0; attempt < 3; attempt++) {
      let m: ReturnType<typeof mutateJson>
      let text: string
      try {
        m = mutateJson(s.body, rnd, { names: FUZZ_NAMES, ...(s.frozen === undefined ? {} : { frozen: s.frozen }), ...(s.forbiddenKeys === undefined ? {} : { forbiddenKeys: s.forbiddenKeys }) })
        text = writeJson(m.body)
      } catch (e) {
        if (e instanceof RangeError) continue // grew past V8's string length: make it again
        throw e
      }
      if (text.length > BODY_BYTES_MAX) continue
      body = text
      notes.push(...m.notes)
      break
    }
  }
  const d = draftOf(s, body)
  const free = s.target !== 'reference-reject'
  if (free && rnd.chance(TEXT_RATE)) notes.push(mutateText(d, rnd))
  if (rnd.chance(HEADER_RATE)) notes.push(mutateHeaders(d, rnd, free))
  if (free && rnd.chance(PATH_RATE)) notes.push(mutatePath(d, rnd))
  if (free && rnd.chance(METHOD_RATE)) notes.push(mutateMethod(d, rnd))
  return build(id, s, d, notes)
}

function draftOf(s: RestSeed, body: string): Draft {
  return {
    method: 'POST',
    path: `${REST_PREFIX}${s.endpoint}`,
    headers: [['Host', '127.0.0.1'], ['Content-Type', 'application/json'], ['Authorization', `Bearer ${ROOT_TOKEN}`], ['Connection', 'close']],
    body: Buffer.from(body, 'utf8'),
    answer: 'json',
    routable: true,
    authenticates: true,
    malformed: false,
    lengthSet: false,
    chunked: false,
  }
}

function build(id: string, s: RestSeed, d: Draft, notes: readonly string[]): RestCase {
  const headers = [...d.headers]
  if (!d.lengthSet && !d.chunked) headers.push(['Content-Length', String(d.body.length)])
  const head = `${d.method} ${d.path} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`
  const body = d.chunked ? Buffer.concat([Buffer.from(`${d.body.length.toString(16)}\r\n`), d.body, Buffer.from('\r\n0\r\n\r\n')]) : d.body
  return { id, endpoint: s.endpoint, target: s.target, bytes: new Uint8Array(Buffer.concat([Buffer.from(head, 'latin1'), body])), answer: d.answer, routable: d.routable, authenticates: d.authenticates, malformed: d.malformed, notes }
}

/** Text-level damage to the serialised body. */
function mutateText(d: Draft, rnd: FuzzRandom): string {
  const b = d.body
  switch (rnd.int(8)) {
    case 0:
      d.body = b.subarray(0, rnd.int(b.length + 1))
      return 'body truncated'
    case 1:
      d.body = Buffer.concat([b, Buffer.from(rnd.pick(['}', ']]]', '\u0000', 'NaN', ',', ' garbage', '{}{}']))])
      return 'trailing garbage'
    case 2: {
      const at = rnd.int(b.length + 1)
      d.body = Buffer.concat([b.subarray(0, at), rnd.pick(INVALID_UTF8), b.subarray(at)])
      return `invalid UTF-8 at ${at}`
    }
    case 3:
      d.body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b])
      return 'BOM'
    case 4: {
      const text = rnd.pick(['', 'null', '[]', '"x"', '123', 'true', '{', '/*c*/{}', '{"a":1,}', "{'a':1}", '\u0000'])
      d.body = Buffer.from(text)
      return `body = ${JSON.stringify(text)}`
    }
    case 5:
      d.body = Buffer.from(b.toString('utf8'), 'utf16le')
      return 'body in UTF-16LE'
    case 6:
      d.body = Buffer.concat([Buffer.from(' \t\r\n'.repeat(rnd.pick([1, 10_000]))), b])
      return 'leading whitespace'
    default: {
      const i = rnd.int(Math.max(1, b.length))
      const out = Buffer.from(b)
      if (out.length > 0) out[i] = rnd.int(256)
      d.body = out
      return `byte ${i} replaced`
    }
  }
}

/** Authorization, Content-Type, DB-Name and int64 variants; huge or many headers; chunked and lying lengths. */
function mutateHeaders(d: Draft, rnd: FuzzRandom, free: boolean): string {
  const set = (name: string, value: string | undefined) => {
    d.headers = d.headers.filter(([k]) => k.toLowerCase() !== name.toLowerCase())
    if (value !== undefined) d.headers.push([name, value])
  }
  const choice = rnd.int(free ? 10 : 5)
  switch (choice) {
    case 0: {
      const [v, authenticates] = rnd.pick(AUTHORIZATION_VARIANTS)
      set('Authorization', v)
      d.authenticates = authenticates
      return `Authorization: ${v === undefined ? '(none)' : v.slice(0, 40)}`
    }
    case 1: {
      const v = rnd.pick(['text/plain', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', '', '*/*', 'application/json; charset=nope'])
      set('Content-Type', v)
      return `Content-Type: ${v}`
    }
    case 2: {
      const v = rnd.pick(['fzdb', 'no_such_db', '', 'd'.repeat(300), 'default', '..'])
      d.headers.push(['DB-Name', v])
      return `DB-Name: ${v.slice(0, 40)}`
    }
    case 3: {
      const v = rnd.pick(['true', 'TRUE', '1', 'false', 'yes'])
      d.headers.push(['Accept-Type-Allow-Int64', v])
      return `Accept-Type-Allow-Int64: ${v}`
    }
    case 4:
      d.headers.push(['Authorization', 'Bearer root:wrong'])
      d.authenticates = undefined
      return 'Authorization twice'
    case 5: {
      d.malformed = true
      const n = rnd.pick([17_000, 70_000])
      d.headers.push(['X-Big', 'a'.repeat(n)])
      return `a ${n}-byte header`
    }
    case 6: {
      d.malformed = true
      const n = rnd.pick([200, 3_000])
      for (let i = 0; i < n; i++) d.headers.push([`X-H${i}`, 'v'])
      return `${n} headers`
    }
    case 7:
      d.malformed = true
      d.chunked = true
      d.headers.push(['Transfer-Encoding', 'chunked'])
      if (rnd.chance(0.3)) {
        d.lengthSet = true
        d.headers.push(['Content-Length', '5'])
        return 'chunked and a Content-Length'
      }
      return 'chunked body'
    case 8: {
      d.malformed = true
      d.lengthSet = true
      const lie = rnd.pick([d.body.length + 10, 0, Math.max(0, d.body.length - 3), 67_108_865, -1])
      d.headers.push(['Content-Length', String(lie)])
      if (lie > d.body.length && lie < 67_108_865) d.answer = 'maybe-silent'
      return `Content-Length: ${lie} for ${d.body.length} bytes`
    }
    default: {
      d.malformed = true
      const v = rnd.pick(['bad\u0001value', 'a\r\n folded', 'caf\u00e9'])
      d.headers.push(['X-Odd', v])
      return `header value ${JSON.stringify(v)}`
    }
  }
}

function mutatePath(d: Draft, rnd: FuzzRandom): string {
  const endpoint = d.path.slice(REST_PREFIX.length)
  const p = rnd.pick([
    `${d.path}?x=1&dbName=fzdb`, `/${d.path}`, `${d.path}/`, d.path.toUpperCase(), `${REST_PREFIX}${endpoint.replace('/', '%2F')}`,
    `${REST_PREFIX}__proto__/constructor`, `${REST_PREFIX}collections/hasOwnProperty`, `${REST_PREFIX}collections/__proto__`, `${REST_PREFIX}../vectordb/${endpoint}`,
    `${REST_PREFIX}${'a/'.repeat(5_000)}`, '*', `http://127.0.0.1${d.path}`, '/v1/vector/collections', '/', `${REST_PREFIX}collections`, `${REST_PREFIX}collections/list#frag`,
    `${d.path}%00`, `${d.path}\u00e9`,
  ])
  d.path = p
  d.malformed = true
  const pathname = new URL(p, 'http://127.0.0.1').pathname
  d.routable = pathname.startsWith(REST_PREFIX) && Object.hasOwn(restMethods, pathname.slice(REST_PREFIX.length))
  return `path ${p.slice(0, 60)}`
}

function mutateMethod(d: Draft, rnd: FuzzRandom): string {
  d.method = rnd.pick(['GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'FOO', 'post', 'PATCH'])
  d.routable = false
  d.malformed = true
  return `method ${d.method}`
}

/** Bytes that are not an HTTP/1.1 request: HTTP/2 preface + garbage frames, a partial preface, random bytes, nothing. */
function rawCase(id: string, rnd: FuzzRandom): RestCase {
  const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')
  const kind = rnd.int(5)
  const base = { id, endpoint: '(raw)', target: 'fuzz' as const, routable: false, authenticates: undefined, malformed: true }
  if (kind === 0) return { ...base, bytes: new Uint8Array(Buffer.concat([preface, Buffer.from(rnd.bytes(rnd.range(1, 256)))])), answer: 'h2', notes: ['HTTP/2 preface + random frames'] }
  if (kind === 1) return { ...base, bytes: new Uint8Array(Buffer.concat([preface, Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]), Buffer.from([0xff, 0xff, 0xff, 1, 5, 0, 0, 0, 1])])), answer: 'h2', notes: ['HTTP/2 preface + SETTINGS + a 16 MiB HEADERS frame header'] }
  if (kind === 2) return { ...base, bytes: new Uint8Array(preface.subarray(0, rnd.range(1, preface.length - 1))), answer: 'maybe-silent', notes: ['a partial HTTP/2 preface'] }
  if (kind === 3) return { ...base, bytes: rnd.bytes(rnd.range(1, 2_048)), answer: 'maybe-silent', notes: ['random bytes'] }
  return { ...base, bytes: new Uint8Array(0), answer: 'maybe-silent', notes: ['an empty connection'] }
}

/** Curated requests: every framing problem once. */
function edgeDrafts(): (readonly [string, () => Draft])[] {
  const base = (): Draft => draftOf({ endpoint: 'entities/query', body: {}, target: 'fuzz' }, JSON.stringify({ collectionName: FZ_ALL, filter: 'id > 0', limit: 3 }))
  const withBody = (text: string) => () => ({ ...base(), body: Buffer.from(text) })
  return [
    ['array nested 100k deep', withBody(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)],
    ['object nested 100k deep', withBody(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`)],
    ['filter nested 5k deep', withBody(JSON.stringify({ collectionName: FZ_ALL, filter: `${'('.repeat(5_000)}id > 0${')'.repeat(5_000)}` }))],
    ['exprParams nested 5k deep', withBody(`{"collectionName":"${FZ_ALL}","filter":"id in {x}","exprParams":{"x":${'['.repeat(5_000)}${']'.repeat(5_000)}}}`)],
    ['search params nested 5k deep', () => ({ ...base(), path: `${REST_PREFIX}entities/search`, body: Buffer.from(`{"collectionName":"${FZ_ALL}","data":[[1,0,0,0]],"annsField":"vec","searchParams":{"params":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}}`) })],
    ['insert with a JSON field nested 5k deep', () => ({ ...base(), path: `${REST_PREFIX}entities/insert`, body: Buffer.from(`{"collectionName":"${FZ_ALL}","data":[{"id":900,"vec":[1,0,0,0],"bvec":[1,2],"sparse":{"1":1},"f16":[1,0,0,0],"title":"x","meta":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)},"tags":[],"flag":true,"i8":1,"i16":1,"i32":1,"f":1,"d":1}]}`) })],
    ['entities/get with a million copies of one key', () => ({ ...base(), path: `${REST_PREFIX}entities/get`, body: Buffer.from(`{"collectionName":"${FZ_ALL}","id":[${'1,'.repeat(1_000_000)}1]}`) })],
    ['indexes/create with 50,000 copies of one spec', () => ({ ...base(), path: `${REST_PREFIX}indexes/create`, body: Buffer.from(`{"collectionName":"${FZ_ALL}","indexParams":[${new Array(50_000).fill('{"fieldName":"i16","indexType":"INVERTED"}').join(',')}]}`) })],
    ['1M-element data array', () => ({ ...base(), path: `${REST_PREFIX}entities/search`, body: Buffer.from(`{"collectionName":"${FZ_ALL}","annsField":"vec","data":[[${'0.5,'.repeat(1_000_000)}1]]}`) })],
    ['Content-Length over 64 MiB', () => ({ ...base(), malformed: true, lengthSet: true, headers: [...base().headers, ['Content-Length', '67108865']] })],
    ['Content-Length longer than the body', () => ({ ...base(), lengthSet: true, answer: 'maybe-silent', headers: [...base().headers, ['Content-Length', '1000']] })],
    ['chunked with a bad chunk size', () => ({ ...base(), malformed: true, headers: [...base().headers, ['Transfer-Encoding', 'chunked']], chunked: false, lengthSet: true, body: Buffer.from('zz\r\n{}\r\n0\r\n\r\n') })],
    ['a 20 KiB header', () => ({ ...base(), malformed: true, headers: [...base().headers, ['X-Big', 'a'.repeat(20_000)]] })],
    ['no Host header', () => ({ ...base(), headers: base().headers.filter(([k]) => k !== 'Host') })],
    ['no Authorization', () => ({ ...base(), authenticates: false, headers: base().headers.filter(([k]) => k !== 'Authorization') })],
    ['GET /healthz on the API port', () => ({ ...base(), method: 'GET', path: '/healthz', routable: false })],
    ['two requests in one write', () => {
      const first = base()
      const second = Buffer.from(`POST ${REST_PREFIX}collections/list HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}`)
      return { ...first, lengthSet: true, headers: [...first.headers.filter(([k]) => k !== 'Connection'), ['Content-Length', String(first.body.length)]], body: Buffer.concat([first.body, second]) }
    }],
  ]
}
