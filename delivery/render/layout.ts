// The document shell shared by the reference HTML pages: head (title, description, canonical,
// robots, inline CSS, JSON-LD), clinic header and navigation, footer with the medical disclaimer.
// Pure string building, browser-safe.

import { DEFAULT_LANGUAGE, languageOf, localeOf } from '../../model/languages.js'
import { ROUTES, absoluteUrl, type RoutableType } from '../../model/site-paths.js'
import { escapeHtml, safeLinkUrl } from './escape.js'
import { jsonLdScriptTag, requireSiteUrl, type JsonLdObject } from './jsonld.js'
import type { ClinicShape } from './types.js'

/** Self-contained stylesheet: readable measure, accessible contrast (WCAG AA), visible focus. */
export const PAGE_CSS = `
:root{--ink:#1d2433;--muted:#4a5468;--accent:#0b5e7e;--accent-ink:#fff;--line:#d9dee7;--paper:#fff;--soft:#f3f6f9;
--info:#e8f1fb;--info-line:#2f6fb3;--tip:#e9f6ee;--tip-line:#2d7a46;--warn:#fff4e0;--warn-line:#a35c00}
*{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--paper);line-height:1.6}
a{color:var(--accent)}a:hover{text-decoration-thickness:2px}
a:focus-visible,summary:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
.skip-link{position:absolute;left:-999px;top:0;background:var(--accent);color:var(--accent-ink);padding:.5rem 1rem}
.skip-link:focus{left:0}
.site-header{border-bottom:1px solid var(--line);background:var(--soft)}
.site-header .inner,.site-footer .inner,main{max-width:48rem;margin:0 auto;padding:1rem 1.25rem}
.site-name{font-weight:700;font-size:1.15rem;text-decoration:none;color:var(--ink)}
.site-nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;margin:.5rem 0 0;padding:0}
h1{font-size:2rem;line-height:1.2;margin:1rem 0 .5rem}
h2{font-size:1.45rem;line-height:1.3;margin:2rem 0 .5rem}
h3{font-size:1.15rem;margin:1.5rem 0 .25rem}
.byline{color:var(--muted);font-size:.95rem;margin:0 0 1rem}
.byline p{margin:.15rem 0}
.lede{font-size:1.15rem;color:var(--muted)}
figure{margin:1.5rem 0}
img{max-width:100%;height:auto;display:block}
figcaption{color:var(--muted);font-size:.9rem;margin-top:.35rem}
blockquote{margin:1.5rem 0;padding:.25rem 1rem;border-left:4px solid var(--line);color:var(--muted)}
.callout{margin:1.5rem 0;padding:.75rem 1rem;border-left:4px solid var(--info-line);background:var(--info);border-radius:4px}
.callout--tip{border-color:var(--tip-line);background:var(--tip)}
.callout--warning{border-color:var(--warn-line);background:var(--warn)}
.callout p{margin:.35rem 0}
sup.citation-ref{line-height:0}
sup.citation-ref a{text-decoration:none;padding:0 .1rem}
.footnotes{font-size:.9rem;color:var(--muted);border-top:1px solid var(--line);margin-top:2.5rem}
.footnotes li{margin:.35rem 0}
.faq h3{margin-top:1.25rem}
.care-steps li{margin:.35rem 0}
.timing{color:var(--muted);font-size:.9rem;white-space:nowrap}
.cta{margin:2.5rem 0;padding:1.25rem;background:var(--soft);border:1px solid var(--line);border-radius:6px}
.cta h2{margin-top:0}
.button{display:inline-block;background:var(--accent);color:var(--accent-ink);padding:.65rem 1.1rem;border-radius:4px;text-decoration:none;font-weight:600}
.disclaimer{font-size:.85rem;color:var(--muted)}
.card-list{list-style:none;padding:0}
.card-list li{padding:.75rem 0;border-bottom:1px solid var(--line)}
.card-list p{margin:.25rem 0;color:var(--muted)}
dl.comparisons dt{font-weight:600;margin-top:.75rem}
dl.comparisons dd{margin:.25rem 0 0}
.site-footer{border-top:1px solid var(--line);background:var(--soft);margin-top:3rem;font-size:.9rem}
@media print{.site-nav,.skip-link,.cta .button{display:none}}
`.trim()

/**
 * Defence in depth for the reference pages: they need no scripts at all (JSON-LD data blocks are
 * not executed), so none may run even if something slipped through the escaping.
 */
const CSP = "default-src 'none'; img-src http: https:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

export interface PageShell {
  clinic: ClinicShape
  /** `<title>`; the clinic's name is appended unless `titleIsComplete`. */
  title: string
  titleIsComplete?: boolean
  /** Meta description (trimmed to 300 characters). */
  description?: string | null
  /** Site path of this page, for the canonical link (null: no canonical, e.g. an error page). */
  path: string | null
  noIndex?: boolean
  jsonLd?: JsonLdObject | JsonLdObject[] | null
  /** Inner HTML of `<main>`. */
  main: string
  /** The page's language (model/languages.ts): `<html lang>`; English when absent. */
  language?: string | null
  /** The page's language versions (itself included), as `<link rel="alternate" hreflang>`. */
  alternates?: ReadonlyArray<{ hreflang: string; path: string }>
  /** Which navigation entry is the current section. */
  section?: RoutableType | 'home'
}

