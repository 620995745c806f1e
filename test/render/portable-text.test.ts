import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { renderPortableText, renderPortableTextWithInfo, type RenderWarning } from '../../delivery/render/index.js'
import { attr, byTag, parseHtmlFragment } from './html.js'
import { bullet, heading, paragraph, span } from './fixtures.js'

const images = { projectId: 'local', dataset: 'production', baseUrl: 'http://127.0.0.1:3333' }
const pt = suite('portable text to HTML')

function linkBlock(href: unknown) {
  return {
    _type: 'block',
    _key: 'b',
    style: 'normal',
    markDefs: [{ _type: 'link', _key: 'l', href }],
    children: [span('click', ['l'])],
  }
}

pt('styles, decorators and lists render as semantic HTML', () => {
  const html = renderPortableText([
    heading('Intro'),
    heading('Detail', 'h3'),
    { ...paragraph('Quoted'), style: 'blockquote' },
    {
      _type: 'block',
      _key: 'x',
      style: 'normal',
      markDefs: [],
      children: [span('bold', ['strong']), span(' and '), span('italic', ['em'])],
    },
    bullet('one'),
    bullet('two'),
    { ...bullet('first'), listItem: 'number' },
  ])
  assert.is(
    html,
    '<h2 id="intro">Intro</h2><h3 id="detail">Detail</h3><blockquote><p>Quoted</p></blockquote>' +
      '<p><strong>bold</strong> and <em>italic</em></p><ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>',
  )
})

pt('heading ids are unique within a render', () => {
  const html = renderPortableText([heading('Same'), heading('Same'), heading('!!!')])
  assert.is(html, '<h2 id="same">Same</h2><h2 id="same-2">Same</h2><h2 id="section">!!!</h2>')
})

pt('links keep only http, https, mailto and tel; external links get rel="noopener noreferrer"', () => {
  const html = renderPortableText(
    [
      linkBlock('https://example.org/a?b=1&c=2'),
      linkBlock('mailto:a@example.org'),
      linkBlock('tel:+15550100'),
      linkBlock('https://www.clinic.example/x'),
    ],
    { siteUrl: 'https://www.clinic.example' },
  )
  const links = byTag(parseHtmlFragment(html), 'a')
  assert.equal(
    links.map((a) => attr(a, 'href')),
    ['https://example.org/a?b=1&c=2', 'mailto:a@example.org', 'tel:+15550100', 'https://www.clinic.example/x'],
  )
  assert.equal(
    links.map((a) => attr(a, 'rel')),
    ['noopener noreferrer', undefined, undefined, undefined],
  )
  const warnings: RenderWarning[] = []
  const dropped = renderPortableText([linkBlock('javascript:alert(1)'), linkBlock('/relative'), linkBlock(42)], {
    onWarning: (w) => warnings.push(w),
  })
  assert.is(dropped, '<p>click</p><p>click</p><p>click</p>')
  assert.equal(
    warnings.map((w) => w.code),
    ['unsafe-link', 'unsafe-link', 'unsafe-link'],
  )
  assert.match(warnings[0]!.message, /javascript:alert\(1\).*Fix the URL/)
})

pt('internal links resolve through the route table; a missing target renders plain text', () => {
  const block = {
    _type: 'block',
    _key: 'b',
    style: 'normal',
    markDefs: [
      { _type: 'internalLink', _key: 'a', target: { _type: 'treatment', slug: 'dry-needling' } },
      { _type: 'internalLink', _key: 'b', target: null },
      { _type: 'internalLink', _key: 'c', target: { _type: 'faq', slug: 'x' } },
    ],
    children: [span('DN', ['a']), span(' / '), span('gone', ['b']), span(' / '), span('faq', ['c'])],
  }
  assert.is(
    renderPortableText([block]),
    '<p><a href="/treatments/dry-needling" class="internal-link">DN</a> / gone / faq</p>',
  )
  const info = renderPortableTextWithInfo([block], { siteUrl: 'https://site.example/' })
  assert.is(
    info.html,
    '<p><a href="https://site.example/treatments/dry-needling" class="internal-link">DN</a> / gone / faq</p>',
  )
  assert.equal(
    info.warnings.map((w) => w.code),
    ['internal-link-unresolved', 'internal-link-unresolved'],
  )
})

