// Input types of the renderers.
//
// Public inputs (ArticleShape, ConditionShape, TreatmentShape, ClinicShape, the summaries) are
// derived from the TypeGen result types of the delivery queries (sanity.types.ts, generated from
// delivery/queries.ts): a `Partial<Pick<...>>` of exactly the fields the renderers read, so the
// query results fit as they are, and a change of a query's shape shows up here at typecheck time.
//
// The helpers underneath read values through small structural "shape" interfaces (every field
// optional and nullable, as GROQ projections return null for missing fields), so they also accept
// the same objects from other queries (syndication feeds, sitemaps, raw documents). The assertions
// at the end of this file prove the derived inputs fit those shapes. Portable Text arrays are typed
// loosely (`PortableTextInput`) and validated at render time, because content is untrusted.

import type { SlugValue } from '../../model/site-paths.js'
import type {
  CONDITION_LIST_QUERY_RESULT,
  TREATMENT_LIST_QUERY_RESULT,
  ARTICLE_BY_SLUG_QUERY_RESULT,
  ARTICLE_LIST_QUERY_RESULT,
  CLINIC_SETTINGS_QUERY_RESULT,
  CONDITION_BY_SLUG_QUERY_RESULT,
  TREATMENT_BY_SLUG_QUERY_RESULT,
} from '../../sanity.types.js'

type Maybe<T> = T | null | undefined

/** Any Portable Text array (blockContent, simpleBlockContent); validated when rendered. */
export type PortableTextInput = Maybe<ReadonlyArray<Maybe<{ _type?: Maybe<string> }>>>

/** A Sanity image asset as stored (`{_ref}`) or dereferenced by a query (`asset->{_id, url, ...}`). */
export interface ImageAssetShape {
  _ref?: Maybe<string>
  _id?: Maybe<string>
  url?: Maybe<string>
  metadata?: Maybe<{ dimensions?: Maybe<{ width?: Maybe<number>; height?: Maybe<number> }>; lqip?: Maybe<string> }>
}

/** `accessibleImage`: an image with hotspot, alt text and caption. */
export interface AccessibleImageShape {
  _type?: Maybe<string>
  asset?: Maybe<ImageAssetShape>
  hotspot?: Maybe<{ x?: Maybe<number>; y?: Maybe<number>; width?: Maybe<number>; height?: Maybe<number> }>
  crop?: Maybe<{ top?: Maybe<number>; bottom?: Maybe<number>; left?: Maybe<number>; right?: Maybe<number> }>
  alt?: Maybe<string>
  caption?: Maybe<string>
}

