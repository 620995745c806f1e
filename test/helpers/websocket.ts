// A WebSocket client for tests (Node 20 has no global WebSocket without a flag): the handshake
// over node:http(s), then the lake's own frame codec in client mode (masked frames).
import crypto from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import { acceptKey, WebSocketConnection } from '../../lake/http/websocket.js'

export interface TestSocket {
  connection: WebSocketConnection
  /** Text messages received so far (heartbeats included). */
  messages: string[]
  send(value: unknown): void
  /** Resolves with the first message (already received or coming) that `match` accepts. */
  next<T = Record<string, unknown>>(match: (message: T) => boolean, timeoutMs?: number): Promise<T>
  /** Resolves when the socket closes, with the close code. */
  closed: Promise<{ code: number; reason: string }>
  close(): void
}

export type UpgradeResult =
  | { kind: 'open'; socket: TestSocket }
  | { kind: 'refused'; status: number; body: Record<string, unknown> }

/** Opens `url` (http: or https:, e.g. `http://127.0.0.1:1234/v2022-06-30/socket/production`). */
export function openSocket(url: string, headers: Record<string, string> = {}): Promise<UpgradeResult> {
  const target = new URL(url)
  const key = crypto.randomBytes(16).toString('base64')
  const transport = target.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const request = transport.request({
      host: target.hostname,
      port: target.port,
      path: `${target.pathname}${target.search}`,
      rejectUnauthorized: false,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': key,
        'Sec-WebSocket-Version': '13',
        ...headers,
      },
    })
    request.on('error', reject)
    request.on('response', (response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => (text += chunk.toString()))
      response.on('end', () => {
        let body: Record<string, unknown> = {}
        try {
          body = JSON.parse(text) as Record<string, unknown>
        } catch {
          body = { text }
        }
        resolve({ kind: 'refused', status: response.statusCode ?? 0, body })
      })
    })
    request.on('upgrade', (response, socket, head) => {
      if (response.headers['sec-websocket-accept'] !== acceptKey(key)) {
        socket.destroy()
        reject(new Error('the server answered the handshake with a wrong Sec-WebSocket-Accept'))
        return
      }
      const connection = new WebSocketConnection(socket, { mask: true, maxMessageBytes: 16 * 1024 * 1024 }, head)
      resolve({ kind: 'open', socket: wrap(connection) })
    })
    request.end()
  })
}

function wrap(connection: WebSocketConnection): TestSocket {
  const messages: string[] = []
  const waiters = new Set<(text: string) => void>()
  connection.on('message', (text: string) => {
    messages.push(text)
    for (const waiter of [...waiters]) waiter(text)
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    connection.once('close', (code: number, reason: string) => resolve({ code, reason })),
  )
  return {
    connection,
    messages,
    closed,
    send: (value) => connection.send(typeof value === 'string' ? value : JSON.stringify(value)),
    close: () => connection.close(),
    next<T>(match: (message: T) => boolean, timeoutMs = 5000): Promise<T> {
      const parse = (text: string): T | undefined => {
        try {
          const value = JSON.parse(text) as T
          return match(value) ? value : undefined
        } catch {
          return undefined
        }
      }
      for (const text of messages) {
        const found = parse(text)
        if (found !== undefined) return Promise.resolve(found)
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          reject(new Error(`no matching message within ${timeoutMs} ms; received: ${messages.join(' | ')}`))
        }, timeoutMs)
        const waiter = (text: string): void => {
          const found = parse(text)
          if (found === undefined) return
          clearTimeout(timer)
          waiters.delete(waiter)
          resolve(found)
        }
        waiters.add(waiter)
      })
    },
  }
}
