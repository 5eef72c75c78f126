// The console's shell: sign-in, tabs, the overview and the collections browser.
import { renderAccess, renderActivity, renderConfig, stopActivity } from './activity.js'
import { renderPlayground } from './playground.js'
import { ApiError, card, errorLine, fill, fmt, get, h, rest, session, table } from './ui.js'

const $ = (id) => document.getElementById(id)
const tabs = { overview: renderOverview, collections: renderCollections, playground: renderPlayground, activity: renderActivity, config: renderConfig, access: renderAccess }
let current = 'overview'

session.onUnauthorized = () => showLogin()

function showLogin(message = '') {
  stopActivity()
  $('tabs').hidden = true
  for (const s of document.querySelectorAll('section.tab')) s.hidden = true
  fill($('who'))
  $('login').hidden = false
  fill($('login-error'), message)
}

async function start() {
  let me
  try {
    me = await get('/session')
  } catch (e) {
    if (e instanceof ApiError && e.code === 1800) return
    fill($('status'), String(e.message ?? e))
    return
  }
  $('login').hidden = true
  $('tabs').hidden = false
  fill($('who'), h('span', { id: 'who-user' }, me.user), me.authorizationEnabled ? h('button', { class: 'link', id: 'logout', onclick: logout }, 'Sign out') : h('span', { class: 'badge' }, 'authorization off'))
  const hash = location.hash.slice(1)
  show(Object.hasOwn(tabs, hash) ? hash : 'overview')
}

function logout() {
  session.token = ''
  showLogin()
}

async function show(tab) {
  current = tab
  if (location.hash.slice(1) !== tab) history.replaceState(null, '', `#${tab}`)
  stopActivity()
  for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b.dataset.tab === tab)
  for (const s of document.querySelectorAll('section.tab')) s.hidden = s.id !== tab
  fill($('status'))
  const el = $(tab)
  fill(el, h('p', { class: 'muted' }, 'Loading…'))
  try {
    await tabs[tab](el)
  } catch (e) {
    if (e instanceof ApiError && e.code === 1800) return
    fill(el, errorLine(e))
  }
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault()
  const user = $('login-user').value
  session.token = `${user}:${$('login-password').value}`
  try {
    await get('/session')
  } catch (e) {
    session.token = ''
    return showLogin(e instanceof ApiError && e.code === 1800 ? 'Wrong user or password.' : String(e.message ?? e))
  }
  $('login-password').value = ''
  start()
})

for (const b of document.querySelectorAll('nav button')) b.addEventListener('click', () => show(b.dataset.tab))

