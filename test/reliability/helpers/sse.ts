/**
 * A minimal server-sent-events reader for the lake's `/data/listen` stream, with the resume
 * protocol spelled out (`enableResume=true` + `Last-Event-ID`), so tests can see exactly which
 * events arrive on which connection: `@sanity/client`'s listener hides reconnects.
 *
 *   const stream = openListen({url, token, query: '*[_type == "probe"]', lastEventId})
 *   await stream.opened            // 'welcome' or 'welcomeback'
 *   stream.events                  // complete `mutation` events received so far
 *   stream.close()
 */

export interface ListenEvent {
  eventId: string
  transactionId: string
  documentId: string
  transition: string
  previousRev?: string
  resultRev?: string
}

export interface ListenStream {
  /** Resolves with the first event's name (`welcome` or `welcomeback`); rejects if the stream fails first. */
  opened: Promise<string>
  events: ListenEvent[]
  /** The id of the last complete event received (what a resuming client sends). */
  lastEventId(): string | undefined
  /** Resolves when the stream ends (server gone, closed). */
  ended: Promise<void>
  close(): void
}

export interface OpenListenOptions {
  /** The lake's base URL, e.g. http://127.0.0.1:3333 */
  baseUrl: string
  dataset?: string
  token?: string
  query: string
  lastEventId?: string
  apiVersion?: string
  /** Ask for the document after each change in the event (`result`). */
  includeResult?: boolean
}

function isListenEvent(value: unknown): value is ListenEvent {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.eventId === 'string' && typeof v.transactionId === 'string' && typeof v.documentId === 'string'
}

export function openListen(options: OpenListenOptions): ListenStream {
  const params = new URLSearchParams({
    query: options.query,
    enableResume: 'true',
    includeResult: options.includeResult ? 'true' : 'false',
    includeMutations: 'false',
  })
  const url = `${options.baseUrl}/v${options.apiVersion ?? '2025-02-19'}/data/listen/${options.dataset ?? 'production'}?${params}`
  const headers: Record<string, string> = { accept: 'text/event-stream' }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  if (options.lastEventId) headers['last-event-id'] = options.lastEventId
  const controller = new AbortController()
  const events: ListenEvent[] = []
  let last: string | undefined = options.lastEventId
  let resolveOpened: (name: string) => void = () => undefined
  let rejectOpened: (error: Error) => void = () => undefined
  const opened = new Promise<string>((resolve, reject) => {
    resolveOpened = resolve
    rejectOpened = reject
  })
  opened.catch(() => undefined)

  const handle = (block: string): void => {
    let name = 'message'
    let id: string | undefined
    const data: string[] = []
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon === -1 ? line : line.slice(0, colon)
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') name = value
      else if (field === 'id') id = value
      else if (field === 'data') data.push(value)
    }
    if (name === 'welcome' || name === 'welcomeback') resolveOpened(name)
    if (name === 'mutation') {
      const parsed: unknown = JSON.parse(data.join('\n'))
      if (!isListenEvent(parsed))
        throw new Error(`a mutation event without eventId/transactionId/documentId: ${data.join('\n').slice(0, 200)}`)
      events.push(parsed)
    }
    if (id !== undefined && id !== '') last = id
  }

  const ended = (async () => {
    try {
      const response = await fetch(url, { headers, signal: controller.signal })
      if (!response.ok || !response.body) {
        rejectOpened(new Error(`listen answered ${response.status}: ${(await response.text()).slice(0, 300)}`))
        return
      }
      const decoder = new TextDecoder()
      let buffer = ''
      const reader = response.body.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        buffer += decoder.decode(value, { stream: true })
        let end: number
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          if (block.trim() !== '') handle(block)
        }
      }
    } catch (error) {
      // The server was killed or we closed: a partial block at the end is ignored, as a browser would.
      rejectOpened(error instanceof Error ? error : new Error(String(error)))
    }
    rejectOpened(new Error('the listen stream ended before its welcome'))
  })()

  return {
    opened,
    events,
    lastEventId: () => last,
    ended,
    close: () => controller.abort(),
  }
}
