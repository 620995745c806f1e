// Serves a `sanity build` of the Studio (Node only; not part of the Studio bundle).
//
// - Static files from the build; every other GET path answers index.html (the Studio routes
//   in the browser: /local/structure/...).
// - index.html gets `globalThis.__CLINIC_STUDIO__` injected (lake URL, preview URL, ...), read
//   by studio/runtimeConfig.ts, so one build serves any ports, and is made to work offline
//   (studio-offline.ts: no font host, no dashboard bridge, no calls to sanity.io's CDN).
// - /sign-in stores a local editor token where the Studio's token login reads it
//   (localStorage `__studio_auth_token_<projectId>`) and opens the Studio. The token travels in
//   the URL fragment (`/sign-in#token=...`), which browsers never send to a server.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { RUNTIME_CONFIG_GLOBAL, type InjectedStudioConfig } from '../studio/runtimeConfig.js'
import { FONT_FILE, FONT_PATH, offlineIndexHtml } from './studio-offline.js'

export interface StudioServerOptions {
  /** Directory of a `sanity build` (with index.html). */
  distDir: string
  host?: string
  /** 0 = any free port. */
  port?: number
  /** Values the Studio reads at runtime (see runtimeConfig.ts). */
  config: InjectedStudioConfig & { lakeProjectId: string }
  /** Where /sign-in sends the editor after storing the token (default `/local`). */
  studioPath?: string
}

export interface RunningStudioServer {
  url: string
  /** `${url}/sign-in#token=...`: opening it signs the browser in as that editor. */
  signInUrl(token: string): string
  close(): Promise<void>
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

/** JSON safe inside a <script> element: no `</script>`, `<!--` or line separators can break out. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** index.html with the runtime config set before the Studio's module script runs. */
export function injectRuntimeConfig(indexHtml: string, config: InjectedStudioConfig): string {
  const script = `<script>globalThis.${RUNTIME_CONFIG_GLOBAL} = ${scriptSafeJson(config)};</script>`
  const head = /<head[^>]*>/i.exec(indexHtml)
  if (!head) throw new Error('The Studio build\'s index.html has no <head>: rebuild it with "sanity build".')
  const at = head.index + head[0].length
  return indexHtml.slice(0, at) + script + indexHtml.slice(at)
}

export function signInPage(projectId: string, studioPath: string): string {
  const storageKey = `__studio_auth_token_${projectId}`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to the clinic Studio</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}
input{width:100%;font:inherit;padding:.4rem}button{font:inherit;margin-top:.8rem;padding:.4rem 1rem}
.err{color:#b00020}</style></head>
<body><h1>Sign in to the clinic Studio</h1>
<p id="status">Signing in&hellip;</p>
<form id="form" hidden><label for="token">Local editor token (printed by <code>npm start</code>)</label>
<input id="token" name="token" autocomplete="off" required><button>Sign in</button></form>
<script>
(function () {
  var key = ${scriptSafeJson(storageKey)};
  var studio = ${scriptSafeJson(studioPath)};
  function signIn(token) {
    localStorage.setItem(key, JSON.stringify({token: token, time: new Date().toISOString()}));
    location.replace(studio);
  }
  var match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  history.replaceState(null, '', location.pathname);
  if (match) { signIn(decodeURIComponent(match[1])); return; }
  var status = document.getElementById('status');
  status.textContent = 'Paste the local editor token that npm start printed.';
  var form = document.getElementById('form');
  form.hidden = false;
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var token = document.getElementById('token').value.trim();
    if (!token) { status.textContent = 'The token is empty.'; status.className = 'err'; return; }
    signIn(token);
  });
})();
</script></body></html>`
}

function send(
  res: http.ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers })
  res.end(res.req.method === 'HEAD' ? undefined : body)
}

/** Inter's files, from the installed `@fontsource/inter` (served offline instead of Sanity's font host). */
const FONT_DIR = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@fontsource/inter/package.json')),
  'files',
)

export async function startStudioServer(options: StudioServerOptions): Promise<RunningStudioServer> {
  const distDir = path.resolve(options.distDir)
  const indexFile = path.join(distDir, 'index.html')
  if (!fs.existsSync(indexFile)) {
    throw new Error(`No Studio build in ${distDir} (index.html missing): run "sanity build ${distDir}" or npm start.`)
  }
  const studioPath = options.studioPath ?? '/local'
  // Read per request: a rebuild swaps the directory underneath a running server.
  const indexHtml = () => injectRuntimeConfig(offlineIndexHtml(fs.readFileSync(indexFile, 'utf8')), options.config)
  const signIn = signInPage(options.config.lakeProjectId, studioPath)

  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed: the Studio server only serves files.', {
        allow: 'GET, HEAD',
      })
      return
    }
    let pathname: string
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://studio').pathname)
    } catch {
      send(res, 400, 'text/plain; charset=utf-8', 'Bad request: the path is not valid URL encoding.')
      return
    }
    if (pathname === '/sign-in') {
      send(res, 200, 'text/html; charset=utf-8', signIn, {
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      })
      return
    }
    if (pathname.startsWith(FONT_PATH)) {
      const name = pathname.slice(FONT_PATH.length)
      if (!FONT_FILE.test(name)) {
        send(res, 404, 'text/plain; charset=utf-8', `Not found: ${pathname} is not one of the Studio's fonts.`)
        return
      }
      send(res, 200, 'font/woff2', fs.readFileSync(path.join(FONT_DIR, name)), {
        'cache-control': 'public, max-age=31536000, immutable',
      })
      return
    }
    const file = path.join(distDir, path.normalize(pathname))
    const inside = file.startsWith(distDir + path.sep)
    if (inside && path.basename(file) !== 'index.html' && fs.existsSync(file) && fs.statSync(file).isFile()) {
      const ext = path.extname(file).toLowerCase()
      // Hashed bundle files never change; everything else is revalidated.
      const immutable = pathname.startsWith('/static/') && /[.-][A-Za-z0-9_-]{8,}\.\w+$/.test(pathname)
      send(res, 200, CONTENT_TYPES[ext] ?? 'application/octet-stream', fs.readFileSync(file), {
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      })
      return
    }
    if (pathname.startsWith('/static/') || (path.extname(pathname) !== '' && pathname !== '/index.html')) {
      send(res, 404, 'text/plain; charset=utf-8', `Not found: ${pathname} is not part of the Studio build.`)
      return
    }
    if (pathname === '/') {
      res.writeHead(302, { location: studioPath })
      res.end()
      return
    }
    send(res, 200, 'text/html; charset=utf-8', indexHtml(), { 'cache-control': 'no-store' })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host}:${address.port}`
  return {
    url,
    signInUrl: (token: string) => `${url}/sign-in#token=${encodeURIComponent(token)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