const bytes = (n) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`)
const REFRESH_MS = 3000
let refreshTimer

/** Re-reads the engine's view (not the API: the request charts stay the user's) while the tab shows it. */
function refreshLater(el, render) {
  clearTimeout(refreshTimer)
  refreshTimer = setTimeout(async () => {
    if (!el.isConnected || el.closest('section.tab')?.hidden) return
    try {
      await render()
    } catch {
      // The next visit shows the error.
    }
  }, REFRESH_MS)
}

const badge = (state) => h('span', { class: `badge ${state}` }, state)

/** What an element shows, as JSON: a refresh that read the same leaves the page alone (no flicker, no lost focus). */
const shown = new WeakMap()

function unchanged(el, value) {
  const key = JSON.stringify(value)
  if (shown.get(el) === key) return true
  shown.set(el, key)
  return false
}

async function renderOverview(el, refresh = false) {
  const o = await get('/overview')
  refreshLater(el, () => renderOverview(el, true))
  if (unchanged(el, o) && refresh) return
  const rows = o.collections
  const total = (k) => rows.reduce((s, c) => s + c[k], 0)
  fill(
    el,
    h('div', { class: 'cards' }, card('collections', fmt.format(rows.length), { id: 'card-collections' }), card('rows stored', fmt.format(total('growingRows') + total('sealedRows')), { id: 'card-rows' }), card('growing segments', fmt.format(total('growingSegments'))), card('sealed segments', fmt.format(total('sealedSegments'))), card('rows waiting for an index', fmt.format(total('pendingIndexRows'))), card('index builds done / failed', `${fmt.format(o.indexBuilds.builtCount)} / ${fmt.format(o.indexBuilds.failedCount)}`), card('WAL on disk', bytes(o.walBytes))),
    h('h2', {}, 'Collections'),
    rows.length === 0
      ? h('p', { class: 'muted' }, 'No collection yet.')
      : table(
          [
            { label: 'database', value: (c) => c.database },
            { label: 'collection', value: (c) => h('button', { class: 'link', onclick: () => openCollection(c.database, c.name) }, c.name) },
            { label: 'growing seg.', value: (c) => fmt.format(c.growingSegments), num: true },
            { label: 'sealed seg.', value: (c) => fmt.format(c.sealedSegments), num: true },
            { label: 'rows (growing)', value: (c) => fmt.format(c.growingRows), num: true },
            { label: 'rows (sealed)', value: (c) => fmt.format(c.sealedRows), num: true },
            { label: 'deleted', value: (c) => fmt.format(c.deletedRows), num: true },
            { label: 'rows to index', value: (c) => fmt.format(c.pendingIndexRows), num: true },
          ],
          rows,
          { id: 'overview-table' },
        ),
  )
}

let selected = { db: 'default', name: '' }

function openCollection(db, name) {
  selected = { db, name }
  show('collections')
}

async function renderCollections(el) {
  const databases = await rest('databases/list')
  if (!databases.includes(selected.db)) selected = { db: databases[0] ?? 'default', name: '' }
  const names = await rest('collections/list', { dbName: selected.db })
  if (selected.name === '' && names.length > 0) selected.name = names[0]
  const dbSelect = h('select', { id: 'db-select', onchange: () => openCollection(dbSelect.value, '') }, databases.map((d) => h('option', { value: d, selected: d === selected.db }, d)))
  const list = h('div', { class: 'list', id: 'collection-list' }, names.length === 0 ? h('p', { class: 'muted' }, 'No collection.') : names.map((n) => h('button', { class: n === selected.name ? 'active' : undefined, onclick: () => openCollection(selected.db, n) }, n)))
  const detail = h('div', { id: 'collection-detail' })
  fill(el, h('div', { class: 'row' }, h('label', {}, 'Database', dbSelect)), h('div', { class: 'layout' }, list, detail))
  if (selected.name !== '') await renderCollection(detail, selected.db, selected.name)
}

function fieldType(f) {
  const params = Object.fromEntries((f.params ?? []).map((p) => [p.key, p.value]))
  let t = f.type
  if (f.elementType) t += `<${f.elementType}>`
  if (params.dim !== undefined) t += `(${params.dim})`
  else if (params.max_length !== undefined) t += `(${params.max_length})`
  return t
}

async function renderCollection(el, db, name) {
  const [desc, stats, view] = await Promise.all([rest('collections/describe', { dbName: db, collectionName: name }), rest('collections/get_stats', { dbName: db, collectionName: name }), get(`/collection?db=${encodeURIComponent(db)}&name=${encodeURIComponent(name)}`)])
  const engineView = h('div', { id: 'engine-view' })
  const flags = (f) => [f.primaryKey ? 'primary key' : '', f.autoId ? 'auto id' : '', f.nullable ? 'nullable' : '', f.partitionKey ? 'partition key' : ''].filter((s) => s !== '').join(', ')
  fill(
    el,
    h('h2', { id: 'collection-title' }, name, h('span', { class: 'muted' }, ` in ${db}`)),
    h('div', { class: 'cards' }, card('rows', fmt.format(Number(stats.rowCount)), { id: 'card-row-count' }), card('segments', fmt.format(view.segments.length), { id: 'card-segments' }), card('load state', String(desc.load ?? '')), card('consistency', String(desc.consistencyLevel ?? ''))),
    desc.description ? h('p', {}, desc.description) : null,
    h('h3', {}, 'Schema'),
    table(
      [
        { label: 'field', value: (f) => f.name },
        { label: 'type', value: fieldType },
        { label: '', value: flags },
        { label: 'description', value: (f) => f.description ?? '' },
      ],
      desc.fields ?? [],
      { id: 'schema-table' },
    ),
    (desc.functions ?? []).length === 0
      ? null
      : [
          h('h3', {}, 'Functions'),
          table(
            [
              { label: 'function', value: (f) => f.name },
              { label: 'type', value: (f) => f.type },
              { label: 'input', value: (f) => (f.inputFieldNames ?? []).join(', ') },
              { label: 'output', value: (f) => (f.outputFieldNames ?? []).join(', ') },
            ],
            desc.functions,
            { id: 'function-table' },
          ),
        ],
    engineView,
  )
  unchanged(engineView, view)
  renderEngineView(engineView, view)
  refreshEngineView(engineView, db, name)
}

function refreshEngineView(el, db, name) {
  refreshLater(el, async () => {
    const view = await get(`/collection?db=${encodeURIComponent(db)}&name=${encodeURIComponent(name)}`)
    refreshEngineView(el, db, name)
    if (!unchanged(el, view)) renderEngineView(el, view)
  })
}

/** Indexes, segments and compactions: what the engine holds, refreshed while shown. */
function renderEngineView(el, view) {
  fill(
    el,
    h('h3', {}, 'Indexes'),
    view.indexes.length === 0
      ? h('p', { class: 'muted' }, 'No index: searches scan every row exactly.')
      : table(
          [
            { label: 'index', value: (i) => i.name },
            { label: 'field', value: (i) => i.fieldName },
            { label: 'type', value: (i) => i.indexType },
            { label: 'metric', value: (i) => i.metricType ?? '' },
            { label: 'built', value: (i) => h('progress', { max: Math.max(i.sealedRows, 1), value: i.sealedRows === 0 ? 1 : i.indexedRows }), num: true },
            { label: 'indexed / sealed rows', value: (i) => `${fmt.format(i.indexedRows)} / ${fmt.format(i.sealedRows)}`, num: true },
            { label: 'failed builds', value: (i) => fmt.format(i.failedBuilds), num: true },
          ],
          view.indexes,
          { id: 'index-table' },
        ),
    h('h3', {}, 'Segments'),
    view.segments.length === 0
      ? h('p', { class: 'muted' }, 'No segment yet.')
      : table(
          [
            { label: 'segment', value: (s) => s.id, num: true },
            { label: 'partition', value: (s) => s.partition },
            { label: 'state', value: (s) => badge(s.state) },
            { label: 'rows', value: (s) => fmt.format(s.rowCount), num: true },
            { label: 'deleted', value: (s) => fmt.format(s.deletedCount), num: true },
            { label: 'indexes built', value: (s) => s.builtIndexes.join(', ') },
          ],
          view.segments,
          { id: 'segment-table' },
        ),
    h('h3', {}, 'Compactions'),
    view.compactions.length === 0
      ? h('p', { class: 'muted' }, 'None since the server started.')
      : table(
          [
            { label: 'id', value: (c) => c.id, num: true },
            { label: 'state', value: (c) => c.state },
            { label: 'merges', value: (c) => c.merges.map((m) => `${m.sources.join(' + ')} → ${m.target ?? '(all deleted)'}`).join('; ') },
            { label: 'failed plans', value: (c) => c.failedCount, num: true },
          ],
          view.compactions,
          { id: 'compaction-table' },
        ),
  )
}

window.addEventListener('hashchange', () => {
  const tab = location.hash.slice(1)
  if (Object.hasOwn(tabs, tab) && tab !== current && !$('tabs').hidden) show(tab)
})

start()
