import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  articleJsonLd,
  conditionPageJsonLd,
  faqPageJsonLd,
  howToJsonLd,
  jsonLdScriptTag,
  medicalClinicJsonLd,
  medicalConditionJsonLd,
  medicalTherapyJsonLd,
  scholarlyArticleJsonLd,
  serializeJsonLd,
  treatmentPageJsonLd,
  type JsonLdObject,
} from '../../delivery/render/index.js'
import { article, clinic, condition, paragraph, treatment } from './fixtures.js'

const j = suite('JSON-LD')
const images = { projectId: 'local', dataset: 'production', baseUrl: 'http://127.0.0.1:3333' }

j('the clinic is a MedicalClinic and Organization with address, contact and booking action', () => {
  const node = medicalClinicJsonLd(clinic)
  assert.equal(node['@type'], ['MedicalClinic', 'Organization'])
  assert.is(node['@id'], 'https://www.dynamicptwellness.example/#organization')
  assert.is(node.url, 'https://www.dynamicptwellness.example/')
  assert.equal(node.address, {
    '@type': 'PostalAddress',
    streetAddress: '100 Main Street',
    addressLocality: 'Springfield',
    addressRegion: 'IL',
    postalCode: '62701',
    addressCountry: 'US',
  })
  assert.equal(node.potentialAction, {
    '@type': 'ReserveAction',
    name: 'Book an appointment',
    target: 'https://www.dynamicptwellness.example/book',
  })
  assert.not.ok('potentialAction' in medicalClinicJsonLd({ ...clinic, bookingUrl: 'javascript:alert(1)' }))
  assert.throws(() => medicalClinicJsonLd({ ...clinic, name: '' }), /clinic\.name is missing/)
})

