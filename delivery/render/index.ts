// The render layer's public API: Portable Text to safe HTML, plain text and readability, JSON-LD,
// and the reference HTML pages. Everything here is pure (no I/O) and browser-safe.
export * from './types.js'
export { escapeHtml, safeLinkUrl, isExternalHttpUrl, linkHtml, ALLOWED_LINK_PROTOCOLS } from './escape.js'
export {
  renderPortableText,
  renderPortableTextWithInfo,
  normalisePortableText,
  type PortableTextRenderOptions,
  type RenderedPortableText,
  type PortableTextNode,
} from './portableText.js'
export {
  citationNumbers,
  doiUrl,
  normaliseDoi,
  pubmedUrl,
  footnoteId,
  footnoteRefId,
  formatCitationHtml,
  renderFootnotesHtml,
} from './citations.js'
export {
  createImageBuilder,
  parseImageAssetId,
  responsiveImage,
  renderImageHtml,
  DEFAULT_SRCSET_WIDTHS,
  DEFAULT_SIZES,
  type ResponsiveImage,
  type ImageHtmlOptions,
  type ParsedAssetId,
} from './images.js'
// Readability is a content rule the Studio shares: it lives in model/ and is part of this API too.
export * from '../../model/readability.js'
export * from './jsonld.js'
export { renderDocument, addressLine, PAGE_CSS, type PageShell } from './layout.js'
export * from './pages.js'
