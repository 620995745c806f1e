// Hostile content in every field the renderers output must come out inert: parsed the way a
// browser parses it (parse5), the HTML has no script other than JSON-LD, no on* attributes, no
// javascript:/data:/vbscript: URLs, and no element the renderers did not mean to write.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  articleJsonLd,
  jsonLdScriptTag,
  renderArticlePage,
  renderConditionPage,
  renderIndexPage,
  renderPortableText,
  renderTreatmentPage,
  safeLinkUrl,
  type ArticleInput,
  type ClinicInput,
  type ConditionInput,
  type TreatmentInput,
} from '../../delivery/render/index.js'
import { article, clinic, condition, treatment } from './fixtures.js'
import { jsonLdScripts, parseDocument, parseHtmlFragment, safetyProblems, type ParsedHtml } from './html.js'
import { hostileCitation, TEXT_PAYLOADS, URL_PAYLOADS } from './xss-corpus.js'

const images = { projectId: 'local', dataset: 'production', baseUrl: 'http://127.0.0.1:3333' }

function assertSafe(parsed: ParsedHtml, where: string) {
  const problems = safetyProblems(parsed)
  assert.equal(problems, [], `${where}: ${JSON.stringify(problems.slice(0, 3))}`)
}

/** Elements and attributes the Portable Text renderer writes; anything else came from content. */
const ALLOWED: Record<string, string[]> = {
  p: ['class'],
  h2: ['id'],
  h3: ['id'],
  blockquote: [],
  ul: [],
  ol: [],
  li: [],
  strong: [],
  em: [],
  br: [],
  a: ['href', 'rel', 'class', 'id', 'aria-label'],
  sup: ['class'],
  aside: ['class', 'role', 'aria-label'],
  figure: ['class'],
  figcaption: [],
  img: ['src', 'srcset', 'sizes', 'width', 'height', 'alt', 'loading', 'decoding'],
}

function assertOnlyRendererMarkup(parsed: ParsedHtml, where: string) {
  for (const el of parsed.elements) {
    const allowed = ALLOWED[el.tagName]
    assert.ok(allowed, `${where}: unexpected element <${el.tagName}>`)
    for (const a of el.attrs)
      assert.ok(allowed!.includes(a.name), `${where}: unexpected attribute ${a.name} on <${el.tagName}>`)
  }
}

function hostileBody(payload: string, url: string) {
  return [
    {
      _type: 'block',
      _key: 'h',
      style: 'h2',
      markDefs: [],
      children: [{ _type: 'span', _key: 's0', text: payload, marks: [] }],
    },
    {
      _type: 'block',
      _key: 'p',
      style: 'normal',
      markDefs: [
        { _type: 'link', _key: 'l', href: url },
        { _type: 'internalLink', _key: 'i', target: { _type: 'article', slug: payload } },
        { _type: 'internalLink', _key: 'j', target: { _type: payload, slug: 'x' } },
        { _type: 'citationRef', _key: 'c', citationKey: 'c1' },
        { _type: payload, _key: 'u' },
      ],
      children: [
        { _type: 'span', _key: 's1', text: payload, marks: ['l'] },
        { _type: 'span', _key: 's2', text: payload, marks: ['i', 'strong'] },
        { _type: 'span', _key: 's3', text: payload, marks: ['j', payload] },
        { _type: 'span', _key: 's4', text: payload, marks: ['c', 'u'] },
        { _type: payload, _key: 's5', text: payload },
      ],
    },
    {
      _type: 'block',
      _key: 'q',
      style: payload,
      listItem: payload,
      level: 1,
      markDefs: [],
      children: [{ _type: 'span', _key: 's6', text: payload, marks: [] }],
    },
    {
      _type: 'callout',
      _key: 'co',
      tone: payload,
      title: payload,
      body: [
        {
          _type: 'block',
          _key: 'cb',
          style: 'normal',
          markDefs: [{ _type: 'link', _key: 'l2', href: url }],
          children: [{ _type: 'span', _key: 's7', text: payload, marks: ['l2'] }],
        },
      ],
    },
    {
      _type: 'accessibleImage',
      _key: 'img',
      asset: { _ref: 'image-abc123-800x600-jpg' },
      alt: payload,
      caption: payload,
    },
    { _type: 'accessibleImage', _key: 'img2', asset: { _ref: payload }, alt: payload },
    { _type: payload, _key: 'x', html: payload, children: [{ _type: 'span', text: payload }] },
  ]
}

