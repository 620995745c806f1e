// HTML inspection for render tests: parse with parse5 (the HTML5 parsing algorithm browsers use) and
// look at what a browser would build: elements, attributes, text, scripts, URLs.

import { parse, parseFragment } from 'parse5'
import type { DefaultTreeAdapterMap } from 'parse5'

type Node = DefaultTreeAdapterMap['node']
type Element = DefaultTreeAdapterMap['element']
type TextNode = DefaultTreeAdapterMap['textNode']

export interface ParsedHtml {
  elements: Element[]
  text: string
}

function isElement(node: Node): node is Element {
  return 'tagName' in node
}

function walk(node: Node, out: Element[]): void {
  if (isElement(node)) out.push(node)
  const children = 'childNodes' in node ? node.childNodes : []
  for (const child of children) walk(child, out)
  // <template> content lives in a separate fragment.
  if (isElement(node) && node.tagName === 'template' && 'content' in node) walk(node.content as Node, out)
}

function textOf(node: Node): string {
  if (node.nodeName === '#text') return (node as TextNode).value
  if (isElement(node) && (node.tagName === 'script' || node.tagName === 'style')) return ' '
  const children = 'childNodes' in node ? node.childNodes : []
  const blockish =
    isElement(node) &&
    /^(p|h[1-6]|li|div|section|aside|figure|figcaption|blockquote|header|footer|main|article|ol|ul|dt|dd|tr|td|th|br)$/.test(
      node.tagName,
    )
  const inner = children.map(textOf).join('')
  return blockish ? ` ${inner} ` : inner
}

export function parseDocument(html: string): ParsedHtml {
  const doc = parse(html)
  const elements: Element[] = []
  walk(doc as unknown as Node, elements)
  return { elements, text: normaliseText(textOf(doc as unknown as Node)) }
}

export function parseHtmlFragment(html: string): ParsedHtml {
  const frag = parseFragment(html)
  const elements: Element[] = []
  walk(frag as unknown as Node, elements)
  return { elements, text: normaliseText(textOf(frag as unknown as Node)) }
}

export function normaliseText(text: string): string {
  return text
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

export function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value
}

export function elementText(el: Element): string {
  return normaliseText(textOf(el as Node))
}

export function byTag(parsed: ParsedHtml, tag: string): Element[] {
  return parsed.elements.filter((e) => e.tagName === tag)
}

const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'srcset',
  'action',
  'formaction',
  'xlink:href',
  'poster',
  'data',
  'background',
  'cite',
  'ping',
  'lowsrc',
  'dynsrc',
])

/** What browsers ignore when reading a URL's scheme: ASCII whitespace and control characters. */
function schemeView(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0020\u007f-\u009f\u200b\ufeff]/g, '').toLowerCase()
}

export interface SafetyProblem {
  problem: string
  element: string
  detail: string
}

/**
 * Everything in parsed HTML that could run script: <script> other than JSON-LD, any on* attribute,
 * javascript:/data:/vbscript: in any URL-bearing attribute (including each srcset candidate and a
 * meta refresh), elements that load or embed active content, style attributes with url()/expression.
 */
export function safetyProblems(parsed: ParsedHtml): SafetyProblem[] {
  const problems: SafetyProblem[] = []
  for (const el of parsed.elements) {
    if (el.tagName === 'script' && attr(el, 'type') !== 'application/ld+json') {
      problems.push({ problem: 'script element', element: el.tagName, detail: String(attr(el, 'type')) })
    }
    if (
      ['iframe', 'object', 'embed', 'frame', 'frameset', 'base', 'form', 'svg', 'math', 'link'].includes(el.tagName) &&
      !(el.tagName === 'link' && attr(el, 'rel') === 'canonical')
    ) {
      problems.push({ problem: 'active element', element: el.tagName, detail: '' })
    }
    if (el.tagName === 'meta' && /refresh/i.test(attr(el, 'http-equiv') ?? '')) {
      problems.push({ problem: 'meta refresh', element: 'meta', detail: String(attr(el, 'content')) })
    }
    for (const a of el.attrs) {
      if (/^on/i.test(a.name))
        problems.push({ problem: 'event handler attribute', element: el.tagName, detail: `${a.name}=${a.value}` })
      if (a.name === 'style' && /url\(|expression\(|javascript:/i.test(a.value)) {
        problems.push({ problem: 'dangerous style', element: el.tagName, detail: a.value })
      }
      if (URL_ATTRIBUTES.has(a.name)) {
        const candidates =
          a.name === 'srcset' ? a.value.split(',').map((c) => c.trim().split(/\s+/)[0] ?? '') : [a.value]
        for (const c of candidates) {
          if (/^(javascript|data|vbscript|file):/.test(schemeView(c))) {
            problems.push({ problem: 'dangerous URL', element: el.tagName, detail: `${a.name}=${a.value}` })
          }
        }
      }
    }
  }
  return problems
}

/** Parsed JSON of every JSON-LD script in a document, with its raw text. */
export function jsonLdScripts(html: string): Array<{ raw: string; data: unknown }> {
  const parsed = parseDocument(html)
  return byTag(parsed, 'script')
    .filter((s) => attr(s, 'type') === 'application/ld+json')
    .map((s) => {
      const raw = s.childNodes.map((c) => (c.nodeName === '#text' ? (c as TextNode).value : '')).join('')
      return { raw, data: JSON.parse(raw) as unknown }
    })
}
