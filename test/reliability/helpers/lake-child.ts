/**
 * A local Content Lake as a child process, for reliability tests that kill it (`SIGKILL`) or stop
 * it. Reads the usual LAKE_* variables (LAKE_DATA_DIR, LAKE_HTTP_PORT, ...), never starts HTTPS,
 * and prints one line `LAKE_READY {"httpUrl": ...}` once it listens. Spawned by `spawnLake`
 * (child-lake.ts) from a bundle, so it starts in well under a second.
 */
import { startLake } from '../../../lake/index.js'

const lake = await startLake({ httpsPort: -1 })
process.stdout.write(`LAKE_READY ${JSON.stringify({ httpUrl: lake.httpUrl, pid: process.pid })}\n`)
const stop = (): void => {
  void lake.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