pt('citation references are numbered by position in citations[] and link to #cite-N', () => {
  const citations = [{ _key: 'first' }, { _key: 'second' }]
  const block = {
    _type: 'block',
    _key: 'b',
    style: 'normal',
    markDefs: [
      { _type: 'citationRef', _key: 'm1', citationKey: 'second' },
      { _type: 'citationRef', _key: 'm2', citationKey: 'second' },
      { _type: 'citationRef', _key: 'm3', citationKey: 'nope' },
    ],
    children: [span('studies show', ['m1']), span(' and '), span('(7)', ['m2']), span(' but '), span('this', ['m3'])],
  }
  const info = renderPortableTextWithInfo([block], { citations })
  assert.is(
    info.html,
    '<p>studies show<sup class="citation-ref"><a href="#cite-2" id="cite-ref-2" aria-label="Reference 2">[2]</a></sup>' +
      ' and <sup class="citation-ref"><a href="#cite-2" id="cite-ref-2-2" aria-label="Reference 2">(2)</a></sup> but this</p>',
  )
  assert.equal([...info.citedNumbers], [2])
  assert.equal(
    info.warnings.map((w) => w.code),
    ['citation-not-found'],
  )
})

pt('callouts render as <aside> with role, tone class and label; bodies are simple content', () => {
  const html = renderPortableText([
    { _type: 'callout', _key: 'c', tone: 'warning', title: 'Stop', body: [paragraph('Call us.'), heading('Not here')] },
    { _type: 'callout', _key: 'd', tone: 'shouting', body: [paragraph('x')] },
    {
      _type: 'callout',
      _key: 'e',
      tone: 'tip',
      body: [{ _type: 'callout', tone: 'info', body: [paragraph('nested')] }],
    },
  ])
  assert.is(
    html,
    '<aside class="callout callout--warning" role="note" aria-label="Stop"><p class="callout__title"><strong>Stop</strong></p><p>Call us.</p><p>Not here</p></aside>' +
      '<aside class="callout callout--info" role="note" aria-label="Note"><p>x</p></aside>',
  )
})

pt('images render with srcset, width/height from the asset id, alt, lazy loading and a figure for captions', () => {
  const html = renderPortableText(
    [
      {
        _type: 'accessibleImage',
        _key: 'i',
        asset: { _ref: 'image-abc123-1000x500-jpg', _type: 'reference' },
        alt: 'Knee "brace"',
        caption: 'A brace',
      },
      {
        _type: 'accessibleImage',
        _key: 'j',
        asset: { _id: 'image-def456-300x600-png' },
        alt: 'Tall',
        crop: { top: 0.5, bottom: 0, left: 0, right: 0 },
      },
    ],
    { images },
  )
  const parsed = parseHtmlFragment(html)
  const [img1, img2] = byTag(parsed, 'img')
  assert.is(attr(img1!, 'alt'), 'Knee "brace"')
  assert.is(attr(img1!, 'width'), '1000')
  assert.is(attr(img1!, 'height'), '500')
  assert.is(attr(img1!, 'loading'), 'lazy')
  assert.ok(attr(img1!, 'sizes'))
  assert.is(
    attr(img1!, 'src'),
    'http://127.0.0.1:3333/images/local/production/abc123-1000x500.jpg?w=960&fit=max&auto=format',
  )
  const widths = attr(img1!, 'srcset')!
    .split(', ')
    .map((c) => c.split(' ')[1])
  assert.equal(widths, ['320w', '480w', '640w', '960w', '1000w'])
  assert.is(byTag(parsed, 'figcaption')[0]!.childNodes.length, 1)
  assert.is(byTag(parsed, 'figure').length, 2)
  // cropped: half the height is shown
  assert.is(attr(img2!, 'width'), '300')
  assert.is(attr(img2!, 'height'), '300')
  assert.match(
    attr(img2!, 'src')!,
    /^http:\/\/127\.0\.0\.1:3333\/images\/local\/production\/def456-300x600\.png\?rect=0,300,300,300/,
  )
})

