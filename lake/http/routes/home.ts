import type { FastifyPluginAsync } from 'fastify'
import type { RouteOptions } from '../context.js'

/** What `GET /` answers: which API this origin serves and where its endpoints are. */
export function homeBody(projectId: string, dataset: string): Record<string, unknown> {
  return {
    name: 'Local Content Lake',
    api: "Sanity's HTTP API (the subset the Studio and @sanity/client use), on SQLite",
    projectId,
    defaultDataset: dataset,
    apiVersions: 'v2025-02-19 (any /v<YYYY-MM-DD>), vX, v1',
    endpoints: {
      ping: '/ping',
      query: `/v2025-02-19/data/query/${dataset}?query=<GROQ>`,
      doc: `/v2025-02-19/data/doc/${dataset}/<id>`,
      mutate: `POST /v2025-02-19/data/mutate/${dataset}`,
      actions: `POST /v2025-02-19/data/actions/${dataset}`,
      listen: `/v2025-02-19/data/listen/${dataset}?query=<GROQ>`,
      export: `/v2025-02-19/data/export/${dataset}`,
      assets: `POST /v2025-02-19/assets/images/${dataset}`,
    },
    client: `createClient({projectId: '${projectId}', dataset: '${dataset}', apiHost: '<this origin>', useProjectHostname: false, apiVersion: '2025-02-19'})`,
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function homePage(body: Record<string, unknown>): string {
  const endpoints = Object.entries(body.endpoints as Record<string, string>)
    .map(([name, path]) => `<li><b>${escapeHtml(name)}</b> <code>${escapeHtml(path)}</code></li>`)
    .join('')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local Content Lake</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem}</style></head>
<body><h1>Local Content Lake</h1><p>${escapeHtml(String(body.api))}. Project <code>${escapeHtml(String(body.projectId))}</code>,
default dataset <code>${escapeHtml(String(body.defaultDataset))}</code>.</p><ul>${endpoints}</ul>
<p>Use it with <code>${escapeHtml(String(body.client))}</code>.</p></body></html>`
}

/**
 * `GET /`: a short description of the API, so the origin a launcher prints answers. JSON unless
 * the caller prefers HTML (a browser).
 */
const homeRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get('/', async (request, reply) => {
    const body = homeBody(ctx.config.projectId, ctx.config.dataset)
    const accept = request.headers.accept ?? ''
    if (/text\/html/.test(accept) && !/application\/json/.test(accept)) {
      return reply.type('text/html; charset=utf-8').send(homePage(body))
    }
    return reply.send(body)
  })
}

export default homeRoutes
