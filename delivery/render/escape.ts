// Escaping and URL allow-listing: the two primitives every renderer builds HTML with.
// Browser-safe (no Node imports).

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
}

/**
 * Escapes text for use in HTML element content and in double- or single-quoted attribute values.
 * Non-strings (null, numbers) become their string form, null/undefined the empty string.
 */
export function escapeHtml(value: unknown): string {
  if (value === null || value === undefined) return ''
  return String(value).replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!)
}

/** The URL schemes content may link to. Everything else (javascript:, data:, vbscript:, file:, ...) is dropped. */
export const ALLOWED_LINK_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:', 'tel:'])

/** C0 controls, DEL, and the invisible characters browsers strip or ignore inside URLs. */
// eslint-disable-next-line no-control-regex
const CONTROL_OR_INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/

/**
 * Returns a normalised absolute URL when `href` is a well-formed http(s), mailto or tel URL, else null.
 *
 * Deliberately strict so that obfuscated schemes cannot slip through: the scheme must be spelled
 * out literally at the very start (after trimming spaces), so `&#106;avascript:`, `java\tscript:`,
 * `javascript&colon;`, ` JaVaScRiPt:`, `data:`, `vbscript:` and scheme-relative `//host` are all
 * refused; control and invisible characters anywhere are refused; the rest is parsed with the WHATWG
 * URL parser (what browsers use) and its protocol checked again. Relative URLs are refused too: in
 * content, only absolute external URLs are valid (internal links are `internalLink` references).
 */
export function safeLinkUrl(href: unknown): string | null {
  if (typeof href !== 'string') return null
  const trimmed = href.trim()
  if (trimmed === '' || trimmed.length > 4096 || CONTROL_OR_INVISIBLE.test(trimmed)) return null
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)
  if (!scheme || !ALLOWED_LINK_PROTOCOLS.has(`${scheme[1]!.toLowerCase()}:`)) return null
  let url: URL
  try {
    url = new URL(trimmed)
  } catch {
    return null
  }
  if (!ALLOWED_LINK_PROTOCOLS.has(url.protocol)) return null
  if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname === '') return null
  // tel: is a phone number (RFC 3966: digits, visual separators, parameters), nothing else.
  if (url.protocol === 'tel:' && !/^tel:[0-9A-Za-z+()\-.;=,*#%]+$/.test(url.href)) return null
  // The URL parser leaves quotes and angle brackets alone in opaque (mailto:) URLs; encode them
  // so the URL is clean even before attribute escaping.
  return url.href.replace(/["'<>`\s]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

/** True when `url` is an http(s) URL on a different host than `siteUrl` (or there is no siteUrl). */
export function isExternalHttpUrl(url: string, siteUrl?: string | null): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false
  if (!siteUrl) return true
  try {
    return new URL(siteUrl).host !== parsed.host
  } catch {
    return true
  }
}

/** `<a>` with an escaped, allow-listed href; the plain children when the URL is not allowed. */
export function linkHtml(
  href: unknown,
  childrenHtml: string,
  options: { siteUrl?: string | null; className?: string } = {},
): string {
  const url = safeLinkUrl(href)
  if (url === null) return childrenHtml
  const rel = isExternalHttpUrl(url, options.siteUrl) ? ' rel="noopener noreferrer"' : ''
  const cls = options.className ? ` class="${escapeHtml(options.className)}"` : ''
  return `<a href="${escapeHtml(url)}"${cls}${rel}>${childrenHtml}</a>`
}
