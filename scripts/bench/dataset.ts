// The synthetic clinic dataset: documents of the content model (docs/content-model.md), generated
// deterministically from a seed at any size. Every id starts with `synthetic-` and every title or
// name says "Synthetic", so generated content can never pass for the clinic's real content.
//
// Mix (of `size` documents, the clinic singleton included): 1% categories, 2% clinicians,
// 9% conditions, 6% treatments, 11% FAQs, 5% care instructions, and the rest articles (about 60%)
// plus drafts (10% of the articles: most are drafts of published articles, one in five a
// draft-only article). Articles have 10-30 Portable Text blocks with marks, links, internal links
// and citation references. About 3% of articles have no `publishedAt`, and `publishedAt` is at
// minute resolution so ties happen (stable ordering matters).
import { createRandom, type Random } from './random.js'
import { BODY_REGION_VALUES } from '../../model/values.js'
import {
  CERTIFICATIONS,
  CONDITION_WORDS,
  CREDENTIALS,
  JOURNALS,
  ROLES,
  TREATMENT_WORDS,
  TextMaker,
  slugify,
} from './synthetic-text.js'

/** A generated document, as it appears on one NDJSON line. */
export interface GeneratedDocument {
  _id: string
  _type: string
  [field: string]: unknown
}

export interface DatasetOptions {
  /** Number of documents (NDJSON lines), at least 10. */
  size: number
  /** Any string or number; the same seed and size always give the same documents. */
  seed?: string | number
}

export interface DatasetCounts {
  clinic: number
  category: number
  clinician: number
  condition: number
  treatment: number
  faq: number
  careInstruction: number
  article: number
  /** Drafts (`drafts.` ids) of articles, included in `size`. */
  draft: number
}

export const MIN_DATASET_SIZE = 10

