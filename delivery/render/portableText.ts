// Portable Text (blockContent / simpleBlockContent) -> safe HTML with @portabletext/to-html.
//
// Safe by construction: the input is first normalised (anything that is not well-formed Portable
// Text is dropped with a warning, so hostile JSON cannot reach the library's internals), every text
// goes through to-html's escaper, every attribute we write through escapeHtml, and every URL through
// an allow-list (http/https/mailto/tel) or the route table. Unknown types, styles and marks render
// nothing harmful (no raw JSON, no hidden debug markup) and are reported through `onWarning`.
// Browser-safe: no Node imports.

import { toHTML, escapeHTML as escapeText } from '@portabletext/to-html'
import type {
  PortableTextBlockComponent,
  PortableTextComponents,
  PortableTextMarkComponent,
  PortableTextTypeComponent,
  MissingComponentHandler,
} from '@portabletext/to-html'
import type { ImageUrlBuilder } from '@sanity/image-url'
import { absoluteUrl, pathFor, type RoutableRef } from '../../model/site-paths.js'
import { escapeHtml, linkHtml, safeLinkUrl } from './escape.js'
import { citationNumbers, footnoteId, footnoteRefId } from './citations.js'
import { createImageBuilder, renderImageHtml } from './images.js'
import type { CitationShape, ImageConfig, PortableTextInput, RenderWarning, WarningHandler } from './types.js'

export interface PortableTextRenderOptions {
  /** The article's `citations[]`: `citationRef` marks are numbered by position in it. */
  citations?: ReadonlyArray<CitationShape | null | undefined> | null
  /**
   * The clinic's site URL. When set, internal links are absolute (`https://site/articles/x`), which
   * syndicated copies need, and links to other hosts are marked external (rel="noopener noreferrer").
   * When absent, internal links are site-relative paths.
   */
  siteUrl?: string | null
  /** Where images come from; without it, image blocks render nothing (with a warning). */
  images?: ImageConfig | ImageUrlBuilder | null
  /** `sizes` attribute for body images. */
  imageSizes?: string
  /** Called for each problem found in the content; rendering always carries on. */
  onWarning?: WarningHandler
  /**
   * `simple` renders simpleBlockContent (FAQ answers, callout bodies): headings, blockquotes,
   * callouts and images are not allowed there and render as plain paragraphs / nothing.
   */
  variant?: 'block' | 'simple'
}

export interface RenderedPortableText {
  html: string
  /** Citation numbers referenced in the text (for footnote back links). */
  citedNumbers: ReadonlySet<number>
  warnings: readonly RenderWarning[]
}

type PlainObject = Record<string, unknown>

/** A node of normalised Portable Text: what to-html is given. */
export interface PortableTextNode {
  _type: string
  _key?: string
  [field: string]: unknown
}

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function keyOf(value: PlainObject): string | undefined {
  return typeof value._key === 'string' ? value._key : undefined
}

const MAX_LIST_LEVEL = 8
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g

/**
 * Returns well-formed Portable Text: blocks with array children of spans (string text, string
 * marks) and keyed markDefs; custom objects without children (so they are never mistaken for text
 * blocks); `_type`s starting with "@" (the library's internal node types) dropped.
 */
