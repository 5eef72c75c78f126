// Shared helpers of the console. Every value from the server reaches the page as a text node or an
// attribute set through the DOM (never as HTML), so collection names and field values are inert.

/** Element with attributes (`class`, `data-*`, event handlers as `on<event>`) and children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v)
    else el.setAttribute(k, v === true ? '' : String(v))
  }
  append(el, children)
  return el
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue
    el.append(c instanceof Node ? c : document.createTextNode(String(c)))
  }
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  el.replaceChildren()
  append(el, children)
  return el
}

/** A table: `columns` are `{ label, value(row) → string|Node, num? }`. */
export function table(columns, rows, attrs = {}) {
  const head = h('tr', {}, columns.map((c) => h('th', { class: c.num ? 'num' : undefined }, c.label)))
  const body = rows.map((r) => h('tr', {}, columns.map((c) => h('td', { class: c.num ? 'num' : undefined }, show(c.value(r))))))
  return h('table', attrs, h('thead', {}, head), h('tbody', {}, body))
}

/** A value for a table cell: nodes as they are, objects as compact JSON text. */
export function show(v) {
  if (v instanceof Node) return v
  if (v === undefined || v === null) return ''
  if (typeof v === 'object') return h('code', {}, JSON.stringify(v))
  return String(v)
}

export const fmt = new Intl.NumberFormat('en-US')

export function card(label, value, attrs = {}) {
  return h('div', { class: 'card', ...attrs }, h('div', { class: 'value' }, value), h('div', { class: 'label' }, label))
}

const TOKEN_KEY = 'quiver-console-token'

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY) ?? ''
  },
  set token(t) {
    if (t === '') sessionStorage.removeItem(TOKEN_KEY)
    else sessionStorage.setItem(TOKEN_KEY, t)
  },
  /** Called on a 401: the page shows the login form. */
  onUnauthorized: () => {},
}

/** Thrown for a failed console or REST call (carries Milvus's code). */
export class ApiError extends Error {
  constructor(code, message) {
    super(message)
    this.code = code
  }
}

async function call(path, init) {
  const headers = { ...(init.headers ?? {}) }
  if (session.token !== '') headers.Authorization = `Bearer ${session.token}`
  const res = await fetch(`/webui/api${path}`, { ...init, headers })
  let body
  try {
    body = await res.json()
  } catch {
    throw new ApiError(res.status, `${path}: HTTP ${res.status}`)
  }
  if (res.status === 401) {
    session.onUnauthorized()
    throw new ApiError(body.code ?? 1800, body.message ?? 'not authenticated')
  }
  if (!res.ok) throw new ApiError(body.code ?? res.status, body.message ?? `HTTP ${res.status}`)
  return body
}

/** GET a console endpoint (`/overview`, `/collection?…`). */
export function get(path) {
  return call(path, { method: 'GET' })
}

/** POST Milvus's REST API v2 (`collections/list`, …) through the console; resolves with `data`. */
export async function rest(endpoint, body = {}) {
  const reply = await call(`/v2/vectordb/${endpoint}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  if (reply.code !== 0) throw new ApiError(reply.code, reply.message ?? `code ${reply.code}`)
  return reply.data
}

/** An error line for a failed section. */
export function errorLine(e) {
  return h('p', { class: 'error' }, e instanceof ApiError ? `${e.message} (code ${e.code})` : String(e))
}
