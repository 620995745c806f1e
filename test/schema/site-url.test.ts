// The clinic's site URL is the base of every canonical link, sitemap entry and feed link: the
// Studio's own validation (the same rules `npm run validate` runs) refuses anything but a plain
// http(s) site address where it is edited. Delivery falls back safely where it is read (see
// test/reliability/malformed-content.test.ts).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createDocumentValidator, parseNdjson, type DocumentValidator } from '../../scripts/lib/validate-documents.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const seed = parseNdjson(readFileSync(`${repo}content/production.ndjson`, 'utf8')).documents.map(
  (d) => d.document as Record<string, unknown> & { _id: string },
)
const clinic = seed.find((d) => d._id === 'clinic')!

const test = suite('schema: clinic siteUrl')
let validator: DocumentValidator
test.before(async () => {
  validator = await createDocumentValidator({ documents: seed })
})
test.after(async () => validator?.close())

async function siteUrlErrors(siteUrl: unknown): Promise<string[]> {
  const problems = await validator.validate([{ ...clinic, siteUrl }])
  return problems.filter((p) => p.level === 'error' && p.path === 'siteUrl').map((p) => p.message)
}

test('http(s) site addresses are accepted', async () => {
  for (const ok of ['https://dynamic-pt-wellness.example', 'http://clinic.example/', 'https://clinic.example/pt']) {
    assert.equal(await siteUrlErrors(ok), [], ok)
  }
})

test('anything else is refused with a message saying what to fix', async () => {
  const cases: Array<[unknown, RegExp]> = [
    ['javascript:alert(1)', /not "javascript:"/],
    ['ftp://clinic.example', /not "ftp:"/],
    ['mailto:hello@clinic.example', /not "mailto:"/],
    ['clinic.example', /not a complete link address/],
    ['https://user:secret@clinic.example', /user name and password/],
    ['https://clinic.example/?utm=1', /without "\?\.\.\." or "#\.\.\."/],
    [42, /web address/],
  ]
  for (const [value, message] of cases) {
    const errors = await siteUrlErrors(value)
    assert.ok(errors.length > 0, `${JSON.stringify(value)} is refused`)
    assert.match(errors.join(' | '), message, JSON.stringify(value))
  }
})

test.run()
