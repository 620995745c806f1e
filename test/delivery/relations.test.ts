// One source of truth for FAQ and care-instruction relations: a FAQ or care instruction points at
// its treatment, and the treatment's page and API list what points at it, in the editor's order.
// This is what "FAQ about this treatment" in the Studio creates (a FAQ with `treatments[]` set).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startDeliveryServer, type DeliveryServer } from '../../delivery/http/server.js'
import { startTestLake, type TestLake } from '../helpers/lake.js'
import { SEED_PATH, seedFacts, slugOf } from './_seed.js'
import { waitUntil } from '../helpers/wait.js'

const seed = seedFacts()
const test = suite('delivery: relations held by the FAQ and the care instruction')
let t: TestLake
let server: DeliveryServer

test.before(async () => {
  t = await startTestLake({ seed: SEED_PATH })
  server = await startDeliveryServer({ client: t.client, port: 0, host: '127.0.0.1' })
})
test.after(async () => {
  await server.close()
  await t.close()
})

const eventually = (check: () => Promise<boolean>, what: string) => waitUntil(check, 10_000, what)

test('a new FAQ that points at a treatment shows on its page and API, in display order', async () => {
  const slug = slugOf(seed.treatment)
  const before = (await (await fetch(`${server.url}/api/v1/treatments/${slug}`)).json()) as {
    data: { faqs: Array<{ _id: string; order: number | null }> }
  }
  const count = before.data.faqs.length
  assert.ok(count > 0, 'the seed treatment has FAQs')
  await t.client.create({
    _id: 'faq-dry-needling-insurance',
    _type: 'faq',
    question: 'Does insurance cover dry needling?',
    answer: [
      {
        _key: 'a',
        _type: 'block',
        style: 'normal',
        markDefs: [],
        children: [{ _key: 's', _type: 'span', marks: [], text: 'Ask your plan; many cover it.' }],
      },
    ],
    treatments: [{ _key: 't', _type: 'reference', _ref: seed.treatment._id }],
    order: 0,
  })
  await eventually(async () => {
    const body = (await (await fetch(`${server.url}/api/v1/treatments/${slug}`)).json()) as typeof before
    return body.data.faqs.length === count + 1
  }, 'the new FAQ in the treatment API')
  const after = (await (await fetch(`${server.url}/api/v1/treatments/${slug}`)).json()) as typeof before
  assert.is(after.data.faqs[0]?._id, 'faq-dry-needling-insurance', 'order 0 comes first')
  const orders = after.data.faqs.map((f) => f.order ?? 0)
  assert.equal(
    orders,
    [...orders].sort((a, b) => a - b),
  )
  const page = await (await fetch(`${server.url}/treatments/${slug}`)).text()
  assert.ok(page.includes('Does insurance cover dry needling?'), 'the treatment page shows the new FAQ')
})

test('a care instruction that points at a treatment shows on its page and API', async () => {
  const slug = slugOf(seed.treatment)
  await t.client.create({
    _id: 'careInstruction-dry-needling-exercise',
    _type: 'careInstruction',
    title: 'Exercise after dry needling',
    treatment: { _type: 'reference', _ref: seed.treatment._id },
    phase: 'after',
    steps: [{ _key: 's1', _type: 'careStep', instruction: 'Walk gently for ten minutes.' }],
  })
  await eventually(async () => {
    const body = (await (await fetch(`${server.url}/api/v1/treatments/${slug}`)).json()) as {
      data: { careInstructions: Array<{ _id: string }> }
    }
    return body.data.careInstructions.some((c) => c._id === 'careInstruction-dry-needling-exercise')
  }, 'the new care instruction in the treatment API')
  const page = await (await fetch(`${server.url}/treatments/${slug}`)).text()
  assert.ok(page.includes('Exercise after dry needling'), 'the treatment page shows it')
})

test.run()
