// Partner mode (EHR_ACCESS=partner): the EHR interfaces answer only partners with an active API
// key, issued the way `npm run partner` issues them; open mode answers anyone.
import * as assert from 'uvu/assert'
import { EhrConfigError, ehrAccessFromEnv, partnerAccess } from '../../delivery/ehr/access.js'
import { createPartner } from '../../delivery/syndication/admin.js'
import { revokeCredential } from '../../delivery/syndication/partners.js'
import { deliverySuite } from '../helpers/delivery-suite.js'

const ICD10 = '2.16.840.1.113883.6.90'
let key = ''
let keyId = ''
const { test, t } = deliverySuite('ehr: partner keys or open access', async (lake) => {
  const partner = await createPartner(lake.client, {
    name: 'Lakeside EHR Clinic',
    siteUrl: 'https://lakeside.example',
    allowedCategories: [],
  })
  key = partner.apiKey
  keyId = partner.apiKeyId
  return { ehr: partnerAccess(lake.client) }
})

const infobutton = `/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=${ICD10}&knowledgeResponseType=application/json`

test('without a key: 401 saying how to send one; with the key in the URL or a header: 200', async () => {
  const denied = await fetch(t.server.url + infobutton)
  assert.is(denied.status, 401)
  assert.match(await denied.text(), /holder\.assignedEntity\.certificateText/)
  const inUrl = await fetch(
    `${t.server.url}${infobutton}&holder.assignedEntity.certificateText=${encodeURIComponent(key)}`,
  )
  assert.is(inUrl.status, 200)
  assert.is(inUrl.headers.get('cache-control'), 'private, no-store', 'partner answers are not shared-cached')
  const fhir = await fetch(`${t.server.url}/fhir/r4/DocumentReference?code=M54.2`, {
    headers: { authorization: `Bearer ${key}` },
  })
  assert.is(fhir.status, 200)
  const fhirDenied = await fetch(`${t.server.url}/fhir/r4/DocumentReference?code=M54.2`, {
    headers: { authorization: 'Bearer dptk_nope' },
  })
  assert.is(fhirDenied.status, 401)
  const outcome = (await fhirDenied.json()) as { resourceType: string; issue: Array<{ code: string }> }
  assert.is(outcome.resourceType, 'OperationOutcome')
  assert.is(outcome.issue[0]!.code, 'login')
  assert.is((await fetch(`${t.server.url}/fhir/r4/metadata`)).status, 200, 'the CapabilityStatement stays readable')
})

test('a revoked key is refused on the very next request', async () => {
  await revokeCredential(t.lake.client, keyId)
  const got = await fetch(
    `${t.server.url}${infobutton}&holder.assignedEntity.certificateText=${encodeURIComponent(key)}`,
  )
  assert.is(got.status, 401)
  assert.match(await got.text(), /revoked/)
})

test('EHR_ACCESS: open by default, partner needs a token, anything else is refused', () => {
  assert.is(ehrAccessFromEnv(t.lake.anonymousClient, {}).mode, 'open')
  assert.is(ehrAccessFromEnv(t.lake.anonymousClient, { EHR_ACCESS: 'partner', SANITY_API_TOKEN: 't' }).mode, 'partner')
  assert.throws(
    () => ehrAccessFromEnv(t.lake.anonymousClient, { EHR_ACCESS: 'partner' }),
    (e: unknown) => e instanceof EhrConfigError && /SYNDICATION_TOKEN/.test(String(e)),
  )
  assert.throws(() => ehrAccessFromEnv(t.lake.anonymousClient, { EHR_ACCESS: 'closed' }), /open or partner/)
})

test.run()