export function normalisePortableText(value: unknown, warn: WarningHandler): PortableTextNode[] {
  if (value === null || value === undefined) return []
  if (!Array.isArray(value)) {
    warn({
      code: 'invalid-portable-text',
      message: `Expected a Portable Text array, got ${typeof value}; nothing rendered.`,
    })
    return []
  }
  const out: PortableTextNode[] = []
  value.forEach((item: unknown, index) => {
    if (!isPlainObject(item) || typeof item._type !== 'string' || item._type === '' || item._type.startsWith('@')) {
      warn({
        code: 'invalid-block',
        message: `Item ${index} of the Portable Text is not a block or object with a _type; it was skipped.`,
      })
      return
    }
    if (item._type !== 'block') {
      const { children: _children, markDefs: _markDefs, _key, ...rest } = item
      out.push({ ...rest, _type: item._type, ...(typeof _key === 'string' ? { _key } : {}) })
      return
    }
    const markDefs = Array.isArray(item.markDefs)
      ? item.markDefs.filter(
          (d: unknown): d is PlainObject =>
            isPlainObject(d) && typeof d._key === 'string' && typeof d._type === 'string',
        )
      : []
    const children: PlainObject[] = []
    for (const child of Array.isArray(item.children) ? (item.children as unknown[]) : []) {
      if (!isPlainObject(child) || typeof child._type !== 'string' || child._type === '' || child._type.startsWith('@'))
        continue
      if (child._type === 'span') {
        children.push({
          _type: 'span',
          ...(typeof child._key === 'string' ? { _key: child._key } : {}),
          // Control characters (other than tab and line breaks) have no business in prose.
          text: typeof child.text === 'string' ? child.text.replace(CONTROL_CHARS, '') : '',
          marks: Array.isArray(child.marks)
            ? child.marks.filter((m: unknown): m is string => typeof m === 'string')
            : [],
        })
      } else {
        const { children: _c, markDefs: _m, ...inline } = child
        children.push(inline)
      }
    }
    const block: PortableTextNode = {
      _type: 'block',
      ...(typeof item._key === 'string' ? { _key: item._key } : {}),
      style: typeof item.style === 'string' && item.style !== '' ? item.style : 'normal',
      markDefs,
      children,
    }
    if (typeof item.listItem === 'string' && item.listItem !== '') {
      block.listItem = item.listItem
      const level = typeof item.level === 'number' && Number.isFinite(item.level) ? Math.trunc(item.level) : 1
      block.level = Math.min(MAX_LIST_LEVEL, Math.max(1, level))
    }
    out.push(block)
  })
  return out
}

function blockText(block: unknown): string {
  if (!isPlainObject(block) || !Array.isArray(block.children)) return ''
  return (block.children as unknown[])
    .map((c) => (isPlainObject(c) && typeof c.text === 'string' ? c.text : ''))
    .join('')
}

/** `What conditions can be treated?` -> `what-conditions-can-be-treated`. */
function slugifyHeading(text: string): string {
  const slug = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '')
  return slug === '' ? 'section' : slug
}

const CALLOUT_TONES = { info: 'Note', tip: 'Tip', warning: 'Important' } as const
type CalloutTone = keyof typeof CALLOUT_TONES

/** Text typed as a citation number by the editor: `1`, `(1)`, `[1]`. */
const TYPED_CITATION_NUMBER = /^(\s*[([]?)\s*\d+\s*([)\]]?\s*)$/

/** Renders Portable Text to HTML and reports what it referenced and what was wrong. */
export function renderPortableTextWithInfo(
  blocks: PortableTextInput | unknown,
  options: PortableTextRenderOptions = {},
): RenderedPortableText {
  const warnings: RenderWarning[] = []
  const warn: WarningHandler = (w) => {
    warnings.push(w)
    options.onWarning?.(w)
  }
  const state: RenderState = {
    cited: new Set<number>(),
    citationRefCounts: new Map<number, number>(),
    headingIds: new Map<string, number>(),
    // Resolved once per render, and before anything else so a bad image config always throws.
    imageBuilder: resolveImageBuilder(options.images),
  }
  const html = renderWith(blocks, options, warn, state, options.variant ?? 'block', 0)
  return { html, citedNumbers: state.cited, warnings }
}

/** Renders Portable Text to an HTML fragment. See {@link PortableTextRenderOptions}. */
export function renderPortableText(
  blocks: PortableTextInput | unknown,
  options: PortableTextRenderOptions = {},
): string {
  return renderPortableTextWithInfo(blocks, options).html
}

interface RenderState {
  cited: Set<number>
  citationRefCounts: Map<number, number>
  headingIds: Map<string, number>
  imageBuilder: ImageUrlBuilder | null
}

function resolveImageBuilder(images: PortableTextRenderOptions['images']): ImageUrlBuilder | null {
  if (!images) return null
  if ('url' in images && typeof images.url === 'function') return images as ImageUrlBuilder
  return createImageBuilder(images as ImageConfig)
}

