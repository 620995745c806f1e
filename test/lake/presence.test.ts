// The Studio's presence socket (`/v2022-06-30/socket/<dataset>`): the JSON-RPC protocol
// @sanity/bifur-client speaks, presence between two editors, and who may use it.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createEditor } from '../../lake/index.js'
import { startTestLake, type TestLake } from '../helpers/lake.js'
import { openSocket, type TestSocket } from '../helpers/websocket.js'

const test = suite('lake: presence socket')
let t: TestLake
let second: { id: string; token: string }
const open: TestSocket[] = []

test.before(async () => {
  t = await startTestLake({ https: true })
  const editor = createEditor(t.lake, { name: 'Second Editor', email: 'second@clinic.test' })
  second = { id: editor.user.id, token: editor.token }
})
test.after(async () => {
  for (const socket of open) socket.close()
  await t.close()
})

interface Rpc {
  id?: string
  result?: unknown
  error?: { code: number; message: string }
  method?: string
  params?: { subscription: string; result: Record<string, unknown> }
}

const socketUrl = (dataset = t.dataset, base = t.httpUrl) => `${base}/v2022-06-30/socket/${dataset}?tag=sanity.studio`

async function connect(headers: Record<string, string> = {}, url = socketUrl()): Promise<TestSocket> {
  const result = await openSocket(url, headers)
  if (result.kind !== 'open') throw new Error(`refused: ${result.status} ${JSON.stringify(result.body)}`)
  open.push(result.socket)
  return result.socket
}

let counter = 0
async function call(socket: TestSocket, method: string, params: Record<string, unknown> = {}): Promise<Rpc> {
  counter += 1
  const id = `req-${counter}`
  socket.send({ jsonrpc: '2.0', method, params: { ...params, apiVersion: 'v1' }, id })
  return socket.next<Rpc>((message) => message.id === id)
}

/** Signs in as the Studio does (a browser cannot send headers) and subscribes to presence. */
async function editorSocket(token: string, url = socketUrl()): Promise<{ socket: TestSocket; subscription: string }> {
  const socket = await connect({ origin: 'https://local.localhost:3334' }, url)
  const auth = await call(socket, 'authorization', { authorization: `Bearer ${token}` })
  assert.ok(auth.result, `authorization succeeds: ${JSON.stringify(auth)}`)
  const subscribed = await call(socket, 'presence_subscribe')
  assert.type(subscribed.result, 'string')
  return { socket, subscription: subscribed.result as string }
}

function presenceEvent(socket: TestSocket, match: (event: Record<string, unknown>) => boolean) {
  return socket
    .next<Rpc>((message) => message.method === 'presence_subscription' && match(message.params?.result ?? {}))
    .then((message) => message.params?.result ?? {})
}

test('two editors see each other: roll call, state, disconnect when a tab closes', async () => {
  const me = await t.client.request<{ id: string }>({ uri: '/users/me' })
  const a = await editorSocket(t.token)
  const b = await editorSocket(second.token)

  // B arrives and asks who is there; A hears it (with B's user id) and announces its location.
  assert.equal((await call(b.socket, 'presence_rollcall', { session: 'session-b' })).result, true)
  const rollCall = await presenceEvent(a.socket, (e) => e.type === 'rollCall')
  assert.equal(rollCall, { type: 'rollCall', i: second.id, session: 'session-b' })

  const locations = [
    { type: 'document', documentId: 'faq-1', path: ['question'], lastActiveAt: '2026-12-07T01:00:00Z' },
  ]
  await call(a.socket, 'presence_announce', { data: { sessionId: 'session-a', locations } })
  const state = await presenceEvent(b.socket, (e) => e.type === 'state' && e.i === me.id)
  assert.equal(state, { type: 'state', i: me.id, m: { sessionId: 'session-a', locations } })

  await call(b.socket, 'presence_announce', { data: { sessionId: 'session-b', locations } })
  const stateB = await presenceEvent(a.socket, (e) => e.type === 'state' && e.i === second.id)
  assert.equal((stateB.m as { sessionId: string }).sessionId, 'session-b')

  // B's tab closes without saying goodbye: A is told B's session is gone.
  b.socket.close()
  const gone = await presenceEvent(a.socket, (e) => e.type === 'disconnect')
  assert.equal(gone, { type: 'disconnect', i: second.id, m: { session: 'session-b' } })

  // An explicit disconnect reaches the others too; only the socket's own sessions can be ended.
  const c = await editorSocket(second.token)
  await call(c.socket, 'presence_announce', { data: { sessionId: 'session-c', locations: [] } })
  await call(c.socket, 'presence_disconnect', { session: 'session-a' })
  await call(c.socket, 'presence_disconnect', { session: 'session-c' })
  const disconnects = () =>
    a.socket.messages.filter((text) => text.includes('"disconnect"')).map((text) => JSON.parse(text).params.result)
  await presenceEvent(a.socket, (e) => e.type === 'disconnect' && (e.m as { session: string }).session === 'session-c')
  assert.not.ok(
    disconnects().some((e: { m: { session: string } }) => e.m.session === 'session-a'),
    "another editor's socket cannot end A's session",
  )
  a.socket.close()
  c.socket.close()
})

test('over HTTPS (how the Studio connects), with the token on the handshake or in a message', async () => {
  assert.ok(t.httpsUrl, 'the test lake has an HTTPS listener')
  const url = socketUrl(t.dataset, t.httpsUrl)
  const viaMessage = await editorSocket(second.token, url)
  const viaHeader = await connect({ authorization: `Bearer ${t.token}` }, url)
  const subscribed = await call(viaHeader, 'presence_subscribe')
  assert.type(subscribed.result, 'string', 'a Node client may authorize on the handshake instead')
  await call(viaHeader, 'presence_rollcall', { session: 'node-session' })
  const heard = await presenceEvent(viaMessage.socket, (e) => e.session === 'node-session')
  assert.is(heard.type, 'rollCall')
  viaMessage.socket.close()
  viaHeader.close()
})