function truncate(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim()
  if (clean.length <= max) return clean
  const cut = clean.slice(0, max - 1)
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`
}

/** The clinic's postal address on one line. */
export function addressLine(clinic: ClinicShape): string {
  const a = clinic.address
  if (!a) return ''
  const region = [a.region, a.postalCode].filter((x) => typeof x === 'string' && x.trim() !== '').join(' ')
  return [a.street, a.city, region, a.country].filter((x) => typeof x === 'string' && x.trim() !== '').join(', ')
}

/** A full HTML document around a page's main content. */
/**
 * `<link rel="alternate" hreflang>` per language version of a page, and `x-default` at the English
 * one; nothing when the page has no other version (a lone page needs no alternates).
 */
function hreflangLinks(siteUrl: string, alternates: PageShell['alternates']): string {
  if (!alternates || alternates.length < 2) return ''
  const links = alternates.map(
    (a) =>
      `<link rel="alternate" hreflang="${escapeHtml(a.hreflang)}" href="${escapeHtml(absoluteUrl(siteUrl, a.path))}">`,
  )
  const source = alternates.find((a) => a.hreflang === localeOf(DEFAULT_LANGUAGE))
  if (source)
    links.push(`<link rel="alternate" hreflang="x-default" href="${escapeHtml(absoluteUrl(siteUrl, source.path))}">`)
  return links.join('\n')
}

export function renderDocument(shell: PageShell): string {
  const { clinic } = shell
  const siteUrl = requireSiteUrl(clinic)
  const clinicName = typeof clinic.name === 'string' && clinic.name.trim() !== '' ? clinic.name.trim() : 'Clinic'
  const title = shell.titleIsComplete ? shell.title : `${shell.title} | ${clinicName}`
  const canonical = shell.path === null ? null : absoluteUrl(siteUrl, shell.path)
  const description =
    typeof shell.description === 'string' && shell.description.trim() !== '' ? truncate(shell.description, 300) : ''
  const nav = (Object.keys(ROUTES) as RoutableType[])
    .map((type) => {
      const current = shell.section === type ? ' aria-current="page"' : ''
      // The index page lists every collection under an anchor (`/#articles`).
      return `<li><a href="/#${escapeHtml(ROUTES[type].collection.slice(1))}"${current}>${escapeHtml(ROUTES[type].label)}</a></li>`
    })
    .join('')
  const phone = typeof clinic.phone === 'string' ? clinic.phone.trim() : ''
  const phoneHref = phone ? safeLinkUrl(`tel:${phone.replace(/[^\d+]/g, '')}`) : null
  const email = typeof clinic.email === 'string' ? clinic.email.trim() : ''
  const emailHref = email ? safeLinkUrl(`mailto:${email}`) : null
  const contact = [
    addressLine(clinic) ? escapeHtml(addressLine(clinic)) : '',
    phone && phoneHref ? `<a href="${escapeHtml(phoneHref)}">${escapeHtml(phone)}</a>` : escapeHtml(phone),
    email && emailHref ? `<a href="${escapeHtml(emailHref)}">${escapeHtml(email)}</a>` : '',
  ]
    .filter((x) => x !== '')
    .join(' · ')
  const disclaimer =
    typeof clinic.medicalDisclaimer === 'string' && clinic.medicalDisclaimer.trim() !== ''
      ? `<p class="disclaimer" id="medical-disclaimer"><strong>Medical disclaimer:</strong> ${escapeHtml(clinic.medicalDisclaimer.trim())}</p>`
      : ''
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(localeOf(languageOf(shell)))}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">`,
    `<title>${escapeHtml(title)}</title>`,
    description ? `<meta name="description" content="${escapeHtml(description)}">` : '',
    canonical ? `<link rel="canonical" href="${escapeHtml(canonical)}">` : '',
    hreflangLinks(siteUrl, shell.alternates),
    shell.noIndex ? '<meta name="robots" content="noindex">' : '',
    `<meta property="og:title" content="${escapeHtml(shell.title)}">`,
    canonical ? `<meta property="og:url" content="${escapeHtml(canonical)}">` : '',
    `<meta property="og:site_name" content="${escapeHtml(clinicName)}">`,
    description ? `<meta property="og:description" content="${escapeHtml(description)}">` : '',
    `<style>${PAGE_CSS}</style>`,
    shell.jsonLd ? jsonLdScriptTag(shell.jsonLd) : '',
    '</head>',
    '<body>',
    '<a class="skip-link" href="#main">Skip to content</a>',
    '<header class="site-header"><div class="inner">',
    `<a class="site-name" href="/"${shell.section === 'home' ? ' aria-current="page"' : ''}>${escapeHtml(clinicName)}</a>`,
    `<nav class="site-nav" aria-label="Main"><ul>${nav}</ul></nav>`,
    '</div></header>',
    `<main id="main">${shell.main}</main>`,
    '<footer class="site-footer"><div class="inner">',
    disclaimer,
    contact ? `<p>${contact}</p>` : '',
    `<p>&copy; ${escapeHtml(clinicName)}</p>`,
    '</div></footer>',
    '</body>',
    '</html>',
  ]
    .filter((line) => line !== '')
    .join('\n')
}