const xss = suite('XSS corpus')

xss('safeLinkUrl refuses every hostile URL and keeps ordinary ones', () => {
  for (const url of URL_PAYLOADS) {
    const safe = safeLinkUrl(url)
    if (safe !== null) {
      // Quotes, angle brackets and spaces are percent-encoded.
      assert.match(
        safe,
        /^(https?:\/\/[^"'<>\s]+|mailto:[^"'<>\s]+|tel:[^"'<>\s]+)$/,
        `${JSON.stringify(url)} -> ${safe}`,
      )
    }
  }
  for (const url of URL_PAYLOADS.slice(0, 27)) assert.is(safeLinkUrl(url), null, JSON.stringify(url))
  assert.is(safeLinkUrl('https://example.org/a b'), 'https://example.org/a%20b')
  assert.is(safeLinkUrl('HTTPS://Example.org'), 'https://example.org/')
})

xss('Portable Text with hostile text, URLs, types, alt text and captions renders inert', () => {
  let checked = 0
  for (const payload of TEXT_PAYLOADS) {
    for (const url of URL_PAYLOADS) {
      const html = renderPortableText(hostileBody(payload, url), {
        images,
        citations: [{ _key: 'c1' }],
        siteUrl: 'https://clinic.example',
        onWarning: () => {},
      })
      const parsed = parseHtmlFragment(html)
      assertSafe(parsed, `payload ${JSON.stringify(payload)} url ${JSON.stringify(url)}`)
      assertOnlyRendererMarkup(parsed, `payload ${JSON.stringify(payload)} url ${JSON.stringify(url)}`)
      checked++
    }
    // The payload is shown to the reader as text, not swallowed or executed.
    const parsed = parseHtmlFragment(
      renderPortableText(hostileBody(payload, 'https://ok.example'), { images, onWarning: () => {} }),
    )
    // (HTML parsers drop NUL characters from text.)
    const visible = payload
      .replace(/\u0000/g, '')
      .replace(/\s+/g, ' ')
      .trim()
    assert.ok(parsed.text.includes(visible), `text of ${JSON.stringify(payload)} is shown`)
  }
  assert.is(checked, TEXT_PAYLOADS.length * URL_PAYLOADS.length)
})

function hostileArticle(payload: string, url: string): ArticleInput {
  const body = hostileBody(payload, url) as unknown as ArticleInput['body']
  return {
    ...article,
    title: payload,
    excerpt: payload,
    body,
    heroImage: {
      _type: 'accessibleImage',
      asset: { _id: 'image-abc-100x100-jpg', url, metadata: null },
      alt: payload,
      caption: payload,
    },
    author: { ...article.author!, name: payload, role: payload, credentials: [payload] },
    medicalReviewer: { ...article.medicalReviewer!, name: payload, credentials: [payload] },
    lastReviewed: payload,
    publishedAt: payload,
    faqs: [
      {
        ...article.faqs![0]!,
        question: payload,
        answer: body as unknown as NonNullable<ArticleInput['faqs']>[number]['answer'],
      },
    ],
    careInstructions: [
      {
        ...article.careInstructions![0]!,
        title: payload,
        contactTherapistWhen: payload,
        steps: [{ _key: 'a', _type: 'careStep', instruction: payload, timing: payload }],
      },
    ],
    citations: [hostileCitation('c1', payload, url)],
    conditions: [{ ...article.conditions![0]!, name: payload, summary: payload, slug: payload, icd10Codes: [payload] }],
    callToAction: { _type: 'callToAction', heading: payload, text: payload, buttonLabel: payload, url },
    seo: { _type: 'seo', metaTitle: payload, metaDescription: payload },
  }
}

