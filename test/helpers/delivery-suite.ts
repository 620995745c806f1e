/**
 * The preamble of a suite that runs a delivery server against one throwaway lake seeded with
 * content/production.ndjson: both started in the suite's `before` hook, closed in its `after` hook.
 *
 *   const { test, t } = deliverySuite('ehr: FHIR', { ehr: { mode: 'open' } })
 *   test('...', async () => { await fetch(t.server.url + '/fhir/metadata') })
 *
 * Server options that need the lake (a partner created first, its client) are a function of it.
 */
import { suite, type Test } from 'uvu'
import { type DeliveryServer, type DeliveryServerOptions, startDeliveryServer } from '../../delivery/http/server.js'
import { SEED_PATH } from '../delivery/_seed.js'
import { startTestLake, type TestLake } from './lake.js'

type ServerOptions = Omit<DeliveryServerOptions, 'client' | 'port'>

/** The suite's lake and server: started in its before hook, so read only inside tests. */
export class SuiteDelivery {
  current: { lake: TestLake; server: DeliveryServer } | undefined
  private get started() {
    if (!this.current) throw new Error("the suite's lake and server start in its before hook: use them inside tests")
    return this.current
  }
  get lake(): TestLake {
    return this.started.lake
  }
  get server(): DeliveryServer {
    return this.started.server
  }
}

export function deliverySuite(
  name: string,
  options: ServerOptions | ((lake: TestLake) => Promise<ServerOptions> | ServerOptions) = {},
): { test: Test; t: SuiteDelivery } {
  const test = suite(name)
  const t = new SuiteDelivery()
  let lake: TestLake | undefined
  let server: DeliveryServer | undefined
  test.before(async () => {
    lake = await startTestLake({ seed: SEED_PATH })
    const serverOptions = typeof options === 'function' ? await options(lake) : options
    server = await startDeliveryServer({ ...serverOptions, client: lake.anonymousClient, port: 0 })
    t.current = { lake, server }
  })
  test.after(async () => {
    await server?.close()
    await lake?.close()
  })
  return { test, t }
}
