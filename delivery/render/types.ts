// Input types of the renderers: small structural interfaces naming exactly the content-model fields
// (docs/content-model.md) the renderers read, so any query result that has those fields fits,
// whether it comes from a TypeGen query result type, a raw document or a test fixture.
//
// Every field is optional and nullable because GROQ projections return null for missing fields and
// TypeGen types them that way; the renderers treat null and absent alike. Portable Text arrays are
// typed loosely (`PortableTextInput`) and validated at render time, because content is untrusted.
//
// TODO(typegen): once sanity.types.ts has the delivery query results (ArticleBySlugQueryResult, ...),
// the page renderers can additionally be checked against them (see test/render/types.test.ts).

import type { SlugValue } from '../routes.js'

type Maybe<T> = T | null | undefined

/** Any Portable Text array (blockContent, simpleBlockContent); validated when rendered. */
export type PortableTextInput = Maybe<ReadonlyArray<Maybe<{ _type?: Maybe<string> }>>>

/** A Sanity image asset as stored (`{_ref}`) or dereferenced by a query (`asset->{_id, url, ...}`). */
export interface ImageAssetInput {
  _ref?: Maybe<string>
  _id?: Maybe<string>
  url?: Maybe<string>
  metadata?: Maybe<{ dimensions?: Maybe<{ width?: Maybe<number>; height?: Maybe<number> }>; lqip?: Maybe<string> }>
}

/** `accessibleImage`: an image with hotspot, alt text and caption. */
export interface AccessibleImageInput {
  _type?: Maybe<string>
  asset?: Maybe<ImageAssetInput>
  hotspot?: Maybe<{ x?: Maybe<number>; y?: Maybe<number>; width?: Maybe<number>; height?: Maybe<number> }>
  crop?: Maybe<{ top?: Maybe<number>; bottom?: Maybe<number>; left?: Maybe<number>; right?: Maybe<number> }>
  alt?: Maybe<string>
  caption?: Maybe<string>
}

/** `citation` (an item of `article.citations[]`); `_key` is what `citationRef` marks point at. */
export interface CitationInput {
  _key?: Maybe<string>
  authors?: Maybe<ReadonlyArray<Maybe<string>>>
  title?: Maybe<string>
  journal?: Maybe<string>
  year?: Maybe<number | string>
  volume?: Maybe<string | number>
  issue?: Maybe<string | number>
  pages?: Maybe<string>
  doi?: Maybe<string>
  pmid?: Maybe<string | number>
  url?: Maybe<string>
}

export interface SeoInput {
  metaTitle?: Maybe<string>
  metaDescription?: Maybe<string>
  noIndex?: Maybe<boolean>
}

export interface PostalAddressInput {
  street?: Maybe<string>
  city?: Maybe<string>
  region?: Maybe<string>
  postalCode?: Maybe<string>
  country?: Maybe<string>
}

/** The `clinic` singleton. `name` and `siteUrl` are required to render pages and JSON-LD. */
export interface ClinicInput {
  name?: Maybe<string>
  siteUrl?: Maybe<string>
  bookingUrl?: Maybe<string>
  phone?: Maybe<string>
  email?: Maybe<string>
  address?: Maybe<PostalAddressInput>
  logo?: Maybe<AccessibleImageInput>
  medicalDisclaimer?: Maybe<string>
}

/** A `clinician` as referenced by an article (author, medicalReviewer). */
export interface ClinicianInput {
  _type?: Maybe<string>
  name?: Maybe<string>
  handle?: Maybe<string>
  slug?: SlugValue
  role?: Maybe<string>
  credentials?: Maybe<ReadonlyArray<Maybe<string>>>
}

/** A `condition`, either a full document (condition page) or a dereferenced summary. */
export interface ConditionInput {
  _type?: Maybe<string>
  _updatedAt?: Maybe<string>
  name?: Maybe<string>
  slug?: SlugValue
  alsoCalled?: Maybe<ReadonlyArray<Maybe<string>>>
  bodyRegion?: Maybe<string>
  summary?: Maybe<string>
  symptoms?: Maybe<ReadonlyArray<Maybe<string>>>
  icd10Codes?: Maybe<ReadonlyArray<Maybe<string>>>
  treatments?: Maybe<ReadonlyArray<Maybe<TreatmentSummaryInput>>>
  sections?: Maybe<ReadonlyArray<Maybe<{ _key?: Maybe<string>; aspect?: Maybe<string>; body?: PortableTextInput }>>>
  /** Articles that reference this condition (the delivery query adds them). */
  articles?: Maybe<ReadonlyArray<Maybe<ArticleSummaryInput>>>
  faqs?: Maybe<ReadonlyArray<Maybe<FaqInput>>>
}