test('anonymous sockets are refused: presence is for signed-in editors', async () => {
  const anonymous = await connect()
  const refused = await call(anonymous, 'presence_subscribe')
  assert.is(refused.error?.code, 4001)
  assert.match(refused.error?.message ?? '', /signed-in editor.*authorization/)
  assert.is((await anonymous.closed).code, 4001, 'the socket is closed with bifur UNAUTHORIZED')

  const badToken = await connect()
  const denied = await call(badToken, 'authorization', { authorization: 'Bearer not-a-token' })
  assert.is(denied.error?.code, 4001)
  assert.match(denied.error?.message ?? '', /not valid/)
  assert.is((await badToken.closed).code, 4001)

  const noToken = await connect()
  assert.is((await call(noToken, 'authorization', {})).error?.code, 4001)

  const header = await openSocket(socketUrl(), { authorization: 'Bearer wrong' })
  assert.is(header.kind === 'refused' && header.status, 401, 'a bad token on the handshake is a 401')

  // A listening editor hears nothing of anonymous attempts.
  const watcher = await editorSocket(t.token)
  const stranger = await connect()
  stranger.send({ jsonrpc: '2.0', method: 'presence_rollcall', params: { session: 'spy' }, id: 'x' })
  await stranger.closed
  await call(watcher.socket, 'presence_rollcall', { session: 'watcher' })
  await presenceEvent(watcher.socket, (e) => e.session === 'watcher')
  assert.not.ok(
    watcher.socket.messages.some((text) => text.includes('spy')),
    'no event from an anonymous socket',
  )
  watcher.socket.close()
})

test('a revoked token stops working on an open socket', async () => {
  const extra = createEditor(t.lake, { name: 'Temp Editor', email: 'temp@clinic.test' })
  const { socket } = await editorSocket(extra.token)
  assert.ok(t.lake.accounts.revokeTokenValue(extra.token))
  const refused = await call(socket, 'presence_rollcall', { session: 'late' })
  assert.is(refused.error?.code, 4001)
  assert.is((await socket.closed).code, 4001)
})

test('datasets are separate rooms', async () => {
  await t.client.datasets.create('staging')
  const inProduction = await editorSocket(t.token)
  const inStaging = await editorSocket(second.token, socketUrl('staging'))
  await call(inStaging.socket, 'presence_rollcall', { session: 'staging-session' })
  await presenceEvent(inStaging.socket, (e) => e.session === 'staging-session')
  await call(inProduction.socket, 'presence_rollcall', { session: 'production-session' })
  await presenceEvent(inProduction.socket, (e) => e.session === 'production-session')
  assert.not.ok(inProduction.socket.messages.some((text) => text.includes('staging-session')))
  assert.not.ok(inStaging.socket.messages.some((text) => text.includes('production-session')))
  inProduction.socket.close()
  inStaging.socket.close()
})

test('bad requests get clear refusals; the socket stays usable', async () => {
  const { socket } = await editorSocket(t.token)
  socket.send('not json')
  const parse = await socket.next<Rpc>((m) => m.error?.code === -32700)
  assert.match(parse.error?.message ?? '', /not JSON/)
  assert.is((await call(socket, 'listen_subscribe')).error?.code, -32601)
  const announce = await call(socket, 'presence_announce', { data: { locations: 'nowhere' } })
  assert.is(announce.error?.code, -32602)
  assert.match(announce.error?.message ?? '', /sessionId.*locations/)
  assert.is((await call(socket, 'presence_rollcall', {})).error?.code, -32602)
  assert.equal((await call(socket, 'presence_rollcall', { session: 'still-here' })).result, true)
  socket.close()
})

test('the handshake is refused for unknown datasets, paths and foreign origins', async () => {
  const unknown = await openSocket(socketUrl('nope'))
  assert.is(unknown.kind === 'refused' && unknown.status, 404)
  assert.is(unknown.kind === 'refused' && (unknown.body.error as { type: string }).type, 'datasetNotFound')
  const path = await openSocket(`${t.httpUrl}/v2022-06-30/sockets/production`)
  assert.is(path.kind === 'refused' && path.status, 404)
  const foreign = await openSocket(socketUrl(), { origin: 'https://evil.example' })
  assert.is(foreign.kind === 'refused' && foreign.status, 403)
})

test('/users/<ids> names the editors behind presence (signed-in only)', async () => {
  const me = await t.client.request<{ id: string }>({ uri: '/users/me' })
  const one = await t.client.request<Record<string, unknown>>({ uri: `/users/${second.id}` })
  // The Studio's avatars read displayName and imageUrl (hosted's project-member fields).
  assert.equal([one.id, one.displayName, one.imageUrl], [second.id, 'Second Editor', null])
  const both = await t.client.request<Array<{ id: string }>>({ uri: `/users/${me.id},${second.id},nobody` })
  assert.equal(both.map((u) => u.id).sort(), [me.id, second.id].sort())
  const error = await t.anonymousClient.request({ uri: `/users/${second.id}` }).catch((e: { statusCode: number }) => e)
  assert.is((error as { statusCode: number }).statusCode, 401)
  const missing = await t.client.request({ uri: '/users/nobody' }).catch((e: { statusCode: number }) => e)
  assert.is((missing as { statusCode: number }).statusCode, 404)
})

test.run()
