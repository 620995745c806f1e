// Preview mode for the Studio's Presentation tool (docs/preview.md). The tool creates a short-lived
// secret document (`sanity.previewUrlSecret`, one hour) in the dataset and opens
//   /api/draft-mode/enable?sanity-preview-secret=…&sanity-preview-pathname=/articles/x&sanity-preview-perspective=drafts
// in its iframe. The secret is checked here, server-side, with `@sanity/preview-url-secret`'s
// `validatePreviewUrl` and the server's read token; a valid one gets a signed session cookie
// (preview-session.ts) and a 307 to the page. Anything else is a 401 problem: no cookie, no draft
// content. `/api/draft-mode/disable` ends the session.
//
// Registered with the prefix /api/draft-mode.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { validatePreviewUrl } from '@sanity/preview-url-secret'
import { Type } from '@sinclair/typebox'
import { reconfigureClient } from '../../../client.js'
import type { RouteOptions } from '../../context.js'
import { isHttps, missingReleases, parsePreviewPerspective, releaseNotFound } from '../../preview.js'
import { clearedSessionCookie, sameOriginPath, sessionCookie } from '../../preview-session.js'
import { HttpProblem, invalidParameter } from '../../problem.js'

const SECRET = 'sanity-preview-secret'
const PATHNAME = 'sanity-preview-pathname'
const PERSPECTIVE = 'sanity-preview-perspective'

const enableQuery = Type.Object(
  {
    [SECRET]: Type.Optional(
      Type.String({ maxLength: 200, description: "The secret the Studio's Presentation tool created (one hour)" }),
    ),
    [PATHNAME]: Type.Optional(
      Type.String({ maxLength: 2000, description: 'The page to open, a path on this server (default /)' }),
    ),
    [PERSPECTIVE]: Type.Optional(
      Type.String({
        maxLength: 400,
        description: '`drafts` (default), `published`, or release ids ending with `drafts`, as the Studio sends it',
      }),
    ),
  },
  // The Studio may add parameters of its own (e.g. a preview variant): they are ignored.
  { additionalProperties: true },
)

const disableQuery = Type.Object(
  { redirect: Type.Optional(Type.String({ maxLength: 2000, description: 'Where to go next, a path (default /)' })) },
  { additionalProperties: true },
)

/** The 401 of a secret that is missing, guessed, expired or deleted. */
function secretRefused(): HttpProblem {
  return new HttpProblem(
    401,
    'preview-unauthorized',
    'Preview secret not valid',
    `${SECRET} is missing, unknown, expired (a secret lives one hour) or deleted: open the page again from the Studio's Presentation tool, which creates a new one.`,
  )
}

/** The 503 of a server that cannot check secrets. */
function notConfigured(why: string): HttpProblem {
  return new HttpProblem(
    503,
    'preview-not-configured',
    'Preview mode is not configured',
    `${why} Set SANITY_API_TOKEN on the delivery server to a token that may read drafts (viewer or above) and restart it.`,
  )
}

/** The session's perspective stack: as `?perspective=` takes it (preview.ts), default drafts. */
function perspectiveOf(value: string | undefined): string[] {
  try {
    return parsePreviewPerspective(value ?? 'drafts') ?? ['published']
  } catch (error) {
    const message = error instanceof HttpProblem ? error.options.errors?.[0]?.message : undefined
    if (message === undefined) throw error
    throw invalidParameter(`query.${PERSPECTIVE}`, message)
  }
}

export const draftModeRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { context }) => {
  app.get(
    '/enable',
    {
      schema: {
        summary: 'Enable preview mode (Presentation tool)',
        description:
          "Checks the Studio's preview URL secret server-side, sets an HttpOnly session cookie (one hour) and redirects (307) to `sanity-preview-pathname`, which then shows drafts (or a release) with stega-encoded text, never cached. A missing, guessed, expired or deleted secret is a 401 problem.",
        tags: ['preview'],
        querystring: enableQuery,
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      // The URL carries a secret: it must not leak to the page's links through Referer.
      reply.header('referrer-policy', 'no-referrer')
      const query = request.query
      const location = sameOriginPath(query[PATHNAME] ?? '/')
      if (location === null)
        throw invalidParameter(
          `query.${PATHNAME}`,
          'must be a path on this server starting with a single "/" (no scheme, host or backslash), e.g. /articles/my-article',
        )
      const perspective = perspectiveOf(query[PERSPECTIVE])
      const secret = query[SECRET]
      if (!secret || secret.trim() === '') throw secretRefused()
      const mode = context.previewMode
      if (!mode.token) throw notConfigured('The delivery server has no read token to check preview secrets with.')
      const client = reconfigureClient(context.content.client, { token: mode.token, useCdn: false })
      let checked: Awaited<ReturnType<typeof validatePreviewUrl>>
      try {
        checked = await validatePreviewUrl(client, request.url, true)
      } catch (error) {
        const status = (error as { statusCode?: unknown } | null)?.statusCode
        if (status === 401 || status === 403)
          throw notConfigured('The content source refused the delivery server’s read token.')
        throw error
      }
      if (!checked.isValid) throw secretRefused()
      const missing = await missingReleases(client, perspective)
      if (missing.length > 0) throw releaseNotFound(missing)
      const value = mode.sessions.issue({
        perspective,
        ...(checked.studioOrigin ? { studioOrigin: checked.studioOrigin } : {}),
      })
      return reply.header('set-cookie', sessionCookie(value, isHttps(request))).redirect(location, 307)
    },
  )

  app.get(
    '/disable',
    {
      schema: {
        summary: 'Disable preview mode',
        description: 'Clears the preview session cookie and redirects (307) to `redirect` (a path, default /).',
        tags: ['preview'],
        querystring: disableQuery,
      },
    },
    async (request, reply) => {
      const location = sameOriginPath(request.query.redirect ?? '/') ?? '/'
      return reply
        .header('cache-control', 'no-store')
        .header('set-cookie', clearedSessionCookie(isHttps(request)))
        .redirect(location, 307)
    },
  )
}
