// WebSub (W3C) publisher side: when a feed changes, tell the hub, which then fetches the feed and
// pushes it to subscribers. `hub.mode=publish` with the topic URL(s) is the de-facto publish ping
// every public hub accepts (the spec leaves publishing to hubs; this is what they implement).

export interface HubPingResult {
  topic: string
  ok: boolean
  status: number | null
  error: string | null
}

export async function pingHub(hubUrl: string, topics: readonly string[], timeoutMs = 10_000): Promise<HubPingResult[]> {
  return Promise.all(
    topics.map(async (topic): Promise<HubPingResult> => {
      try {
        const response = await fetch(hubUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString(),
          signal: AbortSignal.timeout(timeoutMs),
        })
        await response.arrayBuffer().catch(() => undefined)
        return { topic, ok: response.status >= 200 && response.status < 300, status: response.status, error: null }
      } catch (error) {
        return { topic, ok: false, status: null, error: error instanceof Error ? error.message : String(error) }
      }
    }),
  )
}
