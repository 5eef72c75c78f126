// The playground: a query (filter) or a search (a vector, or text for a BM25 field) on one collection, hits as a table.
import { errorLine, fill, fmt, h, rest, show, table } from './ui.js'

const VECTOR_TYPES = new Set(['FloatVector', 'Float16Vector', 'BFloat16Vector', 'BinaryVector', 'SparseFloatVector', 'Int8Vector'])
const state = { db: 'default', name: '', mode: 'search' }

export async function renderPlayground(el) {
  const databases = await rest('databases/list')
  if (!databases.includes(state.db)) state.db = databases[0] ?? 'default'
  const names = await rest('collections/list', { dbName: state.db })
  if (!names.includes(state.name)) state.name = names[0] ?? ''
  const desc = state.name === '' ? { fields: [] } : await rest('collections/describe', { dbName: state.db, collectionName: state.name })
  const vectors = (desc.fields ?? []).filter((f) => VECTOR_TYPES.has(f.type))
  const scalars = (desc.fields ?? []).filter((f) => !VECTOR_TYPES.has(f.type)).map((f) => f.name)

  const dbSelect = h('select', { id: 'pg-db', onchange: () => ((state.db = dbSelect.value), (state.name = ''), renderPlayground(el)) }, databases.map((d) => h('option', { value: d, selected: d === state.db }, d)))
  const collSelect = h('select', { id: 'pg-collection', onchange: () => ((state.name = collSelect.value), renderPlayground(el)) }, names.map((n) => h('option', { value: n, selected: n === state.name }, n)))
  const modeSelect = h('select', { id: 'pg-mode', onchange: () => ((state.mode = modeSelect.value), renderPlayground(el)) }, ['search', 'query'].map((m) => h('option', { value: m, selected: m === state.mode }, m)))
  const filter = h('input', { id: 'pg-filter', size: 40, placeholder: 'e.g. year > 2000 and tag == "a"' })
  const output = h('input', { id: 'pg-output', size: 30, value: scalars.join(', ') })
  const limit = h('input', { id: 'pg-limit', type: 'number', min: 1, max: 16384, value: 10 })
  // A BM25 function's output field is searched with text: label it with its input.
  const bm25 = new Map((desc.functions ?? []).filter((f) => f.type === 'BM25').map((f) => [f.outputFieldNames?.[0], f.inputFieldNames?.[0]]))
  const annsField = h('select', { id: 'pg-anns' }, vectors.map((f) => h('option', { value: f.name }, bm25.has(f.name) ? `${f.name} (BM25 on ${bm25.get(f.name)}: type text)` : `${f.name} (${f.type})`)))
  const vectorInput = h('textarea', { id: 'pg-vector', placeholder: 'a vector as JSON, e.g. [0.1, 0.2, 0.3, 0.4]; or text for a BM25 field' })
  const results = h('div', { id: 'pg-results' })
  const run = h('button', { class: 'primary', id: 'pg-run', type: 'submit' }, 'Run')

  const form = h(
    'form',
    { id: 'pg-form' },
    h('div', { class: 'row' }, h('label', {}, 'Database', dbSelect), h('label', {}, 'Collection', collSelect), h('label', {}, 'Mode', modeSelect)),
    state.mode === 'search' ? h('div', { class: 'row' }, h('label', {}, 'Vector field', annsField), h('label', {}, 'Query vector or text', vectorInput)) : null,
    h('div', { class: 'row' }, h('label', {}, 'Filter', filter), h('label', {}, 'Output fields', output), h('label', {}, 'Limit', limit), run),
  )
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    fill(results, h('p', { class: 'muted' }, 'Running…'))
    const started = performance.now()
    try {
      const body = { dbName: state.db, collectionName: state.name, filter: filter.value, limit: Number(limit.value), outputFields: output.value.split(',').map((s) => s.trim()).filter((s) => s !== '') }
      let rows
      if (state.mode === 'search') rows = await rest('entities/search', { ...body, annsField: annsField.value, data: [queryInput(vectorInput.value)] })
      else rows = await rest('entities/query', body)
      showRows(results, rows, performance.now() - started)
    } catch (e) {
      fill(results, errorLine(e))
    }
  })
  fill(el, state.name === '' ? h('p', { class: 'muted' }, 'No collection in this database.') : null, form, results)
}

/** JSON (a vector, a sparse `{index: value}` object) when it parses, else the text itself (BM25 full-text search). */
function queryInput(text) {
  const t = text.trim()
  try {
    return JSON.parse(t)
  } catch {
    return t
  }
}

function showRows(el, rows, ms) {
  const keys = []
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k)
  fill(
    el,
    h('p', { class: 'muted', id: 'pg-summary' }, `${fmt.format(rows.length)} ${rows.length === 1 ? 'hit' : 'hits'} in ${ms.toFixed(1)} ms`),
    rows.length === 0 ? null : table(keys.map((k) => ({ label: k, value: (r) => show(r[k]), num: k === 'distance' })), rows, { id: 'pg-table' }),
  )
}
