// A small RFC 6455 WebSocket endpoint: the handshake on an HTTP `upgrade`, text messages, ping/pong
// and the closing handshake. The lake needs only this much (the Studio's presence socket speaks
// JSON-RPC in text frames), so it carries no WebSocket dependency. No extensions (the browser's
// offer of permessage-deflate is declined by not echoing it), no subprotocols.
import crypto from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

const OP_CONTINUATION = 0x0
const OP_TEXT = 0x1
const OP_BINARY = 0x2
const OP_CLOSE = 0x8
const OP_PING = 0x9
const OP_PONG = 0xa

/** Close codes used here (RFC 6455 section 7.4.1, 4000-4999 for applications). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  invalidPayload: 1007,
  tooBig: 1009,
} as const

/** `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`. */
export function acceptKey(key: string): string {
  return crypto
    .createHash('sha1')
    .update(key + GUID)
    .digest('base64')
}

/** Why an upgrade request is not a WebSocket handshake this endpoint accepts, or undefined. */
export function handshakeProblem(request: IncomingMessage): string | undefined {
  if (request.method !== 'GET') return `a WebSocket handshake is a GET, not ${request.method}`
  if ((request.headers.upgrade ?? '').toLowerCase() !== 'websocket') return 'the Upgrade header must be "websocket"'
  const key = request.headers['sec-websocket-key']
  if (typeof key !== 'string' || Buffer.from(key, 'base64').length !== 16)
    return 'Sec-WebSocket-Key must be 16 bytes in base64'
  if (request.headers['sec-websocket-version'] !== '13') return 'only Sec-WebSocket-Version 13 is supported'
  return undefined
}

/** Answers an upgrade request that is refused with a plain HTTP response and ends the socket. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string, body: unknown): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const text = JSON.stringify(body)
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  )
}

export interface WebSocketOptions {
  /** Largest message accepted, in bytes; a larger one closes the socket with 1009. */
  maxMessageBytes: number
  /** Whether this end masks what it sends (clients must, servers must not). */
  mask: boolean
}

/**
 * One open WebSocket over an upgraded socket. Events: `message` (string), `close` (code, reason),
 * once per connection however it ends.
 */
export class WebSocketConnection extends EventEmitter {
  private buffer: Buffer = Buffer.alloc(0)
  private fragments: Buffer[] = []
  private fragmentsBytes = 0
  private fragmentOpcode = 0
  private closed = false
  private closeSent = false

  constructor(
    private readonly socket: Duplex,
    private readonly options: WebSocketOptions,
    head: Buffer = Buffer.alloc(0),
  ) {
    super()
    socket.on('data', (chunk: Buffer) => this.receive(chunk))
    socket.on('error', () => this.finish(1006, 'connection error'))
    socket.on('close', () => this.finish(1006, 'connection closed without a close frame'))
    if (head.length > 0) queueMicrotask(() => this.receive(head))
  }

  get open(): boolean {
    return !this.closed && !this.closeSent
  }

  send(text: string): void {
    if (!this.open) return
    this.writeFrame(OP_TEXT, Buffer.from(text, 'utf8'))
  }

  /** Starts the closing handshake; the socket ends when the peer answers (or after 2 s). */
  close(code: number = CLOSE.normal, reason = ''): void {
    if (this.closed || this.closeSent) return
    const reasonBytes = Buffer.from(reason, 'utf8').subarray(0, 123)
    const payload = Buffer.alloc(2 + reasonBytes.length)
    payload.writeUInt16BE(code, 0)
    reasonBytes.copy(payload, 2)
    this.writeFrame(OP_CLOSE, payload)
    this.closeSent = true
    this.emitClose(code, reason)
    setTimeout(() => this.socket.destroy(), 2000).unref()
  }

  /** Drops the connection at once (the lake is stopping). */
  terminate(): void {
    this.socket.destroy()
    this.finish(1006, 'terminated')
  }

  private closeEmitted = false
  private emitClose(code: number, reason: string): void {
    if (this.closeEmitted) return
    this.closeEmitted = true
    this.emit('close', code, reason)
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    this.emitClose(code, reason)
  }