/** `citation` (an item of `article.citations[]`); `_key` is what `citationRef` marks point at. */
export interface CitationShape {
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

export interface SeoShape {
  metaTitle?: Maybe<string>
  metaDescription?: Maybe<string>
  noIndex?: Maybe<boolean>
}

export interface PostalAddressShape {
  street?: Maybe<string>
  city?: Maybe<string>
  region?: Maybe<string>
  postalCode?: Maybe<string>
  country?: Maybe<string>
}

/** The `clinic` singleton. `name` and `siteUrl` are required to render pages and JSON-LD. */
export interface ClinicShape {
  name?: Maybe<string>
  siteUrl?: Maybe<string>
  bookingUrl?: Maybe<string>
  phone?: Maybe<string>
  email?: Maybe<string>
  address?: Maybe<PostalAddressShape>
  logo?: Maybe<AccessibleImageShape>
  medicalDisclaimer?: Maybe<string>
}

/** A `clinician` as referenced by an article (author, medicalReviewer). */
export interface ClinicianShape {
  _type?: Maybe<string>
  name?: Maybe<string>
  handle?: Maybe<string>
  slug?: SlugValue
  role?: Maybe<string>
  credentials?: Maybe<ReadonlyArray<Maybe<string>>>
}

/** A `condition`, either a full document (condition page) or a dereferenced summary. */
export interface ConditionShape {
  _type?: Maybe<string>
  _updatedAt?: Maybe<string>
  name?: Maybe<string>
  slug?: SlugValue
  alsoCalled?: Maybe<ReadonlyArray<Maybe<string>>>
  bodyRegion?: Maybe<string>
  summary?: Maybe<string>
  symptoms?: Maybe<ReadonlyArray<Maybe<string>>>
  icd10Codes?: Maybe<ReadonlyArray<Maybe<string>>>
  treatments?: Maybe<ReadonlyArray<Maybe<TreatmentSummaryShape>>>
  sections?: Maybe<ReadonlyArray<Maybe<{ _key?: Maybe<string>; aspect?: Maybe<string>; body?: PortableTextInput }>>>
  /** Articles that reference this condition (the delivery query adds them). */
  articles?: Maybe<ReadonlyArray<Maybe<ArticleSummaryShape>>>
  faqs?: Maybe<ReadonlyArray<Maybe<FaqShape>>>
}

/** A `treatment` as a dereferenced summary. */
export interface TreatmentSummaryShape {
  _type?: Maybe<string>
  name?: Maybe<string>
  slug?: SlugValue
  summary?: Maybe<string>
}

/** A full `treatment` document (treatment page). */
export interface TreatmentShape extends TreatmentSummaryShape {
  _updatedAt?: Maybe<string>
  howItWorks?: PortableTextInput
  differsFrom?: Maybe<
    ReadonlyArray<Maybe<{ _key?: Maybe<string>; comparedTo?: Maybe<string>; difference?: Maybe<string> }>>
  >
  whoMayPerform?: Maybe<string>
  conditions?: Maybe<ReadonlyArray<Maybe<ConditionShape>>>
  whatToExpect?: PortableTextInput
  sideEffects?: Maybe<ReadonlyArray<Maybe<string>>>
  complementaryTreatments?: Maybe<ReadonlyArray<Maybe<string>>>
  faqs?: Maybe<ReadonlyArray<Maybe<FaqShape>>>
  careInstructions?: Maybe<ReadonlyArray<Maybe<CareInstructionShape>>>
  articles?: Maybe<ReadonlyArray<Maybe<ArticleSummaryShape>>>
}

export interface FaqShape {
  _id?: Maybe<string>
  question?: Maybe<string>
  answer?: PortableTextInput
}

export interface CareStepShape {
  _key?: Maybe<string>
  instruction?: Maybe<string>
  timing?: Maybe<string>
}

export interface CareInstructionShape {
  _id?: Maybe<string>
  _type?: Maybe<string>
  title?: Maybe<string>
  slug?: SlugValue
  phase?: Maybe<string>
  steps?: Maybe<ReadonlyArray<Maybe<CareStepShape>>>
  contactTherapistWhen?: Maybe<string>
  treatment?: Maybe<TreatmentSummaryShape>
}

export interface CallToActionShape {
  heading?: Maybe<string>
  text?: Maybe<string>
  buttonLabel?: Maybe<string>
  url?: Maybe<string>
}

/** What a listing (index page, related articles) shows of an article. */
export interface ArticleSummaryShape {
  _type?: Maybe<string>
  title?: Maybe<string>
  slug?: SlugValue
  excerpt?: Maybe<string>
  publishedAt?: Maybe<string>
  lastReviewed?: Maybe<string>
}

/** An `article` with its references resolved, as the article-by-slug query returns it. */
export interface ArticleShape extends ArticleSummaryShape {
  _id?: Maybe<string>
  _createdAt?: Maybe<string>
  _updatedAt?: Maybe<string>
  heroImage?: Maybe<AccessibleImageShape>
  body?: PortableTextInput
  author?: Maybe<ClinicianShape>
  medicalReviewer?: Maybe<ClinicianShape>
  nextReviewDue?: Maybe<string>
  categories?: Maybe<ReadonlyArray<Maybe<{ title?: Maybe<string>; slug?: SlugValue }>>>
  conditions?: Maybe<ReadonlyArray<Maybe<ConditionShape>>>
  treatments?: Maybe<ReadonlyArray<Maybe<TreatmentSummaryShape>>>
  faqs?: Maybe<ReadonlyArray<Maybe<FaqShape>>>
  careInstructions?: Maybe<ReadonlyArray<Maybe<CareInstructionShape>>>
  citations?: Maybe<ReadonlyArray<Maybe<CitationShape>>>
  callToAction?: Maybe<CallToActionShape>
  seo?: Maybe<SeoShape>
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

// ---------------------------------------------------------------------------------------------
// Public inputs, derived from the delivery queries' TypeGen results.

type ArticleResult = NonNullable<ARTICLE_BY_SLUG_QUERY_RESULT>
type ConditionResult = NonNullable<CONDITION_BY_SLUG_QUERY_RESULT>
type TreatmentResult = NonNullable<TREATMENT_BY_SLUG_QUERY_RESULT>
type ClinicResult = Extract<NonNullable<CLINIC_SETTINGS_QUERY_RESULT>, { _type: 'clinic' }>

/** An article as ARTICLE_BY_SLUG_QUERY returns it (the fields the article page and JSON-LD read). */
export type ArticleInput = Partial<
  Pick<
    ArticleResult,
    | '_id'
    | '_updatedAt'
    | 'title'
    | 'slug'
    | 'excerpt'
    | 'heroImage'
    | 'body'
    | 'author'
    | 'medicalReviewer'
    | 'lastReviewed'
    | 'nextReviewDue'
    | 'publishedAt'
    | 'categories'
    | 'conditions'
    | 'treatments'
    | 'faqs'
    | 'careInstructions'
    | 'citations'
    | 'callToAction'
    | 'seo'
  >
>

/** A condition as CONDITION_BY_SLUG_QUERY returns it (with its treatments, articles and FAQs). */
export type ConditionInput = Partial<
  Pick<
    ConditionResult,
    | '_updatedAt'
    | 'name'
    | 'slug'
    | 'alsoCalled'
    | 'bodyRegion'
    | 'summary'
    | 'symptoms'
    | 'icd10Codes'
    | 'sections'
    | 'treatments'
    | 'articles'
    | 'faqs'
  >
>

/** A treatment as TREATMENT_BY_SLUG_QUERY returns it (with FAQs, care instructions, articles). */
export type TreatmentInput = Partial<
  Pick<
    TreatmentResult,
    | '_updatedAt'
    | 'name'
    | 'slug'
    | 'summary'
    | 'howItWorks'
    | 'differsFrom'
    | 'whoMayPerform'
    | 'conditions'
    | 'whatToExpect'
    | 'sideEffects'
    | 'complementaryTreatments'
    | 'faqs'
    | 'careInstructions'
    | 'articles'
  >
>

/** The clinic singleton as CLINIC_SETTINGS_QUERY returns it. `name` and `siteUrl` must be set to render. */
export type ClinicInput = Partial<
  Pick<ClinicResult, 'name' | 'siteUrl' | 'bookingUrl' | 'phone' | 'email' | 'address' | 'logo' | 'medicalDisclaimer'>
>

/** An article in a list (ARTICLE_LIST_QUERY item). */
export type ArticleSummaryInput = Partial<
  Pick<ARTICLE_LIST_QUERY_RESULT[number], 'title' | 'slug' | 'excerpt' | 'publishedAt'>
>
/** A condition in a list (CONDITION_LIST_QUERY item). */
export type ConditionSummaryInput = Partial<
  Pick<CONDITION_LIST_QUERY_RESULT[number], 'name' | 'slug' | 'bodyRegion' | 'summary' | 'icd10Codes'>
>
/** A treatment in a list (TREATMENT_LIST_QUERY item). */
export type TreatmentSummaryInput = Partial<Pick<TREATMENT_LIST_QUERY_RESULT[number], 'name' | 'slug' | 'summary'>>

/** An FAQ, care instruction or citation as the article query returns them. */
export type FaqInput = NonNullable<ArticleResult['faqs']>[number]
export type CareInstructionInput = NonNullable<ArticleResult['careInstructions']>[number]
export type CitationInput = NonNullable<ArticleResult['citations']>[number]

// Compile-time proof that the query results fit the shapes the helpers read. If a query changes
// shape incompatibly, `npm run typecheck` fails on one of these lines.
type Fits<A extends B, B> = A
export type _ArticleFits = Fits<ArticleInput, ArticleShape>
export type _ConditionFits = Fits<ConditionInput, ConditionShape>
export type _TreatmentFits = Fits<TreatmentInput, TreatmentShape>
export type _ClinicFits = Fits<ClinicInput, ClinicShape>
export type _ArticleSummaryFits = Fits<ArticleSummaryInput, ArticleSummaryShape>
export type _ConditionSummaryFits = Fits<ConditionSummaryInput, ConditionShape>
export type _TreatmentSummaryFits = Fits<TreatmentSummaryInput, TreatmentSummaryShape>