/** How `size` documents split over the types (they always add up to `size`). */
export function datasetCounts(size: number): DatasetCounts {
  if (!Number.isInteger(size) || size < MIN_DATASET_SIZE) {
    throw new RangeError(
      `dataset size must be an integer of at least ${MIN_DATASET_SIZE} (got ${String(size)}): ` +
        'pass e.g. --size 1000',
    )
  }
  const share = (p: number): number => Math.max(1, Math.round(size * p))
  const counts = {
    clinic: 1,
    category: share(0.01),
    clinician: share(0.02),
    condition: share(0.09),
    treatment: share(0.06),
    faq: share(0.11),
    careInstruction: share(0.05),
  }
  const others = Object.values(counts).reduce((a, b) => a + b, 0)
  const rest = size - others
  const article = Math.max(1, Math.round(rest / 1.1))
  return { ...counts, article, draft: rest - article }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
const pad = (n: number): string => String(n).padStart(6, '0')
export const syntheticId = (type: string, n: number): string => `synthetic-${type}-${pad(n)}`

const DAY = 86_400_000
const START = Date.UTC(2015, 0, 1)
const END = Date.UTC(2025, 5, 30)

interface Context {
  random: Random
  text: TextMaker
  counts: DatasetCounts
  nextKey: () => string
}

function ref(id: string, key?: string): Record<string, unknown> {
  return key ? { _key: key, _type: 'reference', _ref: id } : { _type: 'reference', _ref: id }
}

function refs(ctx: Context, type: string, total: number, min: number, max: number): Record<string, unknown>[] {
  const n = Math.min(total, ctx.random.int(min, max))
  const picked = new Set<number>()
  while (picked.size < n) picked.add(ctx.random.int(1, total))
  return [...picked].map((i) => ref(syntheticId(type, i), ctx.nextKey()))
}

function isoMinute(ms: number): string {
  return new Date(Math.floor(ms / 60_000) * 60_000).toISOString()
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

function span(ctx: Context, text: string, marks: string[] = []): Record<string, unknown> {
  return { _key: ctx.nextKey(), _type: 'span', marks, text }
}

interface BlockOptions {
  simple?: boolean
  citationKeys?: string[]
  linkTargets?: string[]
}

/** One Portable Text text block with 1-4 spans, some marked or annotated. */
function block(ctx: Context, style: string, opts: BlockOptions = {}, listItem?: string): Record<string, unknown> {
  const { random, text } = ctx
  const markDefs: Record<string, unknown>[] = []
  const children: Record<string, unknown>[] = []
  const spans = random.int(1, 3)
  for (let i = 0; i < spans; i++) {
    const marks: string[] = []
    const r = random.next()
    if (r < 0.12) marks.push('strong')
    else if (r < 0.2) marks.push('em')
    else if (r < 0.25) {
      const key = ctx.nextKey()
      markDefs.push({ _key: key, _type: 'link', href: `https://example.com/synthetic/${slugify(text.phrase(1, 3))}` })
      marks.push(key)
    } else if (r < 0.3 && opts.linkTargets && opts.linkTargets.length > 0) {
      const key = ctx.nextKey()
      markDefs.push({ _key: key, _type: 'internalLink', reference: ref(random.pick(opts.linkTargets)) })
      marks.push(key)
    }
    // One sentence of running text, then short marked phrases: bodies stay near real articles' size.
    const content = i === 0 && (style === 'normal' || listItem) ? text.sentence() : text.phrase(1, 5)
    children.push(span(ctx, i === 0 ? content : ` ${content}`, marks))
  }
  if (!opts.simple && opts.citationKeys && opts.citationKeys.length > 0 && random.chance(0.15)) {
    const key = ctx.nextKey()
    markDefs.push({ _key: key, _type: 'citationRef', citationKey: random.pick(opts.citationKeys) })
    children.push(span(ctx, ` (${random.int(1, opts.citationKeys.length)})`, [key]))
  }
  const out: Record<string, unknown> = { _key: ctx.nextKey(), _type: 'block', style, markDefs, children }
  if (listItem) {
    out.listItem = listItem
    out.level = 1
  }
  return out
}

function simpleBlocks(ctx: Context, min: number, max: number, opts: BlockOptions = {}): Record<string, unknown>[] {
  const n = ctx.random.int(min, max)
  const out: Record<string, unknown>[] = []
  for (let i = 0; i < n; i++) {
    const list = ctx.random.chance(0.2) ? ctx.random.pick(['bullet', 'number']) : undefined
    out.push(block(ctx, 'normal', { ...opts, simple: true }, list))
  }
  return out
}

/** `blockContent`: headings, paragraphs, lists, quotes and the odd callout. */
function richBlocks(ctx: Context, min: number, max: number, opts: BlockOptions = {}): Record<string, unknown>[] {
  const { random } = ctx
  const n = random.int(min, max)
  const out: Record<string, unknown>[] = []
  for (let i = 0; i < n; i++) {
    const r = random.next()
    if (r < 0.1 && i > 0) out.push(block(ctx, 'h2', opts))
    else if (r < 0.15 && i > 0) out.push(block(ctx, 'h3', opts))
    else if (r < 0.3) out.push(block(ctx, 'normal', opts, 'bullet'))
    else if (r < 0.37) out.push(block(ctx, 'normal', opts, 'number'))
    else if (r < 0.4) out.push(block(ctx, 'blockquote', opts))
    else if (r < 0.43) {
      const callout: Record<string, unknown> = {
        _key: ctx.nextKey(),
        _type: 'callout',
        tone: random.pick(['info', 'tip', 'warning']),
      }
      if (random.chance(0.5)) callout.title = ctx.text.phrase(2, 4)
      callout.body = simpleBlocks(ctx, 1, 2, { linkTargets: opts.linkTargets })
      out.push(callout)
    } else out.push(block(ctx, 'normal', opts))
  }
  return out
}

function stamp(ctx: Context, doc: GeneratedDocument): GeneratedDocument {
  const created = START + Math.floor(ctx.random.next() * (END - START))
  const updated = created + Math.floor(ctx.random.next() * 400 * DAY)
  return {
    ...doc,
    _createdAt: new Date(created).toISOString(),
    _updatedAt: new Date(Math.min(updated, END)).toISOString(),
  }
}

function clinic(ctx: Context): GeneratedDocument {
  return stamp(ctx, {
    _id: 'clinic',
    _type: 'clinic',
    name: 'Synthetic Benchmark Clinic (generated data)',
    siteUrl: 'https://example.com',
    bookingUrl: 'https://example.com/book',
    phone: '+1 555 0100',
    email: 'synthetic@example.com',
    address: {
      _type: 'postalAddress',
      street: '1 Synthetic Way',
      city: 'Testville',
      region: 'TS',
      postalCode: '00000',
      country: 'US',
    },
    medicalDisclaimer: 'Synthetic content generated for benchmarks. Not medical advice.',
    syndicationLicence: 'Synthetic licence text.',
    attributionText: 'Synthetic attribution text.',
  })
}

function category(ctx: Context, n: number): GeneratedDocument {
  const title = `Synthetic category ${n}: ${ctx.text.phrase(1, 3)}`
  return stamp(ctx, {
    _id: syntheticId('category', n),
    _type: 'category',
    title,
    slug: { _type: 'slug', current: slugify(`synthetic-category-${n}`) },
    description: ctx.text.paragraph(2),
  })
}

function clinician(ctx: Context, n: number): GeneratedDocument {
  const { random, text } = ctx
  const name = `${text.personName()} (Synthetic ${n})`
  const handle = `synthetic${n}${slugify(name).replace(/-/g, '').slice(0, 10)}`
  return stamp(ctx, {
    _id: syntheticId('clinician', n),
    _type: 'clinician',
    name,
    handle,
    slug: { _type: 'slug', current: `synthetic-clinician-${n}` },
    role: random.pick(ROLES),
    credentials: random.sample(CREDENTIALS, random.int(1, 3)),
    certifications: random.sample(CERTIFICATIONS, random.int(0, 2)),
    bio: text.paragraph(3),
  })
}

function condition(ctx: Context, n: number): GeneratedDocument {
  const { random, text, counts } = ctx
  const label = `${text.bodyWord()} ${random.pick(CONDITION_WORDS)}`
  const aspects = ['overview', 'symptoms', 'causes', 'treatments', 'self-care']
  return stamp(ctx, {
    _id: syntheticId('condition', n),
    _type: 'condition',
    name: `Synthetic condition ${n}: ${label}`,
    slug: { _type: 'slug', current: slugify(`synthetic-condition-${n}-${label}`) },
    alsoCalled: random.chance(0.5) ? [text.phrase(2, 3)] : [],
    bodyRegion: random.pick(BODY_REGION_VALUES),
    summary: text.paragraph(2),
    symptoms: Array.from({ length: random.int(1, 4) }, () => text.phrase(2, 4)),
    icd10Codes: [`M${random.int(10, 99)}.${random.int(0, 9)}`],
    treatments: refs(ctx, 'treatment', counts.treatment, 0, 3),
    sections: random.sample(aspects, random.int(1, 3)).map((aspect) => ({
      _key: ctx.nextKey(),
      _type: 'conditionSection',
      aspect,
      body: richBlocks(ctx, 2, 4),
    })),
  })
}

function treatment(ctx: Context, n: number): GeneratedDocument {
  const { random, text, counts } = ctx
  const label = random.pick(TREATMENT_WORDS)
  return stamp(ctx, {
    _id: syntheticId('treatment', n),
    _type: 'treatment',
    name: `Synthetic treatment ${n}: ${label}`,
    slug: { _type: 'slug', current: slugify(`synthetic-treatment-${n}-${label}`) },
    summary: text.paragraph(2),
    howItWorks: richBlocks(ctx, 3, 6),
    differsFrom: random.chance(0.5)
      ? [
          {
            _key: ctx.nextKey(),
            _type: 'treatmentComparison',
            comparedTo: random.pick(TREATMENT_WORDS),
            difference: text.paragraph(2),
          },
        ]
      : [],
    whoMayPerform: text.paragraph(1),
    conditions: refs(ctx, 'condition', counts.condition, 0, 3),
    whatToExpect: richBlocks(ctx, 2, 4),
    sideEffects: Array.from({ length: random.int(0, 3) }, () => text.phrase(1, 3)),
    complementaryTreatments: random.sample(TREATMENT_WORDS, random.int(0, 2)),
  })
}

function faq(ctx: Context, n: number): GeneratedDocument {
  const { random, text, counts } = ctx
  return stamp(ctx, {
    _id: syntheticId('faq', n),
    _type: 'faq',
    question: `Synthetic question ${n}: ${text.phrase(3, 7)}?`,
    answer: simpleBlocks(ctx, 1, 3),
    treatments: refs(ctx, 'treatment', counts.treatment, 0, 2),
    conditions: refs(ctx, 'condition', counts.condition, 0, 2),
    order: random.int(1, 10),
  })
}

function careInstruction(ctx: Context, n: number): GeneratedDocument {
  const { random, text, counts } = ctx
  const phase = random.pick(['before', 'after'])
  const title = `Synthetic care ${n}: ${phase} ${random.pick(TREATMENT_WORDS)}`
  return stamp(ctx, {
    _id: syntheticId('careInstruction', n),
    _type: 'careInstruction',
    title,
    slug: { _type: 'slug', current: slugify(`synthetic-care-${n}-${phase}`) },
    treatment: ref(syntheticId('treatment', random.int(1, counts.treatment))),
    phase,
    steps: Array.from({ length: random.int(2, 5) }, () => {
      const step: Record<string, unknown> = { _key: ctx.nextKey(), _type: 'careStep', instruction: text.sentence() }
      if (random.chance(0.5))
        step.timing = random.pick(['30 minutes before', 'for 24 hours', 'twice daily', 'after each session'])
      return step
    }),
    contactTherapistWhen: text.paragraph(1),
  })
}

function article(ctx: Context, id: string, n: number): GeneratedDocument {
  const { random, text, counts } = ctx
  const topic = `${text.bodyWord()} ${text.phrase(2, 5)}`
  const citations = Array.from({ length: random.int(0, 3) }, () => ({
    _key: ctx.nextKey(),
    _type: 'citation',
    authors: [`Synthetic ${random.pick(['A', 'B', 'C', 'D'])}`, `Generated ${random.pick(['E', 'F', 'G'])}`],
    title: `Synthetic study: ${text.phrase(3, 6)}`,
    journal: random.pick(JOURNALS),
    year: String(random.int(1995, 2024)),
    doi: `10.${random.int(1000, 9999)}/synthetic.${random.int(10000, 99999)}`,
  }))
  const linkTargets = [
    syntheticId('condition', random.int(1, counts.condition)),
    syntheticId('treatment', random.int(1, counts.treatment)),
    syntheticId('article', random.int(1, counts.article)),
  ]
  const published = START + Math.floor(random.next() * (END - START))
  const reviewed = published + random.int(0, 300) * DAY
  const author = random.int(1, counts.clinician)
  const reviewer =
    counts.clinician > 1 ? ((author + random.int(0, counts.clinician - 2)) % counts.clinician) + 1 : author
  const doc: GeneratedDocument = {
    _id: id,
    _type: 'article',
    title: `Synthetic article ${n}: ${topic}`,
    slug: { _type: 'slug', current: slugify(`synthetic-article-${n}-${topic}`) },
    excerpt: text.clip(text.paragraph(3), 160),
    body: richBlocks(ctx, 10, 30, { citationKeys: citations.map((c) => c._key), linkTargets }),
    author: ref(syntheticId('clinician', author)),
    medicalReviewer: ref(syntheticId('clinician', reviewer)),
    lastReviewed: isoDate(reviewed),
    nextReviewDue: isoDate(reviewed + 365 * DAY),
    categories: refs(ctx, 'category', counts.category, 1, 3),
    conditions: refs(ctx, 'condition', counts.condition, 1, 3),
    treatments: refs(ctx, 'treatment', counts.treatment, 0, 2),
    faqs: refs(ctx, 'faq', counts.faq, 0, 6),
    careInstructions: refs(ctx, 'careInstruction', counts.careInstruction, 0, 2),
    citations,
    callToAction: {
      _type: 'callToAction',
      heading: 'Synthetic call to action',
      text: text.sentence(),
      buttonLabel: 'Book (synthetic)',
    },
    seo: {
      _type: 'seo',
      metaTitle: text.clip(`Synthetic ${topic}`, 60),
      metaDescription: text.clip(text.paragraph(2), 160),
      noIndex: random.chance(0.05),
    },
    syndication: { _type: 'syndicationSettings', allowed: random.chance(0.7) },
  }
  if (random.chance(0.97)) doc.publishedAt = isoMinute(published)
  if (random.chance(0.1))
    (doc.syndication as Record<string, unknown>).embargoUntil = isoMinute(END + random.int(-300, 300) * DAY)
  return stamp(ctx, doc)
}

/** The draft of `published`: a changed title and excerpt, otherwise the same document. */
function draftOf(ctx: Context, published: GeneratedDocument): GeneratedDocument {
  return {
    ...published,
    _id: `drafts.${published._id}`,
    title: `${String(published.title)} (synthetic draft edit)`,
    excerpt: ctx.text.clip(ctx.text.paragraph(2), 160),
    _updatedAt: new Date(END + ctx.random.int(1, 90) * DAY).toISOString(),
  }
}

/**
 * Yields `size` documents for `seed`, referenced types first (clinic, categories, clinicians,
 * treatments, conditions, FAQs, care instructions, then articles each followed by its draft if it
 * has one). Memory stays flat: one document at a time.
 */
export function* generateDataset(options: DatasetOptions): Generator<GeneratedDocument> {
  const counts = datasetCounts(options.size)
  const root = createRandom(options.seed ?? 1)
  const keys = root.fork('keys')
  const ctx: Context = {
    random: root.fork('content'),
    text: undefined as unknown as TextMaker,
    counts,
    nextKey: () => {
      const a = (keys.next() * 0x1000000) | 0
      const b = (keys.next() * 0x1000000) | 0
      return (
        HEX[a >>> 16]! + HEX[(a >>> 8) & 255]! + HEX[a & 255]! + HEX[b >>> 16]! + HEX[(b >>> 8) & 255]! + HEX[b & 255]!
      )
    },
  }
  ctx.text = new TextMaker(ctx.random)

  yield clinic(ctx)
  for (let i = 1; i <= counts.category; i++) yield category(ctx, i)
  for (let i = 1; i <= counts.clinician; i++) yield clinician(ctx, i)
  for (let i = 1; i <= counts.treatment; i++) yield treatment(ctx, i)
  for (let i = 1; i <= counts.condition; i++) yield condition(ctx, i)
  for (let i = 1; i <= counts.faq; i++) yield faq(ctx, i)
  for (let i = 1; i <= counts.careInstruction; i++) yield careInstruction(ctx, i)

  // Which articles get drafts: spread evenly over the set. One draft in five is of an article that
  // was never published (a `drafts.` id without a published twin). Invariant: linesLeft >= draftsLeft,
  // so the output has exactly `size` lines.
  const pick = root.fork('drafts')
  let linesLeft = counts.article + counts.draft
  let draftsLeft = counts.draft
  for (let i = 1; linesLeft > 0; i++) {
    const doc = article(ctx, syntheticId('article', i), i)
    const mustDraftOnly = draftsLeft === linesLeft
    const wantsDraft = mustDraftOnly || (draftsLeft > 0 && pick.next() < draftsLeft / (linesLeft - draftsLeft))
    if (!wantsDraft) {
      linesLeft -= 1
      yield doc
    } else if (mustDraftOnly || pick.chance(0.2)) {
      linesLeft -= 1
      draftsLeft -= 1
      yield { ...doc, _id: `drafts.${doc._id}`, title: `${String(doc.title)} (synthetic unpublished draft)` }
    } else {
      linesLeft -= 2
      draftsLeft -= 1
      yield doc
      yield draftOf(ctx, doc)
    }
  }
}
