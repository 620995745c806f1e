// The Studio's index.html as served locally: no font host, no dashboard bridge, and the two
// hard-coded sanity.io services answered in the page without a request.
import vm from 'node:vm'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { localFontFile, localizeFonts, OFFLINE_FETCH_SHIM, offlineIndexHtml } from '../../platform/studio-offline.js'

const test = suite('studio index.html offline')

// The parts of `sanity build`'s index.html that reach for sanity.io (as sanity 5 writes them).
const BUILT = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/><style>
  @font-face {
    font-family: Inter;
    font-style: normal;
    font-weight: 400;
    font-display: swap;
    src: url("https://studio-static.sanity.io/Inter-Regular.woff2") format("woff2");
  }
  @font-face {
    font-family: Inter;
    font-style: italic;
    font-weight: 600;
    font-display: swap;
    src: url("https://studio-static.sanity.io/Inter-SemiBoldItalic.woff2") format("woff2");
  }
</style><script src="https://core.sanity-cdn.com/bridge.js" async type="module" data-sanity-core></script>
</head><body><div id="sanity"></div><script type="module" src="/static/sanity-abc.js"></script></body></html>`

test('fonts come from the machine, the dashboard bridge is gone, the shim runs first', () => {
  const html = offlineIndexHtml(BUILT)
  assert.not.match(html, /studio-static\.sanity\.io/)
  assert.not.match(html, /bridge\.js/)
  assert.match(html, /src: local\("Inter"\), local\("Inter-Regular"\)/)
  assert.match(
    html,
    /src: local\("Inter Semi Bold Italic"\), local\("Inter-SemiBoldItalic"\), url\("\/fonts\/inter-latin-600-italic\.woff2"\)/,
  )
  assert.match(html, /url\("\/fonts\/inter-latin-400-normal\.woff2"\) format\("woff2"\)/)
  assert.ok(html.indexOf(OFFLINE_FETCH_SHIM) < html.indexOf('/static/sanity-abc.js'), 'the shim runs before the Studio')
  const urls = [...html.matchAll(/https?:\/\/[^"')\s]+/g)].map((m) => m[0])
  assert.equal(
    urls.filter((url) => !/sanity-cdn\.(com|work)|api\.sanity\.(io|work)/.test(url)),
    [],
    'no other remote URL is left in the page (the shim names the hosts it answers for)',
  )
  assert.is(localizeFonts('<p>no fonts</p>'), '<p>no fonts</p>')
  assert.is(localFontFile('Inter-Regular'), 'inter-latin-400-normal.woff2')
  assert.is(localFontFile('Inter-Italic'), 'inter-latin-400-italic.woff2')
  assert.is(localFontFile('Inter-BlackItalic'), 'inter-latin-900-italic.woff2')
  assert.is(localFontFile('Inter-Unknown'), null)
})

test('the shim answers the version check and the feedback probe without a request', async () => {
  const sent: string[] = []
  const window = {
    fetch: async (input: unknown) => {
      sent.push(String(input))
      return new Response('from the network')
    },
  }
  vm.runInNewContext(OFFLINE_FETCH_SHIM, { window, Response, URL })
  const version = await window.fetch('https://sanity-cdn.com/v1/modules/sanity/latest/%5E5.31.2/t1796607580')
  assert.equal(await version.json(), {})
  const feedback = await window.fetch('https://api.sanity.io/vX/intake/feedback')
  assert.is(feedback.ok, false, 'feedback is not offered offline')
  const tracing = await window.fetch(new URL('https://api.sanity.io/vX/intake/tracing'))
  assert.is(tracing.status, 503)
  assert.equal(sent, [], 'none of them left the page')
  const local = await window.fetch('https://local.localhost:3334/v2025-02-19/users/me')
  assert.is(await local.text(), 'from the network')
  await window.fetch('https://api.sanity.io/v2025-02-19/users/me')
  assert.equal(
    sent,
    ['https://local.localhost:3334/v2025-02-19/users/me', 'https://api.sanity.io/v2025-02-19/users/me'],
    'everything else goes out unchanged (a hosted workspace still reaches sanity.io)',
  )
})

test.run()
