// Requests over time (throughput and latency from the server's ring of per-second samples), slow
// requests, the configuration, users and roles.
import { ApiError, card, errorLine, fill, fmt, get, h, rest, table } from './ui.js'

const SVG = 'http://www.w3.org/2000/svg'
const REFRESH_MS = 2000
let timer

export function stopActivity() {
  clearTimeout(timer)
  timer = undefined
}

export async function renderActivity(el) {
  const r = await get('/requests')
  const windowS = Math.min(r.secondsMax, 300)
  const nowS = Math.floor(Date.now() / 1000)
  const bySecond = new Map(r.samples.map((s) => [s.atMs / 1000, s]))
  const seconds = Array.from({ length: windowS }, (_, i) => nowS - windowS + 1 + i)
  const series = seconds.map((t) => bySecond.get(t) ?? { count: 0, errorCount: 0, latencyMsSum: 0, latencyMsMax: 0 })
  const total = series.reduce((s, x) => s + x.count, 0)
  const errors = series.reduce((s, x) => s + x.errorCount, 0)
  const latencySum = series.reduce((s, x) => s + x.latencyMsSum, 0)
  fill(
    el,
    h('div', { class: 'cards' }, card(`requests (last ${windowS / 60} min)`, fmt.format(total), { id: 'card-requests' }), card('errors', fmt.format(errors)), card('mean latency', total === 0 ? '–' : `${(latencySum / total).toFixed(2)} ms`), card('slow requests kept', fmt.format(r.slowRequests.length))),
    h('h2', {}, 'Throughput', h('span', { class: 'muted' }, ' (requests per second)')),
    chart(series, [{ cls: 'throughput', value: (x) => x.count, label: 'requests/s' }, { cls: 'errors', value: (x) => x.errorCount, label: 'errors/s' }], 'throughput-chart'),
    h('h2', {}, 'Latency', h('span', { class: 'muted' }, ' (ms)')),
    chart(series, [{ cls: 'latency', value: (x) => (x.count === 0 ? null : x.latencyMsSum / x.count), label: 'mean' }, { cls: 'latency-max', value: (x) => (x.count === 0 ? null : x.latencyMsMax), label: 'max' }], 'latency-chart'),
    h('h2', {}, 'Slow requests', h('span', { class: 'muted' }, ` (≥ ${fmt.format(r.slowRequestMs)} ms, newest first)`)),
    r.slowRequests.length === 0
      ? h('p', { class: 'muted' }, 'None.')
      : table(
          [
            { label: 'time', value: (s) => new Date(s.atMs).toLocaleTimeString() },
            { label: 'method', value: (s) => s.method },
            { label: 'protocol', value: (s) => s.protocol },
            { label: 'code', value: (s) => s.code, num: true },
            { label: 'latency (ms)', value: (s) => s.latencyMs.toFixed(1), num: true },
          ],
          r.slowRequests,
          { id: 'slow-table' },
        ),
  )
  timer = setTimeout(() => {
    if (!el.hidden) renderActivity(el).catch((e) => e instanceof ApiError && e.code === 1800 ? undefined : fill(el, errorLine(e)))
  }, REFRESH_MS)
}

function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v))
  return el
}

/** A line chart of per-second values; a null value breaks the line. */
function chart(series, lines, id) {
  const W = 900
  const H = 160
  const pad = { l: 48, r: 8, t: 8, b: 18 }
  const max = Math.max(1e-9, ...lines.flatMap((l) => series.map((x) => l.value(x) ?? 0)))
  const x = (i) => pad.l + (i / Math.max(series.length - 1, 1)) * (W - pad.l - pad.r)
  const y = (v) => H - pad.b - (v / max) * (H - pad.t - pad.b)
  const root = svg('svg', { class: 'chart', id, viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img' })
  root.append(svg('line', { class: 'axis', x1: pad.l, x2: W - pad.r, y1: H - pad.b, y2: H - pad.b }))
  for (const [v, label] of [[max, max >= 100 ? fmt.format(Math.round(max)) : max.toPrecision(3)], [0, '0']]) {
    const t = svg('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end' })
    t.textContent = label
    root.append(t)
  }
  const span = svg('text', { x: pad.l, y: H - 4 })
  span.textContent = `−${series.length} s`
  const now = svg('text', { x: W - pad.r, y: H - 4, 'text-anchor': 'end' })
  now.textContent = 'now'
  root.append(span, now)
  for (const line of lines) {
    let d = ''
    let pen = 'M'
    series.forEach((s, i) => {
      const v = line.value(s)
      if (v === null) return void (pen = 'M')
      d += `${pen}${x(i).toFixed(1)},${y(v).toFixed(1)}`
      pen = 'L'
    })
    if (d !== '') root.append(svg('path', { class: line.cls, d }))
  }
  const legend = h('div', { class: 'legend' }, lines.map((l) => h('span', {}, h('span', { class: `k ${l.cls}` }), l.label)))
  return h('div', {}, root, legend)
}

export async function renderConfig(el) {
  const c = await get('/config')
  const kv = (obj, id) => table([{ label: 'setting', value: ([k]) => k }, { label: 'value', value: ([, v]) => String(v) }], Object.entries(obj), { id })
  fill(el, h('h2', {}, 'Server'), kv(c.server, 'server-config'), h('h2', {}, 'Engine'), kv(c.engine, 'engine-config'))
}

export async function renderAccess(el) {
  const me = await get('/session')
  const parts = [me.authorizationEnabled ? null : h('p', { class: 'muted' }, 'Authorization is off: nothing is enforced; users and roles are kept as Milvus keeps them.')]
  try {
    const users = await rest('users/list')
    const described = await Promise.all(users.map(async (u) => ({ user: u, roles: await rest('users/describe', { userName: u }).then((d) => (d.roles ?? []).join(', '), (e) => `(${e.message})`) })))
    parts.push(h('h2', {}, 'Users'), table([{ label: 'user', value: (u) => u.user }, { label: 'roles', value: (u) => u.roles }], described, { id: 'users-table' }))
  } catch (e) {
    parts.push(h('h2', {}, 'Users'), errorLine(e))
  }
  try {
    const roles = await rest('roles/list')
    const described = await Promise.all(roles.map(async (r) => ({ role: r, grants: await rest('roles/describe', { roleName: r }).then((g) => g.map((x) => `${x.privilege} on ${x.objectType} ${x.objectName} (db ${x.dbName})`).join('; '), (e) => `(${e.message})`) })))
    parts.push(h('h2', {}, 'Roles'), table([{ label: 'role', value: (r) => r.role }, { label: 'grants', value: (r) => r.grants }], described, { id: 'roles-table' }))
  } catch (e) {
    parts.push(h('h2', {}, 'Roles'), errorLine(e))
  }
  fill(el, parts)
}