function renderWith(
  blocks: unknown,
  options: PortableTextRenderOptions,
  warn: WarningHandler,
  state: RenderState,
  variant: 'block' | 'simple',
  depth: number,
): string {
  const normalised = normalisePortableText(blocks, warn)
  if (normalised.length === 0) return ''
  const numbers = citationNumbers(options.citations)
  const siteUrl = options.siteUrl ?? null
  const imageBuilder = variant === 'block' ? state.imageBuilder : null

  const paragraph: PortableTextBlockComponent = ({ children }) =>
    children && children.trim() !== '' ? `<p>${children}</p>` : ''
  const heading =
    (tag: 'h2' | 'h3'): PortableTextBlockComponent =>
    ({ children, value }) => {
      if (!children || children.trim() === '') return ''
      const base = slugifyHeading(blockText(value))
      const seen = state.headingIds.get(base) ?? 0
      state.headingIds.set(base, seen + 1)
      const id = seen === 0 ? base : `${base}-${seen + 1}`
      return `<${tag} id="${escapeHtml(id)}">${children}</${tag}>`
    }
  const blockquote: PortableTextBlockComponent = ({ children }) =>
    children && children.trim() !== '' ? `<blockquote><p>${children}</p></blockquote>` : ''

  const link: PortableTextMarkComponent = ({ children, value }) => {
    const href = isPlainObject(value) ? value.href : undefined
    if (safeLinkUrl(href) === null) {
      warn({
        code: 'unsafe-link',
        message: `A link's URL ${JSON.stringify(typeof href === 'string' ? href.slice(0, 80) : href)} is not an http(s), mailto or tel URL; it was rendered as plain text. Fix the URL in the link.`,
      })
      return children
    }
    return linkHtml(href, children, { siteUrl })
  }

  const internalLink: PortableTextMarkComponent = ({ children, value }) => {
    const target = isPlainObject(value) ? value.target : undefined
    const path = isPlainObject(target) ? pathFor(target as RoutableRef) : null
    if (path === null) {
      warn({
        code: 'internal-link-unresolved',
        message: isPlainObject(target)
          ? `An internal link points at a ${String(target._type)} without a page (missing slug or unsupported type); it was rendered as plain text.`
          : 'An internal link points at a document that does not exist or is not published; it was rendered as plain text. Publish the target or remove the link.',
      })
      return children
    }
    const href = siteUrl ? absoluteUrl(siteUrl, path) : path
    return `<a href="${escapeHtml(href)}" class="internal-link">${children}</a>`
  }

  const citationRef: PortableTextMarkComponent = ({ children, value, text }) => {
    const key = isPlainObject(value) ? value.citationKey : undefined
    const n = typeof key === 'string' ? numbers.get(key) : undefined
    if (n === undefined) {
      warn({
        code: 'citation-not-found',
        message: `A citation reference points at citation key ${JSON.stringify(key)}, which is not in this article's citations; pick an existing citation.`,
      })
      return children
    }
    const count = (state.citationRefCounts.get(n) ?? 0) + 1
    state.citationRefCounts.set(n, count)
    state.cited.add(n)
    const id = count === 1 ? footnoteRefId(n) : `${footnoteRefId(n)}-${count}`
    const anchor = (label: string) =>
      `<sup class="citation-ref"><a href="#${footnoteId(n)}" id="${id}" aria-label="Reference ${n}">${label}</a></sup>`
    // The editor typed a number ("(1)"): show the real position in its brackets, so the number in the
    // text always matches the footnote even after citations are reordered.
    const typed = TYPED_CITATION_NUMBER.exec(text)
    if (typed) return anchor(`${escapeText(typed[1]!.trim())}${n}${escapeText(typed[2]!.trim())}`)
    return `${children}${anchor(`[${n}]`)}`
  }

  const callout: PortableTextTypeComponent = ({ value }) => {
    if (depth > 0) return ''
    const v = isPlainObject(value) ? value : {}
    let tone: CalloutTone = 'info'
    if (typeof v.tone === 'string' && v.tone in CALLOUT_TONES) tone = v.tone as CalloutTone
    else if (v.tone !== undefined && v.tone !== null) {
      warn({
        code: 'callout-tone',
        message: `A callout has tone ${JSON.stringify(v.tone)}; use info, tip or warning. Rendered as info.`,
        blockKey: keyOf(v),
      })
    }
    const title = typeof v.title === 'string' ? v.title.trim() : ''
    const body = renderWith(v.body, options, warn, state, 'simple', depth + 1)
    if (title === '' && body === '') return ''
    const label = title === '' ? CALLOUT_TONES[tone] : title
    const titleHtml = title === '' ? '' : `<p class="callout__title"><strong>${escapeText(title)}</strong></p>`
    return `<aside class="callout callout--${tone}" role="note" aria-label="${escapeHtml(label)}">${titleHtml}${body}</aside>`
  }

  const accessibleImage: PortableTextTypeComponent = ({ value }) => {
    if (!imageBuilder) {
      warn({
        code: 'images-not-configured',
        message:
          'An image block was skipped because no image config (projectId, dataset, baseUrl) was given to the renderer.',
      })
      return ''
    }
    return renderImageHtml(isPlainObject(value) ? value : null, imageBuilder, {
      sizes: options.imageSizes,
      className: 'content-image',
      onWarning: warn,
    })
  }

  const nothing: PortableTextTypeComponent = () => ''

  const onMissingComponent: MissingComponentHandler = (_message, { type, nodeType }) => {
    const where = variant === 'simple' ? ' in simple content (FAQ answers, callouts)' : ''
    const what: Record<string, string> = {
      block: `block type ${JSON.stringify(type)}${where} is not supported; it was not rendered`,
      mark: `mark ${JSON.stringify(type)}${where} is not supported; its text was rendered without it`,
      blockStyle: `block style ${JSON.stringify(type)}${where} is not supported; it was rendered as a paragraph`,
      listStyle: `list style ${JSON.stringify(type)} is not supported; it was rendered as a bullet list`,
      listItemStyle: `list item style ${JSON.stringify(type)} is not supported; it was rendered as a list item`,
    }
    warn({
      code: `unknown-${nodeType}`,
      message: `The ${what[nodeType] ?? `${nodeType} ${JSON.stringify(type)} is not supported`}.`,
    })
  }

  const components: PortableTextComponents = {
    block:
      variant === 'simple'
        ? {
            normal: paragraph,
            h1: undefined,
            h2: undefined,
            h3: undefined,
            h4: undefined,
            h5: undefined,
            h6: undefined,
            blockquote: undefined,
          }
        : {
            normal: paragraph,
            h2: heading('h2'),
            h3: heading('h3'),
            blockquote,
            h1: undefined,
            h4: undefined,
            h5: undefined,
            h6: undefined,
          },
    list: {
      bullet: ({ children }) => `<ul>${children ?? ''}</ul>`,
      number: ({ children }) => `<ol>${children ?? ''}</ol>`,
    },
    listItem: ({ children }) => `<li>${children ?? ''}</li>`,
    marks: {
      strong: ({ children }) => `<strong>${children}</strong>`,
      em: ({ children }) => `<em>${children}</em>`,
      link,
      internalLink,
      citationRef: variant === 'block' ? citationRef : undefined,
      code: undefined,
      underline: undefined,
      'strike-through': undefined,
    },
    types: variant === 'block' ? { callout, accessibleImage } : { callout: undefined, accessibleImage: undefined },
    unknownType: nothing,
    unknownMark: ({ children }) => children,
    // A distinct function: to-html detects "unknown" by comparing with this component's identity.
    unknownBlockStyle: (props) => paragraph(props),
    unknownList: ({ children }) => `<ul>${children ?? ''}</ul>`,
    unknownListItem: ({ children }) => `<li>${children ?? ''}</li>`,
    hardBreak: () => '<br>',
  }

  return toHTML(normalised, { components, onMissingComponent })
}
