// Looks for executable content in any output of the platform, the way a browser or feed reader
// would meet it: HTML documents parsed with parse5 (test/render/html.ts), the HTML inside JSON
// fields (`html`, `headHtml`, `snippet`, `content_html`) and inside RSS/Atom elements (entity- or
// CDATA-encoded) parsed as fragments, JSON-LD checked for script break-outs and dangerous URLs,
// and XML feeds checked for active elements.
import { attr, jsonLdScripts, parseDocument, parseHtmlFragment, safetyProblems } from '../render/html.js'
import type { Output } from './_platform.js'

export interface Finding {
  url: string
  where: string
  problem: string
  detail: string
}

const DANGEROUS_SCHEME = /^(javascript|data|vbscript|file):/

/** What browsers ignore when reading a URL's scheme. */
function schemeView(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0020\u007f-\u009f\u200b\ufeff]/g, '').toLowerCase()
}

export function isDangerousUrl(value: string): boolean {
  return DANGEROUS_SCHEME.test(schemeView(value))
}

const URL_KEYS =
  /^(url|href|link|src|image|logo|sameAs|@id|canonicalUrl|external_url|iframeUrl|thumbnail_url|contentUrl|embedUrl|mainEntityOfPage|author_url|home_page_url|feed_url|favicon|icon|banner_image|hub)$/i
const HTML_KEYS = /(^html$|Html$|^snippet$|^content_html$|^summary_html$)/

/**
 * Embed snippets are iframes by design (oEmbed "rich"): an iframe is accepted only when its src is
 * one of the platform's own embed pages (`trustedFrames` prefixes); any other is a finding.
 */
let trustedFrames: string[] = []

function fragmentFindings(url: string, where: string, html: string): Finding[] {
  const parsed = parseHtmlFragment(html)
  return problemsOf(parsed).map((p) => ({
    url,
    where,
    problem: p.problem,
    detail: `<${p.element}> ${p.detail}`.slice(0, 200),
  }))
}

/**
 * safetyProblems (test/render/html.ts) minus two things that are inert by construction: an
 * iframe of our own embed page, and `<base target="_blank">` without an href (the embed page opens
 * links outside the frame).
 */
function problemsOf(parsed: ReturnType<typeof parseHtmlFragment>): ReturnType<typeof safetyProblems> {
  let frames = parsed.elements.filter(
    (e) => e.tagName === 'iframe' && trustedFrames.some((t) => (attr(e, 'src') ?? '').startsWith(t)),
  ).length
  let bases = parsed.elements.filter(
    (e) => e.tagName === 'base' && attr(e, 'href') === undefined && e.attrs.every((a) => a.name === 'target'),
  ).length
  // A page's language versions: `<link rel="alternate" hreflang href>` to an http(s) URL loads nothing.
  let alternates = parsed.elements.filter(
    (e) =>
      e.tagName === 'link' &&
      attr(e, 'rel') === 'alternate' &&
      /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$|^x-default$/.test(attr(e, 'hreflang') ?? '') &&
      /^https?:\/\//.test(attr(e, 'href') ?? '') &&
      e.attrs.every((a) => ['rel', 'hreflang', 'href'].includes(a.name)),
  ).length
  return safetyProblems(parsed).filter((p) => {
    if (p.problem !== 'active element') return true
    if (p.element === 'iframe' && frames > 0) return frames-- <= 0
    if (p.element === 'base' && bases > 0) return bases-- <= 0
    if (p.element === 'link' && alternates > 0) return alternates-- <= 0
    return true
  })
}

/** JSON-LD (parsed): every URL-bearing value must not be javascript:/data:/vbscript:/file:. */
function jsonLdFindings(url: string, where: string, value: unknown, path = ''): Finding[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => jsonLdFindings(url, where, v, `${path}[${i}]`))
  if (typeof value !== 'object' || value === null) return []
  const out: Finding[] = []
  for (const [k, v] of Object.entries(value)) {
    const here = path ? `${path}.${k}` : k
    if (typeof v === 'string' && URL_KEYS.test(k) && isDangerousUrl(v))
      out.push({ url, where: `${where} ${here}`, problem: 'dangerous URL in JSON-LD', detail: v.slice(0, 120) })
    else out.push(...jsonLdFindings(url, where, v, here))
  }
  return out
}

function jsonFindings(url: string, value: unknown, path = ''): Finding[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => jsonFindings(url, v, `${path}[${i}]`))
  if (typeof value !== 'object' || value === null) return []
  const out: Finding[] = []
  for (const [k, v] of Object.entries(value)) {
    const here = path ? `${path}.${k}` : k
    if (typeof v === 'string' && HTML_KEYS.test(k)) out.push(...fragmentFindings(url, here, v))
    else if (k === 'jsonLd' || k === '@graph') out.push(...jsonLdFindings(url, here, v))
    else out.push(...jsonFindings(url, v, here))
  }
  return out
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

export function decodeXmlText(text: string): string {
  const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(text)
  if (cdata) return cdata[1] as string
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_m, e: string) => {
    if (e[0] === '#')
      return String.fromCodePoint(e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))
    return XML_ENTITIES[e.toLowerCase()] ?? ''
  })
}

const SITEMAP_ALTERNATE =
  /^<xhtml:link rel="alternate" hreflang="[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*" href="https?:\/\/[^"<>\s]*"\/>/

const ACTIVE_XML_ELEMENTS = /^(script|iframe|object|embed|svg|math|form|base|meta|html:\w+|xhtml:\w+)$/i

