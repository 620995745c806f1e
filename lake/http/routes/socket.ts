// The Studio's realtime socket, `wss://<host>/v2022-06-30/socket/<dataset>` (hosted Sanity's
// "bifur" service), for presence: which editors are where in which document.
//
// The protocol, as @sanity/bifur-client and the Studio's presence store speak it: JSON-RPC 2.0 in
// WebSocket text frames, `♥` heartbeats from the server.
// - `authorization` `{authorization: 'Bearer <token>'}` first (a browser cannot send headers on
//   a WebSocket); a Node client may instead send `Authorization` on the handshake.
// - `presence_subscribe` -> a subscription id; then `presence_subscription` notifications
//   `{subscription, result: event}` with the dataset's presence events:
//   `{type: 'rollCall', i: <user id>, session}`, `{type: 'state', i, m: {sessionId, locations}}`,
//   `{type: 'disconnect', i, m: {session}}`. `presence_unsubscribe` `{subscriptionId}` ends one.
// - `presence_rollcall` `{session}` asks every session to announce itself; `presence_announce`
//   `{data: {sessionId, locations}}` says where a session is; `presence_disconnect` `{session}`
//   says it left. A socket that closes without that is announced as disconnected for each session
//   it announced, so a closed tab's avatar disappears.
// Presence names editors and what they have open, so it is for signed-in users only: every call
// other than `authorization` from a socket that has not authorized is refused and the socket
// closed with 4001 (bifur's UNAUTHORIZED), and an unauthorized socket is closed after
// AUTHORIZE_WITHIN_MS. Presence is not stored: it lives as long as the sockets.
import { type IncomingMessage, STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { type Identity, type User, ANONYMOUS } from '../../auth/index.js'
import { isRecord, LakeError } from '../../errors.js'
import { invalidDatasetReason } from '../../ids.js'
import type { LakeContext } from '../context.js'
import { parseApiVersion } from '../util.js'
import { acceptWebSocket, handshakeProblem, refuseUpgrade, type WebSocketConnection } from '../websocket.js'

/** bifur's connection-level error codes, used as WebSocket close codes and JSON-RPC error codes. */
export const SOCKET_ERRORS = {
  unauthorized: 4001,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  parseError: -32700,
} as const

const HEARTBEAT = '♥'
const HEARTBEAT_MS = 25_000
const AUTHORIZE_WITHIN_MS = 15_000
/** A presence message carries a session's locations: a few paths. 64 KiB is far above that. */
const MAX_MESSAGE_BYTES = 64 * 1024
/** Sessions one socket may announce (a browser tab has one). */
const MAX_SESSIONS_PER_SOCKET = 16

const SOCKET_PATH = /^\/([^/]+)\/socket\/([^/?]+)$/

interface PresenceSocket {
  ws: WebSocketConnection
  dataset: string
  /** The token the socket authorized with: checked again on every call, so a revoked one stops. */
  token: string | undefined
  identity: Identity
  subscriptions: Set<string>
  /** Sessions this socket announced, with the user who announced them. */
  sessions: Map<string, string>
  nextSubscription: number
}

type RpcId = string | number | null

/** Open presence sockets of one lake, grouped by dataset. */
export class PresenceHub {
  private readonly sockets = new Map<string, Set<PresenceSocket>>()

  constructor(
    private readonly ctx: LakeContext,
    private readonly allowedOrigin: (origin: string) => boolean,
  ) {}

  /** How many sockets are open (all datasets). */
  get size(): number {
    let n = 0
    for (const set of this.sockets.values()) n += set.size
    return n
  }

  /** Handles an HTTP `upgrade`: a socket path is accepted or refused; anything else is a 404. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy())
    const url = new URL(request.url ?? '/', 'http://lake.invalid')
    const match = SOCKET_PATH.exec(url.pathname)
    if (!match || parseApiVersion(match[1]) === undefined) {
      refuse(
        socket,
        new LakeError(
          404,
          'notFoundError',
          `no WebSocket endpoint at ${url.pathname}: the presence socket is /v2022-06-30/socket/<dataset>`,
        ),
      )
      return
    }
    const dataset = decodeURIComponent(match[2])
    const origin = request.headers.origin
    if (origin !== undefined && !this.allowedOrigin(origin)) {
      refuse(
        socket,
        new LakeError(
          403,
          'forbiddenError',
          `origin ${origin} may not open the presence socket: only localhost origins and those in LAKE_CORS_ORIGINS may`,
        ),
      )
      return
    }
    const problem = handshakeProblem(request)
    if (problem) {
      refuse(socket, new LakeError(400, 'httpBadRequest', problem))
      return
    }
    const invalid = invalidDatasetReason(dataset)
    if (invalid !== undefined || !this.ctx.store.hasDataset(dataset)) {
      refuse(
        socket,
        new LakeError(
          404,
          'datasetNotFound',
          invalid ?? `Dataset "${dataset}" not found for project ID "${this.ctx.config.projectId}"`,
        ),
      )
      return
    }
    let identity: Identity = ANONYMOUS
    const authorization = request.headers.authorization
    try {
      identity = this.ctx.accounts.identify(authorization)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      refuse(socket, new LakeError(401, 'unauthorizedError', message))
      return
    }
    const ws = acceptWebSocket(request, socket, head, { maxMessageBytes: MAX_MESSAGE_BYTES })
    const entry: PresenceSocket = {
      ws,
      dataset,
      token: identity.kind === 'user' ? bearerToken(authorization) : undefined,
      identity,
      subscriptions: new Set(),
      sessions: new Map(),
      nextSubscription: 1,
    }
    let set = this.sockets.get(dataset)
    if (!set) {
      set = new Set()
      this.sockets.set(dataset, set)
    }
    set.add(entry)
    const heartbeat = setInterval(() => ws.send(HEARTBEAT), HEARTBEAT_MS)
    heartbeat.unref()
    const deadline = setTimeout(() => {
      if (entry.identity.kind === 'anonymous')
        ws.close(SOCKET_ERRORS.unauthorized, 'not authorized: send "authorization" with a Bearer token first')
    }, AUTHORIZE_WITHIN_MS)
    deadline.unref()
    ws.on('message', (text: string) => this.receive(entry, text))
    ws.once('close', () => {
      clearInterval(heartbeat)
      clearTimeout(deadline)
      set.delete(entry)
      if (set.size === 0) this.sockets.delete(dataset)
      for (const [session, userId] of entry.sessions)
        this.broadcast(dataset, { type: 'disconnect', i: userId, m: { session } })
      entry.sessions.clear()
    })
  }

  /** Ends every socket (the lake is stopping). */
  closeAll(): void {
    for (const set of [...this.sockets.values()]) for (const entry of [...set]) entry.ws.terminate()
    this.sockets.clear()
  }

  private receive(entry: PresenceSocket, text: string): void {
    if (text === HEARTBEAT) return
    let message: unknown
    try {
      message = JSON.parse(text)
    } catch {
      this.error(entry, null, SOCKET_ERRORS.parseError, 'the message is not JSON: send a JSON-RPC 2.0 request')
      return
    }
    if (!isRecord(message) || message.jsonrpc !== '2.0' || typeof message.method !== 'string') {
      this.error(
        entry,
        rpcId(message),
        SOCKET_ERRORS.invalidRequest,
        'a request is {"jsonrpc": "2.0", "method": "...", "params": {...}, "id": "..."}',
      )
      return
    }
    const id = rpcId(message)
    const params = isRecord(message.params) ? message.params : {}
    const method = message.method
    if (method === 'authorization') {
      this.authorize(entry, id, params)
      return
    }
    if (method === 'authorization_subscribe') {
      // Hosted bifur announces expiring tokens here; local tokens expire only when revoked.
      this.reply(entry, id, this.subscribe(entry, 'authorization'))
      return
    }
    const user = this.currentUser(entry)
    if (!user) {
      this.error(
        entry,
        id,
        SOCKET_ERRORS.unauthorized,
        `"${method}" needs a signed-in editor: send "authorization" with {"authorization": "Bearer <token>"} first`,
      )
      entry.ws.close(SOCKET_ERRORS.unauthorized, 'not authorized')
      return
    }
    switch (method) {
      case 'presence_subscribe':
        this.reply(entry, id, this.subscribe(entry, 'presence'))
        return
      case 'presence_unsubscribe':
      case 'authorization_unsubscribe': {
        const subscriptionId = params.subscriptionId
        this.reply(entry, id, typeof subscriptionId === 'string' && entry.subscriptions.delete(subscriptionId))
        return
      }
      case 'presence_rollcall': {
        const session = params.session
        if (typeof session !== 'string' || session === '') {
          this.error(entry, id, SOCKET_ERRORS.invalidParams, 'presence_rollcall needs {"session": "<session id>"}')
          return
        }
        this.broadcast(entry.dataset, { type: 'rollCall', i: user.id, session })
        this.reply(entry, id, true)
        return
      }
      case 'presence_announce': {
        const data = params.data
        if (!isRecord(data) || typeof data.sessionId !== 'string' || !Array.isArray(data.locations)) {
          this.error(
            entry,
            id,
            SOCKET_ERRORS.invalidParams,
            'presence_announce needs {"data": {"sessionId": "<session id>", "locations": [...]}}',
          )
          return
        }
        if (!entry.sessions.has(data.sessionId) && entry.sessions.size >= MAX_SESSIONS_PER_SOCKET) {
          this.error(
            entry,
            id,
            SOCKET_ERRORS.invalidParams,
            `one socket announces at most ${MAX_SESSIONS_PER_SOCKET} sessions: disconnect one first`,
          )
          return
        }
        entry.sessions.set(data.sessionId, user.id)
        this.broadcast(entry.dataset, {
          type: 'state',
          i: user.id,
          m: { sessionId: data.sessionId, locations: data.locations },
        })
        this.reply(entry, id, true)
        return
      }
      case 'presence_disconnect': {
        const session = params.session
        if (typeof session !== 'string') {
          this.error(entry, id, SOCKET_ERRORS.invalidParams, 'presence_disconnect needs {"session": "<session id>"}')
          return
        }
        // Only a session this socket announced can be ended from it.
        if (entry.sessions.delete(session))
          this.broadcast(entry.dataset, { type: 'disconnect', i: user.id, m: { session } })
        this.reply(entry, id, true)
        return
      }
      default:
        this.error(
          entry,
          id,
          SOCKET_ERRORS.methodNotFound,
          `unknown method "${method}": this socket serves presence (presence_subscribe, presence_rollcall, presence_announce, presence_disconnect) and authorization`,
        )
    }
  }

  private authorize(entry: PresenceSocket, id: RpcId, params: Record<string, unknown>): void {
    const header = typeof params.authorization === 'string' ? params.authorization : undefined
    let identity: Identity
    try {
      identity = this.ctx.accounts.identify(header)
    } catch (error) {
      this.error(entry, id, SOCKET_ERRORS.unauthorized, error instanceof Error ? error.message : String(error))
      entry.ws.close(SOCKET_ERRORS.unauthorized, 'the token is not valid')
      return
    }
    if (identity.kind === 'anonymous') {
      this.error(
        entry,
        id,
        SOCKET_ERRORS.unauthorized,
        'authorization needs {"authorization": "Bearer <token>"}: presence is for signed-in editors',
      )
      entry.ws.close(SOCKET_ERRORS.unauthorized, 'not authorized')
      return
    }
    entry.identity = identity
    entry.token = bearerToken(header)
    this.reply(entry, id, { authorized: true, userId: identity.user.id })
  }

  /** The socket's user, if its token is (still) valid. */
  private currentUser(entry: PresenceSocket): User | undefined {
    if (entry.identity.kind !== 'user' || entry.token === undefined) return undefined
    const user = this.ctx.accounts.userForToken(entry.token)
    if (!user) entry.identity = ANONYMOUS
    return user
  }

  private subscribe(entry: PresenceSocket, kind: 'presence' | 'authorization'): string {
    const subscriptionId = `${kind}-${entry.nextSubscription++}`
    entry.subscriptions.add(subscriptionId)
    return subscriptionId
  }

  private broadcast(dataset: string, event: Record<string, unknown>): void {
    for (const entry of this.sockets.get(dataset) ?? []) {
      if (entry.identity.kind !== 'user') continue
      for (const subscription of entry.subscriptions) {
        if (!subscription.startsWith('presence-')) continue
        entry.ws.send(
          JSON.stringify({ jsonrpc: '2.0', method: 'presence_subscription', params: { subscription, result: event } }),
        )
      }
    }
  }

  private reply(entry: PresenceSocket, id: RpcId, result: unknown): void {
    entry.ws.send(JSON.stringify({ jsonrpc: '2.0', id, result }))
  }

  private error(entry: PresenceSocket, id: RpcId, code: number, message: string): void {
    entry.ws.send(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }))
  }
}

function rpcId(message: unknown): RpcId {
  if (!isRecord(message)) return null
  const id = message.id
  return typeof id === 'string' || typeof id === 'number' ? id : null
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header?.trim() ?? '')
  return match ? match[1] : undefined
}

/** Answers an upgrade request with `error` as a lake error body, and closes the socket. */
function refuse(socket: Duplex, error: LakeError): void {
  refuseUpgrade(socket, error.statusCode, STATUS_CODES[error.statusCode] ?? 'Error', error.toBody())
}
