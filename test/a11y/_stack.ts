// The delivery stack the accessibility and security-header tests check, in process: a seeded lake,
// generated documents that use every shape the renderers know (each block style, list type and
// level, mark, annotation, callout tone, citation form, image with and without caption, condition
// aspect, care phase), and the delivery server with partner syndication mounted, so every HTML
// output (home, pages, 404 pages, the docs page, the embed page, the syndicated article's HTML)
// answers on one origin.
import type { SanityClient } from '@sanity/client'
import sharp from 'sharp'
import { createPartner, type CreatedPartner } from '../../delivery/syndication/admin.js'
import type { DeliveryServer } from '../../delivery/http/server.js'
import { SEED_PATH, loadSeed, slugOf } from '../delivery/_seed.js'
import { startTestLake, type TestLake } from '../helpers/lake.js'
import { startSyndicatedServer } from '../helpers/syndicated-server.js'

export const SEED_CATEGORY = 'category-treatments'

export interface Stack {
  lake: TestLake
  server: DeliveryServer
  partner: CreatedPartner
  /** `Authorization` header of the partner's API key. */
  partnerKey: Record<string, string>
  /** Slugs of the seed's and the generated documents, per type. */
  slugs: { article: string[]; condition: string[]; treatment: string[] }
  /** Slugs of the generated "every shape" documents. */
  generated: { article: string; condition: string; treatment: string }
  close(): Promise<void>
}

let counter = 0
const key = (prefix: string) => `${prefix}${++counter}`
const span = (text: string, marks: string[] = []) => ({ _type: 'span', _key: key('s'), text, marks })
const block = (children: ReturnType<typeof span>[], extra: Record<string, unknown> = {}) => ({
  _type: 'block',
  _key: key('b'),
  style: 'normal',
  markDefs: [],
  children,
  ...extra,
})
const text = (t: string, extra: Record<string, unknown> = {}) => block([span(t)], extra)
const ref = (id: string) => ({ _type: 'reference', _ref: id })
const keyedRef = (id: string) => ({ _type: 'reference', _ref: id, _key: key('r') })

/** A PNG of one colour: the lake stores it and serves it (and its transformed variants). */
async function uploadImage(client: SanityClient, name: string, colour: string): Promise<string> {
  const png = await sharp({ create: { width: 640, height: 400, channels: 3, background: colour } })
    .png()
    .toBuffer()
  const asset = await client.assets.upload('image', png, { filename: `${name}.png` })
  return asset._id
}

const image = (assetId: string, alt: string, caption?: string) => ({
  _type: 'accessibleImage',
  _key: key('i'),
  asset: ref(assetId),
  alt,
  ...(caption ? { caption } : {}),
})

