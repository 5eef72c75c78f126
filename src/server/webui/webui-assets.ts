import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * The console's static files, by URL path: a fixed list (no path from the request reaches the file
 * system). They live in `assets/` beside this module: `src/server/webui/assets/` from source,
 * `dist/src/server/webui/assets/` once built (copied by `scripts/copy-assets.mjs`).
 */
const ASSETS: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/webui/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/webui/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/webui/ui.js': { file: 'ui.js', type: 'text/javascript; charset=utf-8' },
  '/webui/playground.js': { file: 'playground.js', type: 'text/javascript; charset=utf-8' },
  '/webui/activity.js': { file: 'activity.js', type: 'text/javascript; charset=utf-8' },
  '/webui/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
}

/** Scripts and styles only from the console itself; no inline script, no framing. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

const cache = new Map<string, Buffer>()

async function assetBytes(file: string): Promise<Buffer> {
  let bytes = cache.get(file)
  if (bytes === undefined) {
    bytes = await readFile(new URL(`./assets/${file}`, import.meta.url))
    cache.set(file, bytes)
  }
  return bytes
}

/** `GET /webui` redirects to `/webui/`; a listed asset is sent; anything else is 404. */
export async function sendAsset(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  req.resume()
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n')
    return
  }
  if (path === '/webui') {
    res.writeHead(308, { Location: '/webui/' }).end()
    return
  }
  const asset = Object.hasOwn(ASSETS, path) ? ASSETS[path] : undefined
  if (asset === undefined) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n')
    return
  }
  const bytes = await assetBytes(asset.file)
  res.writeHead(200, {
    'Content-Type': asset.type,
    'Content-Length': bytes.length,
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  })
  res.end(req.method === 'HEAD' ? undefined : bytes)
}
