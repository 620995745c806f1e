// /preview/visual-editing.js: the overlays and live refresh of preview pages in the Studio's
// Presentation tool (the browser code is overlays.browser.ts; platform/visual-editing-build.ts
// builds it). The server never builds it: whoever starts the server passes `bundle`, which
// resolves to the built code (npm start builds it on demand, `npm run serve` reads a prebuilt one).
//
// Static and the same for everyone (no content, no credential), so it is cacheable:
// `/preview/visual-editing.js` (the stable name preview pages load) is revalidated by ETag, and
// `/preview/visual-editing.<hash>.js` (the content's hash in the name) is cached for a year.
import { createHash } from 'node:crypto'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { HttpProblem } from '../../problem.js'

export const VISUAL_EDITING_PATH = '/preview/visual-editing.js'
const HASHED_PATH = /^visual-editing\.([0-9a-f]{16})\.js$/

export interface VisualEditingRouteOptions {
  /** The built bundle's code; rejects (with a message saying how to build it) when there is none. */
  bundle: () => Promise<string>
}

interface Served {
  code: string
  hash: string
  etag: string
}

function served(code: string): Served {
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16)
  return { code, hash, etag: `"${hash}"` }
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

export const visualEditingRoutes: FastifyPluginAsync<VisualEditingRouteOptions> = async (app, { bundle }) => {
  let last: Served | null = null
  const load = async (): Promise<Served> => {
    let code: string
    try {
      code = await bundle()
    } catch (error) {
      throw new HttpProblem(
        503,
        'preview-script-unavailable',
        'The visual editing script is not built',
        `${error instanceof Error ? error.message : String(error)} Preview pages still show drafts, without click-to-edit overlays.`,
        { headers: { 'retry-after': '10' } },
      )
    }
    if (last?.code !== code) last = served(code)
    return last
  }

  const send = (request: FastifyRequest, reply: FastifyReply, script: Served, cacheControl: string) => {
    reply.header('etag', script.etag).header('cache-control', cacheControl)
    if (etagMatches(request.headers['if-none-match'], script.etag)) return reply.code(304).send()
    return reply.code(200).type('text/javascript; charset=utf-8').send(script.code)
  }

  const hide = { schema: { hide: true } }
  app.get(VISUAL_EDITING_PATH, hide, async (request, reply) =>
    send(request, reply, await load(), 'public, max-age=0, must-revalidate'),
  )
  app.get<{ Params: { name: string } }>('/preview/:name', hide, async (request, reply) => {
    const hash = HASHED_PATH.exec(request.params.name)?.[1]
    const script = hash ? await load() : null
    if (!script || script.hash !== hash)
      throw new HttpProblem(
        404,
        'not-found',
        'Not found',
        `${request.url} is not a current build of the visual editing script: load ${VISUAL_EDITING_PATH}.`,
      )
    return send(request, reply, script, 'public, max-age=31536000, immutable')
  })
}