/** Every block style, list shape, mark, annotation, callout tone and image form, in one body. */
function everyShapeBody(assetId: string, conditionId: string, articleId: string): Record<string, unknown>[] {
  const link = key('link')
  const mail = key('mail')
  const tel = key('tel')
  const internalCondition = key('int')
  const internalArticle = key('int')
  const internalMissing = key('int')
  const cite1 = key('cite')
  const cite2 = key('cite')
  const citeMissing = key('cite')
  return [
    text('Start with gentle movement. Most back pain gets better in a few weeks.'),
    block(
      [
        span('Plain text, '),
        span('strong text', ['strong']),
        span(', '),
        span('emphasised text', ['em']),
        span(', '),
        span('both at once', ['strong', 'em']),
        span(', an '),
        span('outside link', [link]),
        span(', an '),
        span('e-mail link', [mail]),
        span(' and a '),
        span('phone link', [tel, 'strong']),
        span('.'),
      ],
      {
        markDefs: [
          { _type: 'link', _key: link, href: 'https://www.nih.gov/health-information' },
          { _type: 'link', _key: mail, href: 'mailto:hello@dynamic-pt-wellness.example' },
          { _type: 'link', _key: tel, href: 'tel:+15550102030' },
        ],
      },
    ),
    block(
      [
        span('Read about '),
        span('a condition', [internalCondition]),
        span(', '),
        span('another article', [internalArticle, 'em']),
        span(' and '),
        span('a page that is gone', [internalMissing]),
        span('. Exercise helps '),
        span('(1)', [cite1]),
        span(', and so does sleep '),
        span('(2)', [cite2]),
        span('; a citation that is not listed '),
        span('(3)', [citeMissing]),
        span('.'),
      ],
      {
        markDefs: [
          { _type: 'internalLink', _key: internalCondition, reference: ref(conditionId) },
          { _type: 'internalLink', _key: internalArticle, reference: ref(articleId) },
          { _type: 'internalLink', _key: internalMissing, reference: ref('condition-does-not-exist') },
          { _type: 'citationRef', _key: cite1, citationKey: 'cit-doi' },
          { _type: 'citationRef', _key: cite2, citationKey: 'cit-url' },
          { _type: 'citationRef', _key: citeMissing, citationKey: 'cit-missing' },
        ],
      },
    ),
    text('A second-level heading', { style: 'h2' }),
    text('A third-level heading', { style: 'h3' }),
    text('Rest is not always best. Keep moving as much as you can.', { style: 'blockquote' }),
    text('Bullet one', { listItem: 'bullet', level: 1 }),
    text('Bullet one, nested', { listItem: 'bullet', level: 2 }),
    text('Bullet one, nested twice', { listItem: 'bullet', level: 3 }),
    text('Bullet two', { listItem: 'bullet', level: 1 }),
    text('Paragraph between the lists.'),
    text('Step one', { listItem: 'number', level: 1 }),
    text('Step one, part a', { listItem: 'number', level: 2 }),
    text('Step two', { listItem: 'number', level: 1 }),
    text('Mixed: a bullet inside a numbered list', { listItem: 'bullet', level: 2 }),
    block([span('A list item with '), span('strong', ['strong']), span(' words')], { listItem: 'bullet', level: 1 }),
    text('Heading after a list', { style: 'h2' }),
    {
      _type: 'callout',
      _key: key('c'),
      tone: 'info',
      title: 'Good to know',
      body: [text('An information callout with a title.')],
    },
    {
      _type: 'callout',
      _key: key('c'),
      tone: 'tip',
      body: [text('A tip without a title.'), text('Its second paragraph.', { listItem: 'bullet', level: 1 })],
    },
    {
      _type: 'callout',
      _key: key('c'),
      tone: 'warning',
      title: 'Call us if',
      body: [text('The pain spreads down your leg.', { listItem: 'number', level: 1 })],
    },
    { _type: 'callout', _key: key('c'), body: [text('A callout with no tone set.')] },
    image(assetId, 'A therapist guiding a patient through a knee bend', 'A figure with a caption.'),
    image(assetId, 'The same exercise seen from the side'),
    text('The last paragraph.'),
  ]
}

