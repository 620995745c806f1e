// A recording HTTP receiver on 127.0.0.1:0 for webhook and WebSub tests.
import { createServer, type IncomingHttpHeaders } from 'node:http'

export interface Received {
  headers: IncomingHttpHeaders
  body: string
  status: number
}

export interface Receiver {
  url: string
  received: Received[]
  /** Resolves when `predicate` holds for the received list (polls; rejects after timeoutMs). */
  waitFor(predicate: (received: Received[]) => boolean, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

/** `respond(n)` gives the status of the n-th request (0-based). */
export async function startReceiver(respond: (n: number, body: string) => number = () => 200): Promise<Receiver> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const status = respond(received.length, body)
      received.push({ headers: req.headers, body, status })
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'try again')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    async waitFor(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      while (!predicate(received)) {
        if (Date.now() > deadline)
          throw new Error(
            `receiver: condition not met within ${timeoutMs} ms; received ${JSON.stringify(received.map((r) => [r.status, r.body.slice(0, 200)]))}`,
          )
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
