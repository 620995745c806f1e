// Stega in preview pages, and only where it belongs. In a preview session the page content is read
// with `@sanity/client`'s stega: each human-readable string carries an invisible suffix (zero-width
// characters encoding where the text came from) that the visual-editing overlays decode. The suffix
// must stay in the text a reader sees and nowhere else: not in `<title>`, meta tags or JSON-LD
// (search engines, link previews and the Studio's tab title would carry it), not in attribute values
// (URLs, ids, alt text) and not in anything a public answer is built from.
//
// Two layers keep it there. The client's `filter` (stegaFilter) encodes only the fields that are
// prose (titles, names, questions, text spans, summaries) and never slugs, ids, URLs, dates or
// enumerated values the code compares. Then, at the render boundary, `previewPage` strips every stega
// character from the document head, from every tag (so from every attribute value) and from script,
// style, title and textarea contents, whatever the renderers did with the strings.
import type { StegaConfig } from '@sanity/client'

type StegaFilterProps = Parameters<NonNullable<StegaConfig['filter']>>[0]

/**
 * The characters `@vercel/stega` encodes with (the client's encoder uses U+200B-U+200D and U+FEFF;
 * its cleaner also knows U+2060-U+2063 and U+1D173-U+1D17A of the older alphabet).
 */
export const STEGA_CHARACTERS = '\\u200b-\\u200d\\u2060-\\u2063\\ufeff\\u{1d173}-\\u{1d17a}'

/** A run of stega characters as the client writes them (at least four: one encoded byte). */
export const STEGA_RUN = new RegExp(`[${STEGA_CHARACTERS}]{4,}`, 'u')

/** Any stega character, for stripping where none may remain (even a truncated run). */
const ANY_STEGA = new RegExp(`[${STEGA_CHARACTERS}]+`, 'gu')

/** The script of the overlays and live refresh; served by delivery (routes/visual-editing). */
export const VISUAL_EDITING_SCRIPT_PATH = '/preview/visual-editing.js'
export const VISUAL_EDITING_SCRIPT_TAG = `<script type="module" src="${VISUAL_EDITING_SCRIPT_PATH}"></script>`

/** The last path segments whose string values are prose an editor may click to edit. */
const PROSE_FIELDS = new Set([
  'title',
  'name',
  'question',
  'text',
  'summary',
  'excerpt',
  'description',
  'caption',
  'bio',
  'contactTherapistWhen',
  'medicalDisclaimer',
])

/**
 * The client's stega filter: prose fields only (see PROSE_FIELDS), and never what the client's
 * own default filter refuses (URLs, dates, slugs, ids, `_`-keys, SEO fields).
 */
export function stegaFilter(props: StegaFilterProps): boolean {
  const last = props.resultPath.at(-1)
  if (typeof last !== 'string' || !PROSE_FIELDS.has(last)) return false
  const source = props.sourcePath.at(-1)
  if (typeof source !== 'string' || !PROSE_FIELDS.has(source)) return false
  return props.filterDefault(props)
}

/** `text` without any stega character. */
export function withoutStega(text: string): string {
  return text.replace(ANY_STEGA, '')
}

/** The document head, whole. */
const HEAD = /<head\b[^>]*>[\s\S]*?<\/head\s*>/i

/** The elements whose whole content is not reader-visible text (or not text at all). */
const RAW_ELEMENTS = /<(script|style|title|textarea)\b[^>]*>[\s\S]*?<\/\1\s*>/gi

/**
 * `html` with stega characters left only in text between tags of the body: stripped from the head,
 * from every tag (attribute values) and from script/style/title/textarea contents. The renderers
 * escape `<`, `>` and quotes in text and attributes, so `<[^>]*>` finds exactly the tags.
 */
export function confineStega(html: string): string {
  return html
    .replace(HEAD, withoutStega)
    .replace(RAW_ELEMENTS, withoutStega)
    .replace(/<[^>]*>/g, withoutStega)
}

/** The page CSP's `<meta>` copy in a preview: the overlay script (same origin) may run and connect. */
const PREVIEW_META_CSP =
  "default-src 'none'; img-src http: https: data:; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'"

/**
 * A rendered page as a preview session gets it: stega confined to body text, `noindex`, the page's
 * `<meta>` CSP widened to the overlay script, and the script itself before `</body>`.
 *
 * `clean` is the same page rendered from the same reads without stega: its `<head>` replaces the
 * encoded one whole. Stripping alone is not enough there: renderers that collapse whitespace
 * (`\s` matches U+FEFF) turn part of an encoding into spaces before the strip can see it.
 */
export function previewPage(html: string, clean?: string): string {
  const cleanHead = clean === undefined ? undefined : HEAD.exec(clean)?.[0]
  let page = confineStega(cleanHead === undefined ? html : html.replace(HEAD, () => cleanHead))
  page = page.replace(
    /<meta http-equiv="Content-Security-Policy" content="[^"]*">/i,
    `<meta http-equiv="Content-Security-Policy" content="${PREVIEW_META_CSP.replace(/'/g, '&#x27;')}">`,
  )
  if (!/<meta name="robots"/i.test(page))
    page = page.replace(/<\/title>/i, '</title>\n<meta name="robots" content="noindex">')
  return page.replace(/<\/body>/i, `${VISUAL_EDITING_SCRIPT_TAG}\n</body>`)
}