/** Documents that, with the seed, use every shape of every type; all published. */
async function writeEveryShape(client: SanityClient): Promise<Stack['generated']> {
  const photo = await uploadImage(client, 'photo', '#3a6ea5')
  const hero = await uploadImage(client, 'hero', '#2d7a46')
  const seed = loadSeed()
  const seedArticle = seed.find((d) => d._type === 'article')!
  const reviewer = {
    _id: 'clinician-a11y-reviewer',
    _type: 'clinician',
    name: 'Jordan Reyes',
    handle: 'jordanreyes',
    slug: { _type: 'slug', current: 'jordan-reyes' },
    role: 'Clinical Director',
    credentials: ['PT', 'DPT', 'OCS'],
    certifications: ['Orthopaedic Clinical Specialist'],
    bio: [text('Jordan leads the clinical team.')],
    photo: { _type: 'accessibleImage', asset: ref(photo), alt: 'Jordan Reyes' },
  }
  const condition = {
    _id: 'condition-a11y-every-shape',
    _type: 'condition',
    name: 'Every shape condition',
    slug: { _type: 'slug', current: 'every-shape-condition' },
    alsoCalled: ['All sections condition', 'Test condition'],
    bodyRegion: 'lower-back',
    summary: 'A condition with every section, symptom list and code.',
    symptoms: ['Pain when you bend', 'Stiffness in the morning'],
    icd10Codes: ['M54.50', 'M54.59'],
    treatments: [keyedRef('treatment-a11y-every-shape')],
    sections: ['overview', 'symptoms', 'causes', 'treatments', 'self-care'].map((aspect) => ({
      _type: 'conditionSection',
      _key: key('sec'),
      aspect,
      body: [text(`About ${aspect}.`), text(`A point on ${aspect}`, { listItem: 'bullet', level: 1 })],
    })),
  }
  const careBefore = {
    _id: 'careInstruction-a11y-before',
    _type: 'careInstruction',
    title: 'Before your visit',
    slug: { _type: 'slug', current: 'before-every-shape' },
    treatment: ref('treatment-a11y-every-shape'),
    phase: 'before',
    steps: [
      { _type: 'careStep', _key: key('st'), instruction: 'Wear loose clothes', timing: 'on the day' },
      { _type: 'careStep', _key: key('st'), instruction: 'Drink water' },
    ],
  }
  const careAfter = {
    ...careBefore,
    _id: 'careInstruction-a11y-after',
    title: 'After your visit',
    slug: { _type: 'slug', current: 'after-every-shape' },
    phase: 'after',
    contactTherapistWhen: 'the pain is worse after two days.',
  }
  const faq = {
    _id: 'faq-a11y-every-shape',
    _type: 'faq',
    question: 'Does it hurt?',
    answer: [text('It may feel sore for a day.'), text('Ice helps.', { listItem: 'bullet', level: 1 })],
    treatments: [keyedRef('treatment-a11y-every-shape')],
    conditions: [keyedRef('condition-a11y-every-shape')],
    order: 1,
  }
  const treatment = {
    _id: 'treatment-a11y-every-shape',
    _type: 'treatment',
    name: 'Every shape treatment',
    slug: { _type: 'slug', current: 'every-shape-treatment' },
    summary: 'A treatment with every field filled in.',
    howItWorks: [text('It works step by step.'), text('Step one', { listItem: 'number', level: 1 })],
    differsFrom: [
      {
        _type: 'treatmentComparison',
        _key: key('d'),
        comparedTo: 'Massage',
        difference: 'It targets one muscle.',
      },
      { _type: 'treatmentComparison', _key: key('d'), comparedTo: 'Rest', difference: 'It keeps you moving.' },
    ],
    whoMayPerform: 'Physical therapists with training.',
    whatToExpect: [text('You lie on a table.', { style: 'normal' })],
    sideEffects: ['Soreness', 'Bruising'],
    complementaryTreatments: ['Exercise', 'Manual therapy'],
    conditions: [keyedRef(condition._id)],
    faqs: [keyedRef(faq._id)],
    careInstructions: [keyedRef(careBefore._id), keyedRef(careAfter._id)],
  }
  const article = {
    _id: 'article-a11y-every-shape',
    _type: 'article',
    title: 'Every shape article',
    slug: { _type: 'slug', current: 'every-shape-article' },
    excerpt: 'An article that uses every block, mark, callout, citation, image and list.',
    heroImage: {
      _type: 'accessibleImage',
      asset: ref(hero),
      alt: 'A patient stretching on a mat',
      caption: 'The hero image, with a caption.',
    },
    body: everyShapeBody(photo, condition._id, seedArticle._id),
    author: ref('clinician-kelliegomia'),
    medicalReviewer: ref(reviewer._id),
    publishedAt: '2026-02-01T10:00:00Z',
    lastReviewed: '2026-02-01',
    nextReviewDue: '2027-02-01',
    categories: [keyedRef(SEED_CATEGORY)],
    conditions: [keyedRef(condition._id)],
    treatments: [keyedRef(treatment._id)],
    faqs: [keyedRef(faq._id)],
    careInstructions: [keyedRef(careBefore._id), keyedRef(careAfter._id)],
    citations: [
      {
        _type: 'citation',
        _key: 'cit-doi',
        authors: ['Gattie E', 'Cleland JA', 'Snodgrass S'],
        title: 'A journal article with a DOI and a PMID',
        journal: 'J Orthop Sports Phys Ther',
        year: 2017,
        volume: '47',
        issue: '3',
        pages: '133-149',
        doi: '10.2519/jospt.2017.7096',
        pmid: '28158962',
      },
      {
        _type: 'citation',
        _key: 'cit-url',
        authors: ['National Institutes of Health'],
        title: 'A web page cited by its address',
        year: 2024,
        url: 'https://www.nih.gov/health-information',
      },
      { _type: 'citation', _key: 'cit-bare', title: 'A citation with a title only' },
    ],
    callToAction: {
      _type: 'callToAction',
      heading: 'Ready to move again?',
      text: 'Book a visit with one of our therapists.',
      buttonLabel: 'Book a visit',
      url: 'https://dynamic-pt-wellness.example/book',
    },
    seo: { _type: 'seo', metaTitle: 'Every shape', metaDescription: 'Every shape of content.' },
    syndication: { _type: 'syndicationSettings', allowed: true },
  }
  // An article with nothing optional: no hero, no reviewer, no relations, no citations.
  const minimal = {
    _id: 'article-a11y-minimal',
    _type: 'article',
    title: 'A short article',
    slug: { _type: 'slug', current: 'short-article' },
    body: [text('One short paragraph.')],
    author: ref('clinician-kelliegomia'),
    publishedAt: '2026-01-15T10:00:00Z',
    categories: [keyedRef(SEED_CATEGORY)],
    syndication: { _type: 'syndicationSettings', allowed: true },
  }
  const tx = client.transaction()
  const docs: Array<{ _id: string; _type: string } & Record<string, unknown>> = [
    reviewer,
    condition,
    careBefore,
    careAfter,
    faq,
    treatment,
    article,
    minimal,
  ]
  for (const doc of docs) tx.createOrReplace(doc)
  await tx.commit()
  return { article: 'every-shape-article', condition: 'every-shape-condition', treatment: 'every-shape-treatment' }
}

/** Starts the stack; `close()` in an `after` hook. */
export async function startStack(): Promise<Stack> {
  const lake = await startTestLake({ seed: SEED_PATH })
  let server: DeliveryServer | null = null
  try {
    const editor = lake.makeClient({ perspective: 'raw' })
    const generated = await writeEveryShape(editor)
    const partner = await createPartner(editor, {
      name: 'Accessibility Partner',
      siteUrl: 'https://partner.example',
      allowedCategories: [SEED_CATEGORY],
      status: 'active',
    })
    server = await startSyndicatedServer(lake, { worker: false })
    const seed = loadSeed()
    const seedSlugs = (type: string) => seed.filter((d) => d._type === type && d.slug).map(slugOf)
    const running = server
    return {
      lake,
      server: running,
      partner,
      partnerKey: { authorization: `Bearer ${partner.apiKey}` },
      slugs: {
        article: [...seedSlugs('article'), generated.article, 'short-article'],
        condition: [...seedSlugs('condition'), generated.condition],
        treatment: [...seedSlugs('treatment'), generated.treatment],
      },
      generated,
      async close() {
        await running.close()
        await lake.close()
      },
    }
  } catch (error) {
    await server?.close()
    await lake.close()
    throw error
  }
}
