#!/usr/bin/env node
// Load generator for `npm run bench`, run as a child process so it never shares an event loop with
// the servers it measures. Reads one JSON argument:
//   {"url": "http://127.0.0.1:1234", "paths": ["/a", "/b"], "connections": 10, "durationSeconds": 5}
// and prints one JSON line: {requests, rps, latency: {p50, p90, p99, max}, non2xx, errors, timeouts}.
// Paths are requested round-robin. Plain JavaScript: autocannon ships no types.
import autocannon from 'autocannon'

const options = JSON.parse(process.argv[2] ?? '{}')
if (typeof options.url !== 'string' || !Array.isArray(options.paths) || options.paths.length === 0) {
  console.error('load-worker: pass {"url": "...", "paths": ["/..."], "connections": N, "durationSeconds": N}')
  process.exit(2)
}

const result = await autocannon({
  url: options.url,
  connections: options.connections ?? 10,
  duration: options.durationSeconds ?? 5,
  requests: options.paths.map((path) => ({ method: 'GET', path })),
})

process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
)
