// The web console in a real browser (Debian's Chromium, headless, driven by puppeteer-core) against a
// real `quiver serve` with authorization on and data in sealed, indexed segments: the login gate, the
// overview, the collection's schema and segments, a search and a query in the playground, the request
// charts, configuration, users; an XSS value stays text; a user without privileges sees nothing.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { type ServedChild, serveChild } from '../support/serve-child.ts'
import { tempDir } from '../support/temp-db.ts'

const ROOT = 'root:Milvus'
const XSS = '<img src=x onerror="window.__xss=1">'
const ROWS = 300
const DIM = 4
const WAIT_MS = 20_000
const ARTICLES = ['vector databases store embeddings', 'the quick brown fox jumps', 'full text search ranks documents with BM25', 'segments are sealed then indexed']
/** Where Debian's package puts it; QUIVER_CHROMIUM overrides. `.ci/run` installs it (apt-get install chromium). */
const chromium = process.env.QUIVER_CHROMIUM ?? '/usr/bin/chromium'
/** Set to a directory to save the screenshots docs/console.md shows. */
const shots = process.env.QUIVER_CONSOLE_SCREENSHOTS

const dir = tempDir('quiver-webui-')
let served: ServedChild
let browser: Browser
let page: Page

function vector(i: number): number[] {
  return Array.from({ length: DIM }, (_, k) => Math.sin(i * 7 + k))
}

async function rest(endpoint: string, body: unknown, token = ROOT): Promise<any> {
  const res = await fetch(`http://${served.address}/v2/vectordb/${endpoint}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const reply = (await res.json()) as { code: number; data: unknown; message?: string }
  assert.equal(reply.code, 0, `${endpoint}: ${reply.message}`)
  return reply.data
}

function api(path: string, token?: string): Promise<Response> {
  return fetch(`${served.opsUrl}/webui/api${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } })
}

async function shot(name: string): Promise<void> {
  if (shots === undefined) return
  mkdirSync(shots, { recursive: true })
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
}

const texts = (selector: string) => page.$$eval(selector, (els) => els.map((e) => e.textContent ?? ''))

before(async () => {
  // Tiny segments (~1 KB) so the rows land in several sealed segments; every request counts as slow.
  served = await serveChild(dir.path, [], { QUIVER_COMMON_SECURITY_AUTHORIZATIONENABLED: 'true', QUIVER_DATACOORD_SEGMENT_MAXSIZE: '0.004', QUIVER_PROXY_SLOWQUERYSPANINSECONDS: '0' })
  await rest('collections/create', {
    collectionName: 'books',
    description: '<script>window.__xss=2</script>',
    schema: {
      fields: [
        { fieldName: 'id', dataType: 'Int64', isPrimary: true },
        { fieldName: 'title', dataType: 'VarChar', description: '<svg onload="window.__xss=3">', elementTypeParams: { max_length: 100 } },
        { fieldName: 'vec', dataType: 'FloatVector', elementTypeParams: { dim: DIM } },
      ],
    },
    indexParams: [{ fieldName: 'vec', indexName: 'vec_hnsw', metricType: 'L2', indexType: 'HNSW', params: { M: 8, efConstruction: 64 } }],
  })
  const data = Array.from({ length: ROWS }, (_, i) => ({ id: i, title: i === 3 ? XSS : `book ${i}`, vec: vector(i) }))
  // Batches of 50: a segment seals between batches once past its size.
  for (let i = 0; i < ROWS; i += 50) await rest('entities/insert', { collectionName: 'books', data: data.slice(i, i + 50) })
  await rest('collections/flush', { collectionName: 'books' })
  await rest('users/create', { userName: 'viewer', password: 'viewer-pw-1' })
  // Full-text search: a BM25 function from `text` to `sparse`.
  await rest('collections/create', {
    collectionName: 'articles',
    schema: {
      fields: [
        { fieldName: 'id', dataType: 'Int64', isPrimary: true },
        { fieldName: 'text', dataType: 'VarChar', elementTypeParams: { max_length: 200, enable_analyzer: true } },
        { fieldName: 'sparse', dataType: 'SparseFloatVector' },
      ],
      functions: [{ name: 'bm25', type: 'BM25', inputFieldNames: ['text'], outputFieldNames: ['sparse'], params: {} }],
    },
    indexParams: [{ fieldName: 'sparse', indexName: 'sparse_bm25', metricType: 'BM25', indexType: 'SPARSE_INVERTED_INDEX' }],
  })
  await rest('entities/insert', { collectionName: 'articles', data: ARTICLES.map((text, id) => ({ id, text })) })
})

after(async () => {
  await browser?.close()
  await served?.stop()
  dir.cleanup()
})

