// Minimal, strict XML text helpers for the feed writers.

/** Characters XML 1.0 forbids anywhere (C0 controls except tab/newline/return, lone surrogates, U+FFFE/F). */
const INVALID_XML_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Removes characters that cannot appear in an XML document at all. */
export function stripInvalidXmlChars(text: string): string {
  return text.replace(INVALID_XML_CHARS, '')
}

/** Escapes text for element content and attribute values. */
export function xmlEscape(text: string): string {
  return stripInvalidXmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** Wraps text in CDATA, splitting any `]]>` it contains so the section cannot be closed early. */
export function cdata(text: string): string {
  return `<![CDATA[${stripInvalidXmlChars(text).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`
}

/** `<name attr="...">escaped text</name>`, or an empty string when text is null/undefined. */
export function element(name: string, text: string | null | undefined, attrs: Record<string, string> = {}): string {
  if (text === null || text === undefined) return ''
  return `<${name}${attributes(attrs)}>${xmlEscape(text)}</${name}>`
}

export function attributes(attrs: Record<string, string>): string {
  return Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${xmlEscape(v)}"`)
    .join('')
}

/** RFC 822 date (RSS 2.0): `Tue, 07 May 2024 10:00:00 GMT`. */
export function rfc822(date: Date): string {
  return date.toUTCString()
}

/** RFC 3339 date (Atom, JSON Feed). */
export function rfc3339(date: Date): string {
  return date.toISOString()
}
