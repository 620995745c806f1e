import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { LoginThrottle, isRefusal } from '../../auth/throttle.js'
import { LakeError, badRequest, isRecord } from '../../errors.js'
import type { RouteOptions } from '../context.js'
import { queryString, stringParam } from '../util.js'

/**
 * The Studio's normal login screen, without sanity.io:
 * 1. `GET /auth/providers` lists one provider, "Local editor account", whose URL is this lake's
 *    `/auth/login/local` page (the Studio adds `?origin=<studio url>&projectId=..&withSid|type=..`).
 * 2. The page asks for email and password (`npm run lake -- set-password`); on success it redirects
 *    to `<origin>#sid=<one-time session id>`.
 * 3. The Studio exchanges it: `GET /auth/fetch?sid=` -> `{token}`, and sends that token from then on.
 * `POST /auth/logout` revokes the token sent with it.
 *
 * Failed sign-ins are throttled per account and per client address (auth/throttle.ts): past the
 * limit the page answers 429 with `Retry-After` and the password is not checked.
 */
export const LOGIN_PATH = '/auth/login/local'

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem;color:#1b1d27}label{display:block;margin:1rem 0 .25rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}button{margin-top:1.25rem;padding:.6rem 1.2rem;font-size:1rem}.error{color:#b3261e}</style></head><body>${body}</body></html>`
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )
}

function loginForm(origin: string, error?: string): string {
  return page(
    'Sign in to the local Content Lake',
    `<h1>Sign in</h1><p>Local editor account of this Content Lake.</p>${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${LOGIN_PATH}"><input type="hidden" name="origin" value="${escapeHtml(origin)}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`,
  )
}

/** Only redirect back to origins the lake serves CORS for (loopback or configured): no open redirect. */
function allowedOrigin(origin: string, extra: string[]): boolean {
  try {
    const url = new URL(origin)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
    const host = url.hostname
    return (
      host === 'localhost' ||
      host.endsWith('.localhost') ||
      host === '127.0.0.1' ||
      host === '[::1]' ||
      extra.includes(url.origin)
    )
  } catch {
    return false
  }
}

function baseUrl(request: FastifyRequest): string {
  const host = request.headers[':authority'] ?? request.headers.host ?? 'localhost'
  const encrypted = (request.raw.socket as { encrypted?: boolean }).encrypted === true
  return `${encrypted ? 'https' : 'http'}://${Array.isArray(host) ? host[0] : host}`
}

/** Versioned API routes of the login flow (mounted under `/:apiVersion`). */
export const authApiRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get('/auth/providers', async (request) => ({
    thirdPartyLogin: false,
    sso: {},
    providers: [{ name: 'local', title: 'Local editor account', url: `${baseUrl(request)}${LOGIN_PATH}` }],
  }))

  app.get('/auth/fetch', async (request) => {
    const sid = stringParam(queryString(request), 'sid')
    if (!sid) throw badRequest('missing ?sid= (the session id from the login redirect)')
    const exchanged = ctx.accounts.exchangeSession(sid)
    if (!exchanged)
      throw new LakeError(401, 'unauthorizedError', 'the login session is unknown, used or expired: sign in again')
    return { token: exchanged.token, label: 'studio login' }
  })

  app.get('/auth/id', async (request) => {
    if (request.identity.kind !== 'user') throw new LakeError(401, 'unauthorizedError', 'not signed in')
    return { id: request.identity.user.id }
  })

  app.post('/auth/logout', async (request) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')
    if (match) ctx.accounts.revokeTokenValue(match[1])
    return {}
  })
}

/** The login page itself (unversioned: the provider URL). */
export const loginPageRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  const throttle = new LoginThrottle(ctx.config.login)
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))))
  })

  app.get(LOGIN_PATH, async (request, reply) => {
    const origin = stringParam(queryString(request), 'origin') ?? ''
    if (!allowedOrigin(origin, ctx.config.corsOrigins)) {
      return reply
        .code(400)
        .type('text/html')
        .send(
          page(
            'Sign-in error',
            `<p class="error">The sign-in link has no valid <code>origin</code> to return to (a localhost address or one listed in LAKE_CORS_ORIGINS).</p>`,
          ),
        )
    }
    return reply.type('text/html').header('cache-control', 'no-store').send(loginForm(origin))
  })

  app.post(LOGIN_PATH, async (request, reply) => {
    const body = isRecord(request.body) ? request.body : {}
    const origin = typeof body.origin === 'string' ? body.origin : ''
    const email = typeof body.email === 'string' ? body.email : ''
    const password = typeof body.password === 'string' ? body.password : ''
    if (!allowedOrigin(origin, ctx.config.corsOrigins)) {
      return reply
        .code(400)
        .type('text/html')
        .send(page('Sign-in error', '<p class="error">Invalid origin to return to.</p>'))
    }
    const attempt = throttle.begin(email, request.ip)
    if (isRefusal(attempt)) {
      const minutes = Math.ceil(attempt.retryAfterSeconds / 60)
      const who = attempt.scope === 'account' ? 'this account' : 'your address'
      return reply
        .code(429)
        .type('text/html')
        .header('retry-after', String(attempt.retryAfterSeconds))
        .header('cache-control', 'no-store')
        .send(
          loginForm(
            origin,
            `Too many failed sign-in attempts for ${who} (${attempt.limit} within ${Math.round(throttle.limits.windowSeconds / 60)} minutes). Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask an administrator for a token (npm run lake -- create-token).`,
          ),
        )
    }
    const user = await ctx.accounts.verifyPassword(email, password)
    if (user) attempt.succeeded()
    if (!user)
      return reply
        .code(401)
        .type('text/html')
        .header('cache-control', 'no-store')
        .send(loginForm(origin, 'Wrong email or password.'))
    const sid = ctx.accounts.createSession(user.id)
    const target = new URL(origin)
    target.hash = `sid=${sid}`
    return reply.code(303).header('location', target.toString()).send()
  })
}