/** A `treatment` as a dereferenced summary. */
export interface TreatmentSummaryInput {
  _type?: Maybe<string>
  name?: Maybe<string>
  slug?: SlugValue
  summary?: Maybe<string>
}

/** A full `treatment` document (treatment page). */
export interface TreatmentInput extends TreatmentSummaryInput {
  _updatedAt?: Maybe<string>
  howItWorks?: PortableTextInput
  differsFrom?: Maybe<ReadonlyArray<Maybe<{ _key?: Maybe<string>; comparedTo?: Maybe<string>; difference?: Maybe<string> }>>>
  whoMayPerform?: Maybe<string>
  conditions?: Maybe<ReadonlyArray<Maybe<ConditionInput>>>
  whatToExpect?: PortableTextInput
  sideEffects?: Maybe<ReadonlyArray<Maybe<string>>>
  complementaryTreatments?: Maybe<ReadonlyArray<Maybe<string>>>
  faqs?: Maybe<ReadonlyArray<Maybe<FaqInput>>>
  careInstructions?: Maybe<ReadonlyArray<Maybe<CareInstructionInput>>>
  articles?: Maybe<ReadonlyArray<Maybe<ArticleSummaryInput>>>
}

export interface FaqInput {
  _id?: Maybe<string>
  question?: Maybe<string>
  answer?: PortableTextInput
}

export interface CareStepInput {
  _key?: Maybe<string>
  instruction?: Maybe<string>
  timing?: Maybe<string>
}

export interface CareInstructionInput {
  _id?: Maybe<string>
  _type?: Maybe<string>
  title?: Maybe<string>
  slug?: SlugValue
  phase?: Maybe<string>
  steps?: Maybe<ReadonlyArray<Maybe<CareStepInput>>>
  contactTherapistWhen?: Maybe<string>
  treatment?: Maybe<TreatmentSummaryInput>
}

export interface CallToActionInput {
  heading?: Maybe<string>
  text?: Maybe<string>
  buttonLabel?: Maybe<string>
  url?: Maybe<string>
}

/** What a listing (index page, related articles) shows of an article. */
export interface ArticleSummaryInput {
  _type?: Maybe<string>
  title?: Maybe<string>
  slug?: SlugValue
  excerpt?: Maybe<string>
  publishedAt?: Maybe<string>
  lastReviewed?: Maybe<string>
}

/** An `article` with its references resolved, as the article-by-slug query returns it. */
export interface ArticleInput extends ArticleSummaryInput {
  _id?: Maybe<string>
  _createdAt?: Maybe<string>
  _updatedAt?: Maybe<string>
  heroImage?: Maybe<AccessibleImageInput>
  body?: PortableTextInput
  author?: Maybe<ClinicianInput>
  medicalReviewer?: Maybe<ClinicianInput>
  nextReviewDue?: Maybe<string>
  categories?: Maybe<ReadonlyArray<Maybe<{ title?: Maybe<string>; slug?: SlugValue }>>>
  conditions?: Maybe<ReadonlyArray<Maybe<ConditionInput>>>
  treatments?: Maybe<ReadonlyArray<Maybe<TreatmentSummaryInput>>>
  faqs?: Maybe<ReadonlyArray<Maybe<FaqInput>>>
  careInstructions?: Maybe<ReadonlyArray<Maybe<CareInstructionInput>>>
  citations?: Maybe<ReadonlyArray<Maybe<CitationInput>>>
  callToAction?: Maybe<CallToActionInput>
  seo?: Maybe<SeoInput>
}

/** Something went wrong in content but rendering carried on safely (unknown type, bad URL, ...). */
export interface RenderWarning {
  /** Stable machine-readable code, e.g. `unknown-block-type`, `unsafe-link`. */
  code: string
  /** What was wrong and how to fix it, for an editor or developer. */
  message: string
  /** The `_key` of the block the problem is in, when known. */
  blockKey?: string
}

export type WarningHandler = (warning: RenderWarning) => void

/** Where images are served from: the local lake or hosted Sanity (`https://cdn.sanity.io`). */
export interface ImageConfig {
  projectId: string
  dataset: string
  /** Defaults to `https://cdn.sanity.io`; the local lake's base URL when serving locally. */
  baseUrl?: string
}