pt('hosted Sanity images use the CDN when no baseUrl is given', () => {
  const html = renderPortableText(
    [{ _type: 'accessibleImage', _key: 'i', asset: { _ref: 'image-abc-10x10-jpg' }, alt: 'x' }],
    {
      images: { projectId: 'abc123', dataset: 'production' },
    },
  )
  assert.match(html, /src="https:\/\/cdn\.sanity\.io\/images\/abc123\/production\/abc-10x10\.jpg\?w=10/)
})

pt('images without an asset, alt text or image config are reported', () => {
  const warnings: RenderWarning[] = []
  const onWarning = (w: RenderWarning) => warnings.push(w)
  assert.is(renderPortableText([{ _type: 'accessibleImage', _key: 'i', alt: 'x' }], { images, onWarning }), '')
  assert.match(
    renderPortableText([{ _type: 'accessibleImage', _key: 'i', asset: { _ref: 'image-a-1x1-png' } }], {
      images,
      onWarning,
    }),
    /alt=""/,
  )
  assert.is(
    renderPortableText([{ _type: 'accessibleImage', _key: 'i', asset: { _ref: 'image-a-1x1-png' }, alt: 'x' }], {
      onWarning,
    }),
    '',
  )
  assert.equal(
    warnings.map((w) => w.code),
    ['image-without-asset', 'image-without-alt', 'images-not-configured'],
  )
  assert.throws(
    () => renderPortableText([], { images: { projectId: 'ok', dataset: 'a b' } }),
    /dataset "a b" is not a valid dataset name/,
  )
  assert.throws(
    () => renderPortableText([], { images: { projectId: 'ok', dataset: 'p', baseUrl: 'ftp://x' } }),
    /baseUrl "ftp:\/\/x" must be http or https/,
  )
})

pt('unknown types, styles and marks render nothing harmful and call the warning hook', () => {
  const warnings: RenderWarning[] = []
  const html = renderPortableText(
    [
      { _type: 'youtube', _key: 'y', url: 'https://x', html: '<iframe>' },
      { ...paragraph('big'), style: 'h1' },
      {
        _type: 'block',
        _key: 'm',
        style: 'normal',
        markDefs: [{ _type: 'highlight', _key: 'h' }],
        children: [span('marked', ['h', 'underline'])],
      },
      { ...bullet('odd'), listItem: 'checkbox' },
    ],
    { onWarning: (w) => warnings.push(w) },
  )
  assert.is(html, '<p>big</p><p>marked</p><ul><li>odd</li></ul>')
  assert.ok(!html.includes('youtube') && !html.includes('{'), 'no raw JSON or type names in the output')
  assert.equal(warnings.map((w) => w.code).sort(), [
    'unknown-block',
    'unknown-blockStyle',
    'unknown-listStyle',
    'unknown-mark',
    'unknown-mark',
  ])
})

pt('malformed Portable Text is skipped with a warning instead of crashing', () => {
  const warnings: RenderWarning[] = []
  const onWarning = (w: RenderWarning) => warnings.push(w)
  assert.is(renderPortableText('not an array', { onWarning }), '')
  assert.is(renderPortableText(null), '')
  const html = renderPortableText(
    [
      null,
      42,
      { no: 'type' },
      { _type: '@list', children: [] },
      { _type: 'block', children: 'oops', markDefs: 'bad' },
      {
        _type: 'block',
        children: [
          null,
          { _type: 'span', text: 5, marks: 'x' },
          { _type: 'span', text: 'ok', marks: [null, 'strong'] },
        ],
        markDefs: [{ _type: 'link' }],
      },
      { _type: 'block', listItem: 'bullet', level: 1e9, children: [span('deep')] },
    ],
    { onWarning },
  )
  assert.is(html, '<p><strong>ok</strong></p><ul><li>deep</li></ul>')
  assert.equal(
    warnings.map((w) => w.code),
    ['invalid-portable-text', 'invalid-block', 'invalid-block', 'invalid-block', 'invalid-block'],
  )
})

pt.run()