j('an article is a MedicalWebPage with dates, reviewer, author, about, citations, publisher, image', () => {
  const page = articleJsonLd(article, clinic, { images })
  assert.is(page['@type'], 'MedicalWebPage')
  assert.is(page.lastReviewed, '2024-05-20')
  assert.is(page.datePublished, '2023-03-14T15:00:00Z')
  assert.is(page.dateModified, '2024-06-02T09:30:00Z')
  assert.equal(page.reviewedBy, {
    '@type': 'Person',
    name: 'Jordan Reyes',
    jobTitle: 'Clinical Director',
    honorificSuffix: 'PT, DPT, OCS',
    worksFor: { '@id': 'https://www.dynamicptwellness.example/#organization' },
  })
  assert.is((page.author as JsonLdObject).name, 'Kellie Gomia')
  assert.is(page.description, article.seo!.metaDescription)
  const about = page.about as JsonLdObject[]
  assert.equal(
    about.map((a) => a['@type']),
    ['MedicalCondition', 'MedicalTherapy'],
  )
  assert.equal(about[0]!.code, [{ '@type': 'MedicalCode', code: 'M77.10', codingSystem: 'ICD-10-CM' }])
  const image = page.image as JsonLdObject
  assert.equal([image.width, image.height], [2000, 1333])
  assert.match(String(image.url), /^http:\/\/127\.0\.0\.1:3333\/images\/local\/production\//)
  assert.is((page.publisher as JsonLdObject).name, clinic.name)
  assert.is(articleJsonLd(article, clinic).image, undefined, 'no image without an image config')
  // empty values are left out, not emitted as null/""
  const bare = articleJsonLd({ title: 'T', slug: 't' }, clinic)
  assert.equal(Object.keys(bare).sort(), [
    '@context',
    '@id',
    '@type',
    'headline',
    'inLanguage',
    'isPartOf',
    'medicalAudience',
    'name',
    'publisher',
    'url',
  ])
  assert.throws(() => articleJsonLd({ title: 'T' }, clinic), /has no valid slug/)
})

j('citations are ScholarlyArticles identified by DOI and PMID', () => {
  const c = scholarlyArticleJsonLd(article.citations![0]!)!
  assert.is(c.sameAs, 'https://doi.org/10.2519/jospt.2017.7096')
  assert.equal(c.identifier, [
    { '@type': 'PropertyValue', propertyID: 'DOI', value: '10.2519/jospt.2017.7096' },
    { '@type': 'PropertyValue', propertyID: 'PMID', value: '28158962' },
  ])
  assert.equal(c.author, [
    { '@type': 'Person', name: 'Gattie E' },
    { '@type': 'Person', name: 'Cleland JA' },
    { '@type': 'Person', name: 'Snodgrass S' },
  ])
  assert.is(c.datePublished, '2017')
  assert.is(c.pagination, '133-149')
  // a DOI given as a URL or with a doi: prefix is normalised; a non-DOI is not linked
  assert.is(
    scholarlyArticleJsonLd({ title: 'x', doi: 'https://doi.org/10.1000/abc' })!.sameAs,
    'https://doi.org/10.1000/abc',
  )
  assert.is(scholarlyArticleJsonLd({ title: 'x', doi: 'doi:10.1000/abc' })!.sameAs, 'https://doi.org/10.1000/abc')
  assert.is(scholarlyArticleJsonLd({ title: 'x', doi: 'javascript:alert(1)' })!.sameAs, undefined)
  assert.is(scholarlyArticleJsonLd({}), undefined)
})

j('FAQPage: questions in order with plain-text answers; FAQs without answers are left out', () => {
  const faq = faqPageJsonLd([...article.faqs!, { question: 'Empty?', answer: [] }], 'https://x.example/a')!
  assert.is(faq['@type'], 'FAQPage')
  const questions = faq.mainEntity as JsonLdObject[]
  assert.equal(
    questions.map((q) => q.name),
    [
      'Are the needles sterile?',
      'Is the procedure painful?',
      'Are other treatments received in conjunction with Integrative Dry Needling?',
    ],
  )
  assert.equal(questions[0]!.acceptedAnswer, {
    '@type': 'Answer',
    text: 'Yes, only sterile, disposable needles are used.',
  })
  assert.is(faqPageJsonLd([]), undefined)
})

j('HowTo: numbered steps with their timing, phase and when to call the therapist', () => {
  const howTo = howToJsonLd(article.careInstructions![1]!)!
  assert.is(howTo['@type'], 'HowTo')
  assert.is(howTo.name, 'What should I do to prepare for the treatment?')
  assert.equal(howTo.step, [
    {
      '@type': 'HowToStep',
      position: 1,
      name: 'Do not eat 30 minutes before treatment',
      text: 'Do not eat 30 minutes before treatment (30 minutes before)',
    },
    {
      '@type': 'HowToStep',
      position: 2,
      name: 'Be well hydrated, but empty your bladder prior to treatment',
      text: 'Be well hydrated, but empty your bladder prior to treatment',
    },
    {
      '@type': 'HowToStep',
      position: 3,
      name: 'Wear loose fitting clothing, shorts or bathing suit to allow access your painful areas',
      text: 'Wear loose fitting clothing, shorts or bathing suit to allow access your painful areas',
    },
  ])
  assert.is(howTo.description, 'Before your Integrative Dry Needling session.')
  assert.match(
    String(howToJsonLd(article.careInstructions![0]!)!.description),
    /Contact your physical therapist if: your symptoms/,
  )
  assert.is(howToJsonLd({ title: 'no steps', steps: [] }), undefined)
})

j('MedicalCondition has ICD-10-CM codes, other names, symptoms, anatomy and treatments', () => {
  const c = medicalConditionJsonLd(condition, clinic)
  assert.is(c['@type'], 'MedicalCondition')
  assert.equal(c.code, [
    { '@type': 'MedicalCode', code: 'M77.10', codingSystem: 'ICD-10-CM' },
    { '@type': 'MedicalCode', code: 'M77.11', codingSystem: 'ICD-10-CM' },
  ])
  assert.equal(c.alternateName, ['Lateral epicondylitis'])
  assert.equal(c.associatedAnatomy, { '@type': 'AnatomicalStructure', name: 'Arm and elbow' })
  assert.equal(c.signOrSymptom, [
    { '@type': 'MedicalSymptom', name: 'Pain on the outside of the elbow' },
    { '@type': 'MedicalSymptom', name: 'Weak grip' },
  ])
  assert.equal(c.possibleTreatment, [
    {
      '@type': 'MedicalTherapy',
      name: 'Integrative Dry Needling',
      url: 'https://www.dynamicptwellness.example/treatments/integrative-dry-needling',
    },
  ])
  const page = conditionPageJsonLd(condition, clinic)
  assert.is(
    (page.mainEntity as JsonLdObject)['@id'],
    'https://www.dynamicptwellness.example/conditions/tennis-elbow#condition',
  )
})

j('MedicalTherapy: side effects, before-care as preparation, after-care as followup', () => {
  const t = medicalTherapyJsonLd(treatment, clinic)
  assert.is(t['@type'], 'MedicalTherapy')
  assert.equal(t.adverseOutcome, [
    { '@type': 'MedicalEntity', name: 'Soreness for 24-48 hours' },
    { '@type': 'MedicalEntity', name: 'Mild bruising' },
  ])
  assert.match(
    String(t.preparation),
    /^What should I do to prepare for the treatment\? Do not eat 30 minutes before treatment \(30 minutes before\);/,
  )
  assert.match(String(t.followup), /Ice can help if bruising results/)
  assert.is(t.howPerformed, 'A twitch response is normal and may be felt momentarily.')
  const page = treatmentPageJsonLd({ ...treatment, whatToExpect: [paragraph('x')] }, clinic)
  assert.equal(
    (page.hasPart as JsonLdObject[]).map((p) => p['@type']),
    ['FAQPage', 'HowTo', 'HowTo'],
  )
})

j('serialisation escapes <, >, &, U+2028 and U+2029 and round-trips', () => {
  const data: JsonLdObject = { '@type': 'Thing', name: '</script><!-- a & b > c \u2028\u2029' }
  const text = serializeJsonLd(data)
  assert.is(text, '{"@type":"Thing","name":"\\u003c/script\\u003e\\u003c!-- a \\u0026 b \\u003e c \\u2028\\u2029"}')
  assert.equal(JSON.parse(text), data)
  assert.is(jsonLdScriptTag(data), `<script type="application/ld+json">${text}</script>`)
})

j.run()