test('unauthenticated: every console API answers 401, nothing leaks', async () => {
  for (const path of ['/session', '/overview', '/collection?db=default&name=books', '/requests', '/config']) {
    const res = await api(path)
    assert.equal(res.status, 401, path)
    assert.doesNotMatch(await res.text(), /books/)
  }
  const wrong = await api('/overview', 'root:wrong')
  assert.equal(wrong.status, 401)
  const proxied = await fetch(`${served.opsUrl}/webui/api/v2/vectordb/entities/query`, { method: 'POST', body: JSON.stringify({ collectionName: 'books', filter: 'id >= 0' }) })
  assert.equal(proxied.status, 401)
  assert.doesNotMatch(await proxied.text(), /book 1/)
})

test('a user without privileges sees no collection and is refused its data (403)', async () => {
  const overview = (await (await api('/overview', 'viewer:viewer-pw-1')).json()) as { collections: unknown[] }
  assert.deepEqual(overview.collections, [])
  assert.equal((await api('/collection?db=default&name=books', 'viewer:viewer-pw-1')).status, 403)
  const query = await fetch(`${served.opsUrl}/webui/api/v2/vectordb/entities/query`, { method: 'POST', headers: { authorization: 'Bearer viewer:viewer-pw-1', 'content-type': 'application/json' }, body: JSON.stringify({ collectionName: 'books', filter: 'id >= 0' }) })
  const reply = (await query.json()) as { code: number }
  assert.equal(reply.code, 1401, 'Query needs the Query privilege')
})

