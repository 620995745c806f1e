import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import http2 from 'node:http2'
import https from 'node:https'
import { startTestLake, type TestLake } from '../helpers/lake.js'

const test = suite('lake: HTTPS with HTTP/2 and a local CA (what browsers and the Studio use)')
let t: TestLake
let ca: Buffer

test.before(async () => {
  t = await startTestLake({ https: true })
  ca = fs.readFileSync(t.lake.caCertPath as string)
  await t.client.create({ _id: 'tls-1', _type: 'note', title: 'over h2' })
})
test.after(async () => {
  await t.close()
})

function h2request(
  session: http2.ClientHttp2Session,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: http2.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path, ...headers })
    let body = ''
    let head: http2.IncomingHttpHeaders = {}
    req.on('response', (h) => (head = h))
    req.setEncoding('utf8')
    req.on('data', (d: string) => (body += d))
    req.on('end', () => resolve({ status: Number(head[':status']), body, headers: head }))
    req.on('error', reject)
    req.end()
  })
}

test('HTTP/2 over TLS, verified against the local CA for <projectId>.localhost', async () => {
  const port = new URL(t.httpsUrl as string).port
  // Chromium resolves *.localhost to loopback; Node may not, so connect to localhost and check the name via SNI.
  const session = http2.connect(`https://localhost:${port}`, { ca, servername: 'local.localhost' })
  try {
    const res = await h2request(
      session,
      `/v2025-02-19/data/query/production?query=${encodeURIComponent('*[_id == "tls-1"][0].title')}`,
    )
    assert.is(res.status, 200)
    assert.is((JSON.parse(res.body) as { result: string }).result, 'over h2')
    assert.equal(session.alpnProtocol, 'h2')
    // Many listeners at once on one connection (the Studio keeps more than six open).
    const streams = Array.from(
      { length: 10 },
      () =>
        new Promise<string>((resolve, reject) => {
          const req = session.request({
            ':path': `/vX/data/listen/production?query=${encodeURIComponent('*[_type == "note"]')}`,
            authorization: `Bearer ${t.token}`,
            origin: 'https://local.localhost:3334',
          })
          req.setEncoding('utf8')
          let text = ''
          req.on('response', (h) => assert.is(h['access-control-allow-origin'], 'https://local.localhost:3334'))
          req.on('data', (d: string) => {
            text += d
            if (text.includes('event: welcome')) {
              req.close()
              resolve(text)
            }
          })
          req.on('error', reject)
        }),
    )
    const texts = await Promise.all(streams)
    assert.is(texts.length, 10)
    const after = await h2request(session, '/v2025-02-19/ping')
    assert.is(after.body, 'PONG', 'a plain request still goes through while listeners are open')
  } finally {
    session.close()
  }
})

test('HTTP/1.1 over TLS is allowed too', async () => {
  const body = await new Promise<string>((resolve, reject) => {
    https
      .get(`${t.httpsUrl}/v1/ping`, { ca }, (res) => {
        let text = ''
        res.on('data', (d: Buffer) => (text += d.toString()))
        res.on('end', () => resolve(text))
      })
      .on('error', reject)
  })
  assert.is(body, 'PONG')
})

test('the certificate is made once and reused on restart', async () => {
  const dir = t.dataDir
  const cert = fs.readFileSync(`${dir}/tls/server.crt`, 'utf8')
  const again = await startTestLake({ https: true, dataDir: dir })
  try {
    assert.is(fs.readFileSync(`${dir}/tls/server.crt`, 'utf8'), cert)
    assert.is(fs.readFileSync(again.lake.caCertPath as string).toString(), ca.toString())
  } finally {
    await again.close()
  }
})

test.run()
