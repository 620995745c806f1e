// A read-only GROQ endpoint over an in-memory list of documents, speaking just enough of Sanity's
// HTTP API (`GET|POST /v<version>/data/query/<dataset>`, `GET /v<version>/data/doc/<dataset>/<ids>`)
// for a real `@sanity/client` to query it. Used by offline validation: Sanity's own rules (unique
// slugs, reference checks) need a client, and the documents being validated are the whole dataset.
// It is not a Content Lake (no writes, no auth, no perspectives beyond `raw`): that is `lake/`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { evaluate, parse } from 'groq-js'

export interface MemoryQueryServer {
  /** e.g. `http://127.0.0.1:41234`: pass as `apiHost` with `useProjectHostname: false`. */
  url: string
  close(): Promise<void>
}

type Doc = { _id: string } & Record<string, unknown>

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  })
  res.end(json)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function paramsFromSearch(search: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const [name, value] of search) {
    if (!name.startsWith('$')) continue
    try {
      params[name.slice(1)] = JSON.parse(value)
    } catch {
      throw new Error(`query parameter ${name} is not valid JSON: ${value}`)
    }
  }
  return params
}

export async function startMemoryQueryServer(documents: readonly Doc[]): Promise<MemoryQueryServer> {
  const byId = new Map(documents.map((d) => [d._id, d]))
  const dataset = [...documents]

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const match = /^\/v[^/]+\/data\/(query|doc)\/[^/]+(?:\/(.*))?$/.exec(url.pathname)
      if (!match)
        return send(res, 404, { error: { description: `No such endpoint: ${url.pathname}`, type: 'notFound' } })
      if (match[1] === 'doc') {
        const ids = decodeURIComponent(match[2] ?? '')
          .split(',')
          .filter(Boolean)
        const found = ids.map((id) => byId.get(id)).filter((d): d is Doc => d !== undefined)
        const omitted = ids.filter((id) => !byId.has(id)).map((id) => ({ id, reason: 'existence' }))
        return send(res, 200, { documents: found, omitted })
      }
      let query: string | null
      let params: Record<string, unknown>
      if (req.method === 'POST') {
        const body = JSON.parse(await readBody(req)) as { query?: string; params?: Record<string, unknown> }
        query = body.query ?? null
        params = body.params ?? {}
      } else {
        query = url.searchParams.get('query')
        params = paramsFromSearch(url.searchParams)
      }
      if (!query) return send(res, 400, { error: { description: 'Missing query', type: 'queryParseError' } })
      const started = Date.now()
      const tree = parse(query, { params })
      const value = await evaluate(tree, { dataset, params })
      send(res, 200, { query, result: await value.get(), ms: Date.now() - started })
    })().catch((err: unknown) => {
      send(res, 400, {
        error: { description: err instanceof Error ? err.message : String(err), type: 'queryParseError' },
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      }),
  }
}
