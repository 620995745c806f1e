/**
 * The preamble of a suite that runs against one throwaway lake, and the way such suites expect a
 * client call to fail.
 *
 *   const { test, t, raw } = lakeSuite('lake: content releases')
 *   const err = await failure(t.client.releases.publish({ releaseId: 'x' }))
 *   assert.is(err.statusCode, 409)
 */
import type { ClientConfig, SanityClient } from '@sanity/client'
import { suite, type Test } from 'uvu'
import { startTestLake, type TestLake, type TestLakeOptions } from './lake.js'

/** What @sanity/client rejects with on an HTTP error (the fields these tests read). */
export interface ClientFailure {
  statusCode: number
  message: string
  response?: { body?: { error?: { items?: Array<{ error: Record<string, unknown> }> } } }
}

/** The error `promise` rejects with (as `E`: the fields a test reads); throws when it resolves instead. */
export async function failure<E = ClientFailure>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise
  } catch (err) {
    return err as E
  }
  throw new Error('expected the request to fail')
}

/** The suite's lake: started in the suite's `before` hook, so read only inside tests. */
export class SuiteLake implements Omit<TestLake, 'close'> {
  current: TestLake | undefined
  private get started(): TestLake {
    if (!this.current) throw new Error("the suite's lake is started in its before hook: use it inside tests")
    return this.current
  }
  get lake() {
    return this.started.lake
  }
  get client() {
    return this.started.client
  }
  get anonymousClient() {
    return this.started.anonymousClient
  }
  get token() {
    return this.started.token
  }
  get httpUrl() {
    return this.started.httpUrl
  }
  get httpsUrl() {
    return this.started.httpsUrl
  }
  get projectId() {
    return this.started.projectId
  }
  get dataset() {
    return this.started.dataset
  }
  get dataDir() {
    return this.started.dataDir
  }
  makeClient(config?: Partial<ClientConfig>): SanityClient {
    return this.started.makeClient(config)
  }
}

/** A uvu suite with a fresh lake started before its tests and closed after them. */
export function lakeSuite(
  name: string,
  options?: TestLakeOptions,
): { test: Test; t: SuiteLake; raw: (id: string) => ReturnType<SanityClient['getDocument']> } {
  const test = suite(name)
  const t = new SuiteLake()
  test.before(async () => {
    t.current = await startTestLake(options)
  })
  test.after(async () => {
    await t.current?.close()
  })
  return { test, t, raw: (id) => t.client.getDocument(id) }
}