function hostileClinic(payload: string, url: string): ClinicInput {
  return {
    ...clinic,
    name: payload,
    bookingUrl: url,
    phone: payload,
    email: payload,
    medicalDisclaimer: payload,
    address: { _type: 'postalAddress', street: payload, city: payload },
  }
}

function assertPageSafe(html: string, where: string) {
  const parsed = parseDocument(html)
  assertSafe(parsed, where)
  // The only scripts are JSON-LD, and they parse: no string broke out of them.
  const scripts = jsonLdScripts(html)
  assert.is(scripts.length, 1, `${where}: one JSON-LD script`)
  assert.not.match(scripts[0]!.raw, /<\/script|<!--|<script/i)
}

xss('article, condition, treatment and index pages with hostile content in every field are inert', () => {
  const urls = [
    'javascript:alert(1)',
    ' JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:x',
    'http://x.example/"onmouseover="alert(1)',
  ]
  for (const payload of TEXT_PAYLOADS) {
    for (const url of urls) {
      const where = `payload ${JSON.stringify(payload)} url ${JSON.stringify(url)}`
      const c = hostileClinic(payload, url)
      const a = hostileArticle(payload, url)
      assertPageSafe(renderArticlePage(a, c, { images, onWarning: () => {} }), `article ${where}`)
      const cond: ConditionInput = {
        ...condition,
        name: payload,
        summary: payload,
        alsoCalled: [payload],
        symptoms: [payload],
        icd10Codes: [payload],
        sections: [
          {
            _key: 's',
            aspect: 'overview',
            body: a.body as unknown as NonNullable<ConditionInput['sections']>[number]['body'],
          },
        ],
        treatments: [{ _id: 't', _type: 'treatment', name: payload, slug: payload, summary: payload, language: 'en' }],
        articles: [{ ...condition.articles![0]!, title: payload, excerpt: payload, slug: payload }],
      }
      assertPageSafe(renderConditionPage(cond, c, { images, onWarning: () => {} }), `condition ${where}`)
      const treat: TreatmentInput = {
        ...treatment,
        name: payload,
        summary: payload,
        howItWorks: a.body as unknown as TreatmentInput['howItWorks'],
        differsFrom: [{ _key: 'd', _type: 'treatmentComparison', comparedTo: payload, difference: payload }],
        whoMayPerform: payload,
        sideEffects: [payload],
        complementaryTreatments: [payload],
        careInstructions: a.careInstructions ?? [],
        faqs: (a.faqs ?? []).filter((f) => f !== null),
      }
      assertPageSafe(renderTreatmentPage(treat, c, { images, onWarning: () => {} }), `treatment ${where}`)
      assertPageSafe(
        renderIndexPage(
          {
            articles: [{ title: payload, excerpt: payload, slug: 'a' }],
            conditions: [{ name: payload, slug: 'b', summary: payload }],
            treatments: [{ name: payload, slug: 'c' }],
          },
          c,
        ),
        `index ${where}`,
      )
    }
  }
})

xss('JSON-LD strings cannot break out of the script element and still mean the same data', () => {
  const evil = '</script><script>alert(1)</script><!-- \u2028\u2029 & <b>'
  const a = hostileArticle(evil, 'https://ok.example')
  const data = articleJsonLd(a, clinic)
  const tag = jsonLdScriptTag(data)
  const inner = tag.replace(/^<script type="application\/ld\+json">/, '').replace(/<\/script>$/, '')
  assert.not.match(inner, /<\/script|<!--|<script|[<>\u2028\u2029]/i)
  assert.equal(JSON.parse(inner), data)
  assert.is((JSON.parse(inner) as { headline: string }).headline, evil)
  // and the browser sees exactly one script element with all of it inside
  const scripts = jsonLdScripts(`<!DOCTYPE html><html><head>${tag}</head><body></body></html>`)
  assert.is(scripts.length, 1)
  assert.equal(scripts[0]!.data, data)
})

xss.run()
