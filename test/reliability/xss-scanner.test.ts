// The XSS scanner's own rules for language alternates: exactly `<link rel="alternate" hreflang
// href="https://...">` in a page and `<xhtml:link rel="alternate" hreflang href="https://..."/>` in
// a sitemap (which may declare the XHTML namespace) are inert; anything else of the kind is still a
// finding, so the exception cannot hide a planted element.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { scanOutput } from './_scan.js'

const test = suite('reliability: XSS scanner, language alternates')

const page = (head: string) => ({
  url: '/es/articles/x',
  status: 200,
  contentType: 'text/html; charset=utf-8',
  body: `<!doctype html><html lang="es-US"><head><title>x</title>${head}</head><body><p>x</p></body></html>`,
})

const SITEMAP_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
const sitemap = (url: string) => ({
  url: '/sitemaps/articles-1.xml',
  status: 200,
  contentType: 'application/xml',
  body: `${SITEMAP_HEAD}<url><loc>https://clinic.example/es/articles/x</loc>${url}</url></urlset>`,
})

test('hreflang alternates in a page are inert; other links are findings', () => {
  assert.equal(
    scanOutput(
      page(
        '<link rel="alternate" hreflang="en-US" href="https://clinic.example/articles/x"><link rel="alternate" hreflang="x-default" href="https://clinic.example/articles/x">',
      ),
    ),
    [],
  )
  for (const head of [
    '<link rel="alternate" hreflang="es-US" href="javascript:alert(1)">',
    '<link rel="stylesheet" hreflang="es-US" href="https://evil.example/x.css">',
    '<link rel="alternate" hreflang="es-US" href="https://clinic.example/x" onload="alert(1)">',
    '<link rel="alternate" hreflang="<script>" href="https://clinic.example/x">',
  ]) {
    assert.ok(scanOutput(page(head)).length > 0, `flagged: ${head}`)
  }
})

test('xhtml:link alternates in a sitemap are inert; other XHTML is a finding', () => {
  assert.equal(
    scanOutput(
      sitemap(
        '<xhtml:link rel="alternate" hreflang="es-US" href="https://clinic.example/es/articles/x"/><xhtml:link rel="alternate" hreflang="en-US" href="https://clinic.example/articles/y"/>',
      ),
    ),
    [],
  )
  for (const extra of [
    '<xhtml:script>alert(1)</xhtml:script>',
    '<xhtml:link rel="alternate" hreflang="es-US" href="javascript:alert(1)"/>',
    '<xhtml:link rel="stylesheet" hreflang="es-US" href="https://evil.example/x.css"/>',
  ]) {
    assert.ok(scanOutput(sitemap(extra)).length > 0, `flagged: ${extra}`)
  }
  // Outside a sitemap the XHTML namespace is still a finding.
  const feed = {
    url: '/feeds/es/rss.xml',
    status: 200,
    contentType: 'application/rss+xml',
    body: '<?xml version="1.0"?><rss version="2.0" xmlns:x="http://www.w3.org/1999/xhtml"><channel><title>x</title></channel></rss>',
  }
  assert.ok(scanOutput(feed).length > 0)
})

test.run()