function xmlFindings(url: string, xml: string): Finding[] {
  const out: Finding[] = []
  // Element names outside CDATA sections and comments must be feed vocabulary, never active HTML.
  const bare = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').replace(/<!--[\s\S]*?-->/g, '')
  for (const m of bare.matchAll(/<([A-Za-z_][\w:.-]*)/g)) {
    const name = m[1] as string
    // A sitemap's language alternates are Google's `xhtml:link` vocabulary, inert when exactly
    // rel="alternate", a language tag and an http(s) href (anything else is still a finding).
    if (name === 'xhtml:link' && SITEMAP_ALTERNATE.test(bare.slice(m.index ?? 0))) continue
    if (ACTIVE_XML_ELEMENTS.test(name))
      out.push({ url, where: 'xml', problem: 'active element in feed XML', detail: name })
  }
  // A sitemap (`<urlset>`) may declare the XHTML namespace for its `xhtml:link` alternates only.
  const sitemap = /<urlset[\s>]/.test(bare)
  if (!sitemap && /xmlns(:\w+)?="http:\/\/www\.w3\.org\/1999\/xhtml"/.test(bare))
    out.push({ url, where: 'xml', problem: 'XHTML namespace in feed XML', detail: '' })
  for (const m of bare.matchAll(/\s(href|src|url)="([^"]*)"/g)) {
    if (isDangerousUrl(decodeXmlText(m[2] as string)))
      out.push({ url, where: `xml @${m[1]}`, problem: 'dangerous URL', detail: (m[2] as string).slice(0, 120) })
  }
  for (const m of xml.matchAll(/<(link|id|loc|url|guid|uri)>([\s\S]*?)<\/\1>/g)) {
    if (isDangerousUrl(decodeXmlText(m[2] as string)))
      out.push({ url, where: `xml <${m[1]}>`, problem: 'dangerous URL', detail: (m[2] as string).slice(0, 120) })
  }
  // Elements whose text a feed reader renders as HTML: RSS <description> and <content:encoded>,
  // Atom text constructs with type="html". (RSS <title> and Atom type="text" are plain text.)
  for (const m of xml.matchAll(
    /<(description|content:encoded|content|summary|title|subtitle|rights)(\s[^>]*)?>([\s\S]*?)<\/\1>/g,
  )) {
    const name = m[1] as string
    const attrs = m[2] ?? ''
    const isHtml = name === 'description' || name === 'content:encoded' || /type="(html|xhtml)"/.test(attrs)
    if (isHtml) out.push(...fragmentFindings(url, `xml <${name}>`, decodeXmlText(m[3] as string)))
  }
  return out
}

function htmlFindings(url: string, html: string): Finding[] {
  const out: Finding[] = problemsOf(parseDocument(html)).map((p) => ({
    url,
    where: 'html',
    problem: p.problem,
    detail: `<${p.element}> ${p.detail}`.slice(0, 200),
  }))
  let scripts: Array<{ raw: string; data: unknown }> = []
  try {
    scripts = jsonLdScripts(html)
  } catch (error) {
    out.push({
      url,
      where: 'json-ld',
      problem: 'JSON-LD script does not parse (content broke out of it?)',
      detail: String(error).slice(0, 200),
    })
  }
  for (const s of scripts) {
    if (/<\/script|<!--|<script/i.test(s.raw))
      out.push({ url, where: 'json-ld', problem: 'script break-out sequence in JSON-LD', detail: s.raw.slice(0, 120) })
    out.push(...jsonLdFindings(url, 'json-ld', s.data))
  }
  return out
}

/** Every finding in one output, by its content type. */
export function scanOutput(output: Output, options: { trustedFrames?: string[] } = {}): Finding[] {
  trustedFrames = options.trustedFrames ?? []
  const type = output.contentType.toLowerCase()
  if (type.includes('html')) return htmlFindings(output.url, output.body)
  if (type.includes('xml')) return xmlFindings(output.url, output.body)
  if (type.includes('json')) {
    let data: unknown
    try {
      data = JSON.parse(output.body)
    } catch {
      return [
        { url: output.url, where: 'json', problem: 'JSON output does not parse', detail: output.body.slice(0, 120) },
      ]
    }
    return jsonFindings(output.url, data)
  }
  return []
}

/**
 * The zero-width characters `@vercel/stega` (inside `@sanity/client`'s stega) encodes with: U+200B,
 * U+200C, U+200D and U+FEFF, plus U+2060-U+2064 and U+1D173-U+1D17A of its older alphabet. A run of
 * two or more is stega (an encoded byte is four characters; text never holds such runs; a single
 * U+200D inside an emoji sequence is not reported).
 */
const STEGA_RUN = /[\u200b-\u200d\u2060-\u2064\ufeff\u{1d173}-\u{1d17a}]{2,}/gu

/** What only a preview session's answers may hold: the overlay script, the session cookie's name. */
const PREVIEW_MARKERS = ['/preview/visual-editing.js', 'clinic_preview'] as const

/**
 * Stega characters and preview markers in a public output: each is a finding (a preview answer,
 * or its encoding, reached the public).
 */
export function previewFindings(output: Output): Finding[] {
  const out: Finding[] = []
  for (const m of output.body.matchAll(STEGA_RUN)) {
    const at = m.index ?? 0
    out.push({
      url: output.url,
      where: `offset ${at}`,
      problem: 'stega characters in a public output',
      detail: JSON.stringify(output.body.slice(Math.max(0, at - 60), at)),
    })
  }
  for (const marker of PREVIEW_MARKERS) {
    const at = output.body.indexOf(marker)
    if (at >= 0)
      out.push({
        url: output.url,
        where: `offset ${at}`,
        problem: 'preview marker in a public output',
        detail: JSON.stringify(output.body.slice(Math.max(0, at - 60), at + marker.length + 20)),
      })
  }
  return out
}