test('in Chromium: login, overview, segments, playground search and query, charts, configuration, users', async (t) => {
  if (!existsSync(chromium)) {
    t.skip(`no browser at ${chromium}: install Debian's chromium (apt-get install chromium; .ci/run does) or set QUIVER_CHROMIUM`)
    return
  }
  // Wait for the index builds: every sealed segment indexed.
  const deadline = Date.now() + WAIT_MS
  let view: { segments: { state: string; rowCount: number }[] }
  for (;;) {
    view = (await (await api('/collection?db=default&name=books', ROOT)).json()) as typeof view
    if (view.segments.every((s) => s.state !== 'sealed')) break
    assert.ok(Date.now() < deadline, `segments still unindexed: ${JSON.stringify(view.segments)}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  const sealed = view.segments.filter((s) => s.state === 'indexed')
  assert.ok(sealed.length >= 2, `several sealed segments expected, got ${JSON.stringify(view.segments)}`)

  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir.path, 'chromium')}`],
  })
  page = await browser.newPage()
  await page.setViewport({ width: 1280, height: 800 })
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(String(e)))
  page.setDefaultTimeout(WAIT_MS)

  await page.goto(`${served.opsUrl}/webui`)
  await page.waitForSelector('#login:not([hidden])')
  assert.equal(await page.$eval('#tabs', (e: any) => e.hidden), true, 'no tabs before signing in')
  await shot('console-login')
  await page.type('#login-user', 'root')
  await page.type('#login-password', 'wrong')
  await page.click('#login-submit')
  await page.waitForFunction(`document.getElementById('login-error')?.textContent === 'Wrong user or password.'`)
  await page.$eval('#login-password', (e: any) => void (e.value = ''))
  await page.type('#login-password', 'Milvus')
  await page.click('#login-submit')

  await page.waitForSelector('#overview-table')
  const row = await texts('#overview-table tbody tr:first-child td')
  assert.deepEqual(row.slice(0, 2), ['default', 'books'])
  assert.equal(Number(row[4]!.replaceAll(',', '')) + Number(row[5]!.replaceAll(',', '')), ROWS, 'growing + sealed rows')
  assert.equal(Number(row[3]), view.segments.length - view.segments.filter((s) => s.state === 'growing').length)
  await shot('console-overview')

  await page.click('#overview-table tbody tr:first-child button')
  await page.waitForSelector('#segment-table')
  assert.equal(await page.$eval('#card-row-count .value', (e) => e.textContent), String(ROWS))
  const states = await texts('#segment-table tbody td:nth-child(3)')
  assert.equal(states.length, view.segments.length)
  assert.equal(states.filter((s) => s === 'indexed').length, sealed.length)
  const rowsShown = (await texts('#segment-table tbody td:nth-child(4)')).reduce((s, v) => s + Number(v.replaceAll(',', '')), 0)
  assert.equal(rowsShown, ROWS)
  assert.deepEqual(await texts('#schema-table tbody td:first-child'), ['id', 'title', 'vec'])
  assert.ok((await texts('#schema-table tbody td:nth-child(2)')).includes('FloatVector(4)'))
  assert.ok((await texts('#schema-table tbody td:nth-child(4)')).includes('<svg onload="window.__xss=3">'), 'a field description shows as text')
  assert.equal(await page.$('#collection-detail svg, #collection-detail script'), null)
  assert.match((await texts('#index-table tbody td'))[5]!, new RegExp(`^${sealed.reduce((s, x) => s + x.rowCount, 0)} / `))
  await shot('console-collection')
  // The engine's view refreshes by itself: a new sealed segment appears without a reload.
  await rest('entities/insert', { collectionName: 'books', data: Array.from({ length: 50 }, (_, i) => ({ id: ROWS + i, title: `late ${i}`, vec: vector(ROWS + i) })) })
  await rest('collections/flush', { collectionName: 'books' })
  await page.waitForFunction(`document.querySelectorAll('#segment-table tbody tr').length === ${view.segments.length + 1}`)

  // A choice re-renders the playground's form (after three REST calls): wait for the new form, or the
  // test would type into the old one, whose results are never shown.
  const choose = async (selector: string, value: string) => {
    await page.evaluate(`void (window.__form = document.getElementById('pg-form'))`)
    await page.select(selector, value)
    await page.waitForFunction(`document.getElementById('pg-form') !== null && document.getElementById('pg-form') !== window.__form`)
  }
  await page.click('nav button[data-tab=playground]')
  await page.waitForSelector('#pg-collection')
  await choose('#pg-collection', 'books')
  await page.waitForSelector('#pg-anns option[value=vec]')
  await page.type('#pg-vector', JSON.stringify(vector(42)))
  await page.$eval('#pg-limit', (e: any) => void (e.value = '5'))
  await page.click('#pg-run')
  await page.waitForSelector('#pg-table')
  const headers = await texts('#pg-table th')
  const hits = await page.$$eval('#pg-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')))
  assert.equal(hits.length, 5)
  assert.equal(hits[0]![headers.indexOf('id')], '42')
  assert.equal(Number(hits[0]![headers.indexOf('distance')]), 0)
  await shot('console-search')

  // Text in the query box is sent as text: a BM25 search on the function's output field.
  await choose('#pg-collection', 'articles')
  await page.waitForSelector('#pg-anns option[value=sparse]')
  await page.type('#pg-vector', 'BM25 ranking of documents')
  await page.click('#pg-run')
  await page.waitForSelector('#pg-table')
  const textHeaders = await texts('#pg-table th')
  const textHits = await page.$$eval('#pg-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')))
  assert.equal(textHits[0]![textHeaders.indexOf('text')], ARTICLES[2])
  await shot('console-text-search')
  await choose('#pg-collection', 'books')
  await page.waitForSelector('#pg-anns option[value=vec]')

  await choose('#pg-mode', 'query')
  await page.waitForFunction(`document.getElementById('pg-vector') === null`)
  await page.type('#pg-filter', 'id in [3, 4]')
  await page.click('#pg-run')
  await page.waitForSelector('#pg-table')
  const titles = await texts(`#pg-table tbody td:nth-child(${(await texts('#pg-table th')).indexOf('title') + 1})`)
  assert.deepEqual(titles.toSorted(), [XSS, 'book 4'].toSorted(), 'the stored HTML is shown as text')
  assert.equal(await page.$('#pg-table img'), null, 'no element was made of it')
  await shot('console-query')

  await page.click('nav button[data-tab=activity]')
  await page.waitForSelector('#throughput-chart path.throughput')
  await page.waitForSelector('#latency-chart path.latency')
  assert.ok(Number((await page.$eval('#card-requests .value', (e) => e.textContent))!.replaceAll(',', '')) > 0)
  const slowMethods = await texts('#slow-table tbody td:nth-child(2)')
  assert.ok(slowMethods.includes('Search') && slowMethods.includes('Query'), `slow requests: ${slowMethods.join(', ')}`)
  await shot('console-requests')

  await page.click('nav button[data-tab=config]')
  await page.waitForSelector('#engine-config')
  const settings = await texts('#engine-config tbody td:first-child')
  assert.ok(settings.includes('segmentBytesMax') && !settings.includes('path'))
  assert.ok((await texts('#server-config tbody td')).includes('authorizationEnabled'))

  await page.click('nav button[data-tab=access]')
  await page.waitForSelector('#users-table')
  assert.deepEqual((await texts('#users-table tbody td:first-child')).toSorted(), ['root', 'viewer'])
  await shot('console-users')

  assert.equal(await page.evaluate('window.__xss'), undefined, 'no injected script ran')
  await page.click('#logout')
  await page.waitForSelector('#login:not([hidden])')
  assert.deepEqual(pageErrors, [])
})
