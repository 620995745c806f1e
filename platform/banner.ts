// What `npm start` prints: the lake's and delivery's URLs as soon as they answer, then the
// Studio's once it is served. Every URL printed here answers 2xx/3xx (test/platform/start.test.ts
// fetches each). The raw editor token is printed only on request (START_SHOW_TOKEN=1 or
// `npm start -- --show-token`): the sign-in link carries it in its fragment, which browsers keep
// to themselves.
import type { RunningStack, ServingStack } from './stack.js'

export function servingBanner(serving: ServingStack): string {
  const lake = serving.lake.info
  return [
    '',
    'clinic-content: the lake and the delivery API are up.',
    '',
    `  Site           ${serving.delivery.url}/`,
    `  API docs       ${serving.delivery.url}/api/docs`,
    `  Article page   ${serving.articlePreviewUrl ?? '(no published article yet)'}`,
    `  Lake           ${lake.httpUrl}/  (the Studio calls ${serving.lakeStudioHost}/, HTTP/2 over TLS)`,
    `  Data           ${lake.dataDir}${serving.seeded ? '  (seeded from content/ now)' : ''}`,
    '',
  ].join('\n')
}

export function studioBanner(stack: RunningStack, options: { showToken: boolean }): string {
  const lake = stack.lake.info
  const lines = [
    '',
    'clinic-content is running, offline.',
    '',
    `  Studio         ${stack.studio.url}/local`,
    `  Sign in        ${stack.studio.signInUrl(stack.editor.token)}`,
    `                 (opens the Studio as ${stack.editor.name} <${stack.editor.email}>)`,
  ]
  if (options.showToken) lines.push(`  Editor token   ${stack.editor.token}`)
  lines.push(
    `  API docs       ${stack.delivery.url}/api/docs`,
    `  Lake           ${lake.httpUrl}/`,
    '',
    'The Studio reaches the lake over HTTPS with a locally made certificate. If the Studio cannot',
    "connect, trust the lake's CA in your browser" +
      (lake.caCertPath ? ` (${lake.caCertPath})` : '') +
      `, or open ${stack.lakeStudioHost}/v1/ping once and accept the warning.`,
  )
  if (!options.showToken)
    lines.push('The raw editor token: START_SHOW_TOKEN=1 npm start (or npm start -- --show-token).')
  lines.push('', 'Press Ctrl-C to stop.', '')
  return lines.join('\n')
}
