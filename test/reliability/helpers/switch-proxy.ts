/**
 * An HTTP proxy in front of a content source that a test can switch between `pass` (forward
 * everything), `hang` (accept requests, never answer: a hosted API that times out) and `refuse`
 * (reset connections: a source that is down). Listens on 127.0.0.1, port 0.
 *
 *   const proxy = await startSwitchProxy(lake.httpUrl)
 *   proxy.mode = 'hang'
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Socket } from 'node:net'

export type ProxyMode = 'pass' | 'hang' | 'refuse'

export interface SwitchProxy {
  url: string
  mode: ProxyMode
  /** Requests received while hanging (never answered). */
  hung: number
  close(): Promise<void>
}

export async function startSwitchProxy(target: string): Promise<SwitchProxy> {
  const upstream = new URL(target)
  const sockets = new Set<Socket>()
  const proxy: SwitchProxy = {
    url: '',
    mode: 'pass',
    hung: 0,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  const server = http.createServer((req, res) => {
    if (proxy.mode === 'hang') {
      proxy.hung++
      req.resume()
      return
    }
    if (proxy.mode === 'refuse') {
      req.socket.destroy()
      return
    }
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    forward.on('error', () => res.destroy())
    req.pipe(forward)
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return proxy
}