  private writeFrame(opcode: number, payload: Buffer): void {
    if (!this.socket.writable) return
    const length = payload.length
    const extra = length < 126 ? 0 : length < 65_536 ? 2 : 8
    const maskBytes = this.options.mask ? 4 : 0
    const header = Buffer.alloc(2 + extra + maskBytes)
    header[0] = 0x80 | opcode
    header[1] = (this.options.mask ? 0x80 : 0) | (extra === 0 ? length : extra === 2 ? 126 : 127)
    if (extra === 2) header.writeUInt16BE(length, 2)
    if (extra === 8) header.writeBigUInt64BE(BigInt(length), 2)
    let body = payload
    if (this.options.mask) {
      const mask = crypto.randomBytes(4)
      mask.copy(header, 2 + extra)
      body = Buffer.from(payload)
      for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3]
    }
    this.socket.write(Buffer.concat([header, body]))
  }

  private protocolError(code: number, reason: string): void {
    this.close(code, reason)
    this.buffer = Buffer.alloc(0)
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    for (;;) {
      const frame = this.parseFrame()
      if (frame === undefined) return
      if (frame === 'error') return
      this.handleFrame(frame.fin, frame.opcode, frame.payload)
      if (this.closed || this.closeSent) return
    }
  }

  private parseFrame(): { fin: boolean; opcode: number; payload: Buffer } | undefined | 'error' {
    const b = this.buffer
    if (b.length < 2) return undefined
    const fin = (b[0] & 0x80) !== 0
    if ((b[0] & 0x70) !== 0) {
      this.protocolError(CLOSE.protocolError, 'no extension was negotiated: reserved bits must be 0')
      return 'error'
    }
    const opcode = b[0] & 0x0f
    const masked = (b[1] & 0x80) !== 0
    if (masked === this.options.mask) {
      // A server must receive masked frames and a client unmasked ones.
      this.protocolError(
        CLOSE.protocolError,
        masked ? 'frames from a server must not be masked' : 'frames must be masked',
      )
      return 'error'
    }
    let length = b[1] & 0x7f
    let offset = 2
    if (length === 126) {
      if (b.length < 4) return undefined
      length = b.readUInt16BE(2)
      offset = 4
    } else if (length === 127) {
      if (b.length < 10) return undefined
      const big = b.readBigUInt64BE(2)
      if (big > BigInt(this.options.maxMessageBytes)) {
        this.protocolError(CLOSE.tooBig, `messages are limited to ${this.options.maxMessageBytes} bytes`)
        return 'error'
      }
      length = Number(big)
      offset = 10
    }
    if (length > this.options.maxMessageBytes) {
      this.protocolError(CLOSE.tooBig, `messages are limited to ${this.options.maxMessageBytes} bytes`)
      return 'error'
    }
    const maskOffset = offset
    if (masked) offset += 4
    if (b.length < offset + length) return undefined
    const payload = Buffer.from(b.subarray(offset, offset + length))
    if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= b[maskOffset + (i & 3)]
    this.buffer = b.subarray(offset + length)
    return { fin, opcode, payload }
  }

  private handleFrame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode >= 0x8) {
      if (!fin || payload.length > 125) {
        this.protocolError(CLOSE.protocolError, 'control frames must be whole and at most 125 bytes')
        return
      }
      if (opcode === OP_PING) this.writeFrame(OP_PONG, payload)
      else if (opcode === OP_CLOSE) this.receiveClose(payload)
      else if (opcode !== OP_PONG) this.protocolError(CLOSE.protocolError, `unknown control opcode ${opcode}`)
      return
    }
    if (opcode === OP_CONTINUATION) {
      if (this.fragments.length === 0) {
        this.protocolError(CLOSE.protocolError, 'a continuation frame without a message to continue')
        return
      }
    } else if (opcode === OP_TEXT || opcode === OP_BINARY) {
      if (this.fragments.length > 0) {
        this.protocolError(CLOSE.protocolError, 'a new message began before the last one ended')
        return
      }
      this.fragmentOpcode = opcode
    } else {
      this.protocolError(CLOSE.protocolError, `unknown opcode ${opcode}`)
      return
    }
    this.fragmentsBytes += payload.length
    if (this.fragmentsBytes > this.options.maxMessageBytes) {
      this.protocolError(CLOSE.tooBig, `messages are limited to ${this.options.maxMessageBytes} bytes`)
      return
    }
    this.fragments.push(payload)
    if (!fin) return
    const message = Buffer.concat(this.fragments)
    this.fragments = []
    this.fragmentsBytes = 0
    if (this.fragmentOpcode === OP_BINARY) {
      this.protocolError(CLOSE.unsupportedData, 'this endpoint speaks JSON text messages, not binary')
      return
    }
    const text = new TextDecoder('utf-8', { fatal: true })
    let decoded: string
    try {
      decoded = text.decode(message)
    } catch {
      this.protocolError(CLOSE.invalidPayload, 'a text message must be valid UTF-8')
      return
    }
    this.emit('message', decoded)
  }

  private receiveClose(payload: Buffer): void {
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005
    const reason = payload.length > 2 ? payload.subarray(2).toString('utf8') : ''
    if (!this.closeSent) {
      // Echo the close and end our side (RFC 6455 section 5.5.1).
      const echo = payload.length >= 2 ? payload.subarray(0, 2) : Buffer.alloc(0)
      this.writeFrame(OP_CLOSE, echo)
      this.closeSent = true
    }
    this.emitClose(code, reason)
    this.socket.end()
    this.closed = true
  }
}

/** Completes the server side of the handshake and returns the open connection. */
export function acceptWebSocket(
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  options: Omit<WebSocketOptions, 'mask'>,
): WebSocketConnection {
  const key = request.headers['sec-websocket-key'] as string
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
  )
  return new WebSocketConnection(socket, { ...options, mask: false }, head)
}
