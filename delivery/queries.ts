// Every GROQ query the delivery layer sends, written once. Field names follow
// docs/content-model.md; result types come from TypeGen (`npm run typegen` -> sanity.types.ts),
// which finds each `defineQuery` here and registers its result type with `@sanity/client`.
//
// Rules (docs/engineering.md): values only ever enter as `$params`; the constant fragments below
// are composed into queries at build time (TypeGen resolves them), never with runtime values.
// Projections dereference what renderers need, e.g. an `internalLink` mark carries
// `target: {_type, slug}` so the render layer can build the URL from its route table.
import { defineQuery } from 'groq'

/** Mark definitions of Portable Text: internal links resolved to their target's type and slug. */
const MARK_DEFS = /* groq */ `markDefs[]{
    ...,
    _type == "internalLink" => {"target": reference->{_type, "slug": slug.current}}
  }`

/** A Portable Text field without nested blocks (`simpleBlockContent`). */
const SIMPLE_PORTABLE_TEXT = /* groq */ `{
  ...,
  ${MARK_DEFS}
}`

/** An `accessibleImage` with its asset's URL and intrinsic size (for width/height/srcset). */
const IMAGE = /* groq */ `{
  ...,
  "asset": asset->{_id, url, metadata{lqip, dimensions{width, height}}}
}`

/** A Portable Text field (`blockContent`): links resolved, callout bodies too, images with assets. */
const PORTABLE_TEXT = /* groq */ `{
  ...,
  _type == "block" => {${MARK_DEFS}},
  _type == "callout" => {"body": body[]${SIMPLE_PORTABLE_TEXT}},
  _type == "accessibleImage" => ${IMAGE}
}`

const CLINICIAN = /* groq */ `{
  _id,
  _type,
  name,
  handle,
  "slug": slug.current,
  role,
  credentials,
  certifications,
  bio,
  photo${IMAGE}
}`

const CATEGORY = /* groq */ `{_id, _type, title, "slug": slug.current, description}`

/**
 * Languages (model/languages.ts). A document without `language` is in the source language, English.
 * `$lang` is the requested language; `$fallback` (boolean) lets a document of the source language
 * stand in where `$lang` has no version, only when the caller asked for it.
 *
 * No query here looks a translation up per document or per related item (a `*[...]` inside a
 * filter or a relation's projection costs a scan of the dataset each time under plain GROQ): the
 * content functions read the translation metadata of the documents they serve ONCE per request
 * (TRANSLATION_VERSIONS_QUERY, by `references($ids)`) and pass what they found as parameters:
 * `$versions` (for related documents) and `$versionIds` (every version of a page's document).
 */
const LANGUAGE = /* groq */ `"language": coalesce(language, "en")`

/**
 * A document in the requested language, or of the source language when that was asked for
 * (`$lang` English) or may stand in (`$fallback`). Written so the lake's planner can fold the
 * constant part and serve `language == $lang` from an index (`coalesce(...) == $lang` it cannot).
 * With `$fallback`, English documents that do have a version in `$lang` are left out by the
 * content functions, from the translation metadata they read (delivery/content/versions.ts).
 */
const IN_REQUESTED_LANGUAGE = /* groq */ `(language == $lang || (($lang == "en" || $fallback) && (!defined(language) || language == "en")))`

/** A document of the source language (English): no `language`, or `en`. */
const IN_SOURCE_LANGUAGE = /* groq */ `(!defined(language) || language == "en")`

/**
 * The version of the dereferenced document `@` in `$lang`: itself when it is in `$lang`, else its
 * published translation as the content function found it (`$versions`: `[{source, version}]`,
 * `version` a reference), else itself again only with `$fallback`. Relations stay on the source
 * (English) documents, so a Spanish page reaches the Spanish FAQ through the English one.
 */
const VERSION_IN_LANGUAGE = /* groq */ `{"v": coalesce(
  select(coalesce(language, "en") == $lang => @),
  $versions[source == ^._id][0].version->,
  select($fallback => @)
)}`

/**
 * Documents that reference the enclosing document or any of its versions (`$versionIds`: every
 * version's id on a page in another language; empty for English, whose related documents reference
 * it directly): relations stay on the source document, so a Spanish page's FAQs reference its
 * English version. Both are reference-index lookups.
 */
const REFERENCES_ANY_VERSION = /* groq */ `(references(^._id) || references($versionIds))`

const CONDITION_SUMMARY = /* groq */ `{
  _id,
  _type,
  name,
  "slug": slug.current,
  alsoCalled,
  bodyRegion,
  summary,
  icd10Codes,
  ${LANGUAGE}
}`

const TREATMENT_SUMMARY = /* groq */ `{_id, _type, name, "slug": slug.current, summary, ${LANGUAGE}}`

const FAQ = /* groq */ `{
  _id,
  _type,
  question,
  "answer": answer[]${SIMPLE_PORTABLE_TEXT},
  order,
  ${LANGUAGE},
  "treatments": (treatments[]->${VERSION_IN_LANGUAGE})[defined(v)][].v{_id, name, "slug": slug.current},
  "conditions": (conditions[]->${VERSION_IN_LANGUAGE})[defined(v)][].v{_id, name, "slug": slug.current}
}`

const CARE_INSTRUCTION = /* groq */ `{
  _id,
  _type,
  title,
  "slug": slug.current,
  phase,
  steps,
  contactTherapistWhen,
  ${LANGUAGE},
  "treatment": treatment->${VERSION_IN_LANGUAGE}.v{_id, name, "slug": slug.current}
}`

/** The head of an article's projection, in a list or on its page. */
const ARTICLE_HEAD = /* groq */ `_id,
  _type,
  _updatedAt,
  title,
  "slug": slug.current,
  excerpt,
  ${LANGUAGE}`

/** What an article list item carries (no body). */
const ARTICLE_SUMMARY_FIELDS = /* groq */ `
  ${ARTICLE_HEAD},
  publishedAt,
  heroImage${IMAGE},
  "author": author->{_id, name, handle, "slug": slug.current, role, credentials},
  "categories": categories[]->${CATEGORY}
`
const ARTICLE_SUMMARY = /* groq */ `{${ARTICLE_SUMMARY_FIELDS}}`

/** Articles that can be listed: published (the client's perspective), slugged and dated. */
const LISTABLE_ARTICLE = /* groq */ `_type == "article" && defined(slug.current) && defined(publishedAt)`

/** The head of a named document's projection (conditions, treatments). */
const NAMED_HEAD = /* groq */ `_id,
  _type,
  _updatedAt,
  name,
  "slug": slug.current,
  ${LANGUAGE}`

/** The listable articles that reference the enclosing document, newest first. */
const REFERRING_ARTICLES = /* groq */ `*[${LISTABLE_ARTICLE} && references(^._id)] | order(publishedAt desc, _id desc)`

/** The listable articles in the requested language that reference any version of the enclosing document. */
const REFERRING_ARTICLES_IN_LANGUAGE = /* groq */ `*[${LISTABLE_ARTICLE} && ${IN_REQUESTED_LANGUAGE} && ${REFERENCES_ANY_VERSION}] | order(publishedAt desc, _id desc)`

/** The FAQs in the requested language that reference any version of the enclosing document, in display order. */
const REFERRING_FAQS = /* groq */ `*[_type == "faq" && ${IN_REQUESTED_LANGUAGE} && ${REFERENCES_ANY_VERSION}] | order(order asc, _id asc) ${FAQ}`

/**
 * Keyset pagination by (name, _id) ascending: `$afterName`/`$afterId` are the last item of the
 * previous page (both null for the first page), `$limit` the page size plus one.
 */
const AFTER_NAME = /* groq */ `($afterId == null || name > $afterName || (name == $afterName && _id > $afterId))`
const BY_NAME_PAGE = /* groq */ `order(name asc, _id asc) [0...$limit]`

/** One article with everything a page about it needs resolved. */
export const ARTICLE_BY_SLUG_QUERY =
  defineQuery(`*[_type == "article" && slug.current == $slug && ${IN_REQUESTED_LANGUAGE}] | order(language == $lang desc) [0]{
  ${ARTICLE_HEAD},
  heroImage${IMAGE},
  "body": body[]${PORTABLE_TEXT},
  "author": author->${CLINICIAN},
  "medicalReviewer": medicalReviewer->${CLINICIAN},
  lastReviewed,
  nextReviewDue,
  publishedAt,
  "categories": categories[]->${CATEGORY},
  "conditions": (conditions[]->${VERSION_IN_LANGUAGE})[defined(v)][].v${CONDITION_SUMMARY},
  "treatments": (treatments[]->${VERSION_IN_LANGUAGE})[defined(v)][].v${TREATMENT_SUMMARY},
  "faqs": (faqs[]->${VERSION_IN_LANGUAGE})[defined(v)][].v${FAQ},
  "careInstructions": (careInstructions[]->${VERSION_IN_LANGUAGE})[defined(v)][].v${CARE_INSTRUCTION},
  citations,
  callToAction,
  seo
}`)

/**
 * A page of articles, newest first, ordered by (publishedAt, _id) descending so the order is total
 * and stable. `$afterPublishedAt`/`$afterId` are the last item of the previous page (both null for
 * the first page); `$category`, `$condition`, `$treatment` are slugs or null; `$limit` is the page
 * size plus one (the extra item says whether there is a next page).
 */
export const ARTICLE_LIST_QUERY = defineQuery(`*[
  ${LISTABLE_ARTICLE}
  && ${IN_REQUESTED_LANGUAGE}
  && ($category == null || $category in categories[]->slug.current)
  && ($condition == null || $condition in conditions[]->slug.current)
  && ($treatment == null || $treatment in treatments[]->slug.current)
  && ($afterId == null || publishedAt < $afterPublishedAt || (publishedAt == $afterPublishedAt && _id < $afterId))
] | order(publishedAt desc, _id desc) [0...$limit] ${ARTICLE_SUMMARY}`)

/** A condition with the articles, treatments and FAQs that reference it (or that it references). */
export const CONDITION_BY_SLUG_QUERY =
  defineQuery(`*[_type == "condition" && slug.current == $slug && ${IN_REQUESTED_LANGUAGE}] | order(language == $lang desc) [0]{
  ${NAMED_HEAD},
  alsoCalled,
  bodyRegion,
  summary,
  symptoms,
  icd10Codes,
  "sections": sections[]{_key, aspect, "body": body[]${PORTABLE_TEXT}},
  "treatments": (*[_type == "treatment" && ${IN_SOURCE_LANGUAGE} && (_id in ^.treatments[]._ref || ${REFERENCES_ANY_VERSION})] | order(name asc) ${VERSION_IN_LANGUAGE})[defined(v)][].v${TREATMENT_SUMMARY},
  "articles": ${REFERRING_ARTICLES_IN_LANGUAGE} ${ARTICLE_SUMMARY},
  "faqs": ${REFERRING_FAQS}
}`)

/** Conditions of one body region, by name. */
export const CONDITIONS_BY_BODY_REGION_QUERY = defineQuery(
  `*[_type == "condition" && defined(slug.current) && bodyRegion == $bodyRegion && ${IN_REQUESTED_LANGUAGE}] | order(name asc) ${CONDITION_SUMMARY}`,
)

/** Conditions carrying an ICD-10-CM code (normally one; a code may be shared). */
export const CONDITIONS_BY_ICD10_QUERY = defineQuery(
  `*[_type == "condition" && defined(slug.current) && $code in icd10Codes && ${IN_REQUESTED_LANGUAGE}] | order(name asc) ${CONDITION_SUMMARY}`,
)

/**
 * A page of conditions by name, ordered by (name, _id) ascending so the order is total and stable
 * (keyset pagination, like ARTICLE_LIST_QUERY). Only named, slugged conditions are listed.
 * `$bodyRegion` is a region or null (any); `$afterName`/`$afterId` are the last item of the previous
 * page (both null for the first page); `$limit` is the page size plus one (the extra item says
 * whether there is a next page). Never unbounded: at 100k documents there are thousands.
 */
export const CONDITION_LIST_QUERY = defineQuery(`*[
  _type == "condition" && defined(slug.current) && defined(name)
  && ($bodyRegion == null || bodyRegion == $bodyRegion)
  && ${IN_REQUESTED_LANGUAGE}
  && ${AFTER_NAME}
] | ${BY_NAME_PAGE} ${CONDITION_SUMMARY}`)

/** A treatment with its FAQs (in order) and its care instructions (before-care first). */
export const TREATMENT_BY_SLUG_QUERY =
  defineQuery(`*[_type == "treatment" && slug.current == $slug && ${IN_REQUESTED_LANGUAGE}] | order(language == $lang desc) [0]{
  ${NAMED_HEAD},
  summary,
  "howItWorks": howItWorks[]${PORTABLE_TEXT},
  differsFrom,
  whoMayPerform,
  "conditions": (conditions[]->${VERSION_IN_LANGUAGE})[defined(v)][].v${CONDITION_SUMMARY},
  "whatToExpect": whatToExpect[]${PORTABLE_TEXT},
  sideEffects,
  complementaryTreatments,
  "faqs": ${REFERRING_FAQS},
  "careInstructions": *[_type == "careInstruction" && ${IN_REQUESTED_LANGUAGE} && (treatment._ref == ^._id || (references($versionIds) && treatment._ref in $versionIds))] | order(phase desc, title asc, _id asc) ${CARE_INSTRUCTION},
  "articles": ${REFERRING_ARTICLES_IN_LANGUAGE} ${ARTICLE_SUMMARY}
}`)

/** A page of treatments by (name, _id) ascending: the same keyset pagination as CONDITION_LIST_QUERY. */
export const TREATMENT_LIST_QUERY = defineQuery(`*[
  _type == "treatment" && defined(slug.current) && defined(name)
  && ${IN_REQUESTED_LANGUAGE}
  && ${AFTER_NAME}
] | ${BY_NAME_PAGE} ${TREATMENT_SUMMARY}`)

/** FAQs about a treatment and/or a condition (slugs; null = any), in display order. */
export const FAQS_BY_TOPIC_QUERY = defineQuery(`*[
  _type == "faq"
  && ${IN_REQUESTED_LANGUAGE}
  && ($treatment == null || $treatment in treatments[]->slug.current)
  && ($condition == null || $condition in conditions[]->slug.current)
] | order(order asc, _id asc) ${FAQ}`)

/** Care instructions of a treatment (slug), optionally of one phase (null = both), before first. */
export const CARE_INSTRUCTIONS_QUERY = defineQuery(`*[
  _type == "careInstruction"
  && ${IN_REQUESTED_LANGUAGE}
  && treatment->slug.current == $treatment
  && ($phase == null || phase == $phase)
] | order(phase desc, title asc, _id asc) ${CARE_INSTRUCTION}`)

/**
 * Full-text search over article titles, excerpts and bodies. `$terms` is an array of words (each
 * with a trailing `*` for prefix matching): every word must match somewhere. Title hits weigh most.
 */
export const ARTICLE_SEARCH_QUERY = defineQuery(`*[
  ${LISTABLE_ARTICLE}
  && ${IN_REQUESTED_LANGUAGE}
  && [title, excerpt, pt::text(body)] match $terms
] | score(boost(title match $terms, 3), boost(excerpt match $terms, 2), pt::text(body) match $terms)
  | order(_score desc, publishedAt desc, _id desc) [0...$limit] {
  "score": _score,${ARTICLE_SUMMARY_FIELDS}}`)

/** Documents of a routable type that have a public page (and so a sitemap entry). */
const SITEMAP_ENTRY = /* groq */ `_type == $type && defined(slug.current) && !(seo.noIndex == true)`

/**
 * The sitemap index (/sitemap.xml): per routable type, how many pages have a sitemap entry and
 * when the newest of them changed. The child sitemaps are pages of SITEMAP_PAGE_QUERY.
 */
export const SITEMAP_INDEX_QUERY = defineQuery(`{
  "article": {
    "count": count(*[_type == "article" && defined(slug.current) && !(seo.noIndex == true)]),
    "lastmod": *[_type == "article" && defined(slug.current) && !(seo.noIndex == true)] | order(_updatedAt desc) [0]._updatedAt
  },
  "condition": {
    "count": count(*[_type == "condition" && defined(slug.current) && !(seo.noIndex == true)]),
    "lastmod": *[_type == "condition" && defined(slug.current) && !(seo.noIndex == true)] | order(_updatedAt desc) [0]._updatedAt
  },
  "treatment": {
    "count": count(*[_type == "treatment" && defined(slug.current) && !(seo.noIndex == true)]),
    "lastmod": *[_type == "treatment" && defined(slug.current) && !(seo.noIndex == true)] | order(_updatedAt desc) [0]._updatedAt
  }
}`)

/**
 * One child sitemap: the entries `$start` (inclusive) to `$end` (exclusive) of a routable `$type`
 * (article, condition, treatment) in (slug, _id) order, with their last modification. A slice, not
 * a keyset: a child sitemap is addressed by its page number from the index. `language` as stored
 * (null is English): a projection of plain attributes is built natively by the lake's planner, a
 * `coalesce()` in it would send each of the page's 1,000 entries through groq-js.
 */
export const SITEMAP_PAGE_QUERY = defineQuery(`*[${SITEMAP_ENTRY}] | order(slug.current asc, _id asc) [$start...$end] {
  _id,
  _type,
  "slug": slug.current,
  _updatedAt,
  language
}`)

/**
 * The language versions of some documents, read once per request instead of per item: the
 * translation.metadata documents that reference any of `$ids` (a reference-index lookup), each
 * with its versions: language, id, and the published document's type and slug (null while that
 * version is unpublished, or gone).
 */
export const TRANSLATION_VERSIONS_QUERY = defineQuery(`*[_type == "translation.metadata" && references($ids)]{
  "versions": translations[]{
    language,
    "id": value._ref,
    "published": value->{_type, "slug": slug.current}
  }
}`)

/**
 * Which document a page in `$lang` (or English standing in, with `$fallback`) shows: its id, so
 * the content function can read its versions before the page query (whose related documents
 * reference the English version).
 */
export const DOCUMENT_IN_LANGUAGE_QUERY = defineQuery(
  `*[_type == $type && slug.current == $slug && ${IN_REQUESTED_LANGUAGE}] | order(language == $lang desc) [0]{_id, ${LANGUAGE}}`,
)

/** The clinic singleton. */
export const CLINIC_SETTINGS_QUERY = defineQuery(`*[_id == "clinic"][0]{
  _id,
  _type,
  _updatedAt,
  name,
  siteUrl,
  bookingUrl,
  phone,
  email,
  address,
  logo${IMAGE},
  medicalDisclaimer,
  syndicationLicence,
  attributionText,
  targetReadingGrade,
  readingGradeBlocksPublish
}`)

/** A cheap probe of the content source for /health. */
export const HEALTH_PROBE_QUERY = defineQuery(`count(*[_id == "clinic"])`)

/**
 * The listen filter of cache invalidation: every published document (drafts and release versions
 * change nothing delivered).
 */
export const PUBLISHED_CHANGES_LISTEN_QUERY = defineQuery(
  `*[!(_id in path("drafts.**")) && !(_id in path("versions.**"))]`,
)

// ---------------------------------------------------------------------------------------------
// Partner EHRs (delivery/ehr/): HL7 Infobutton knowledge requests and FHIR R4 DocumentReferences.

/**
 * What an EHR answer needs of a matched condition: its codes (for ranking and `context.related`),
 * the newest articles about it and its treatments with their care instructions (bounded: an
 * infobutton answer is a short ranked list, not a catalogue).
 */
const EHR_CONDITION = /* groq */ `{
  ${NAMED_HEAD},
  alsoCalled,
  summary,
  icd10Codes,
  snomedCodes,
  "articles": ${REFERRING_ARTICLES} [0...10] {
    _id, _type, _updatedAt, title, "slug": slug.current, excerpt, publishedAt, lastReviewed
  },
  "treatments": *[_type == "treatment" && defined(slug.current) && (_id in ^.treatments[]._ref || references(^._id))] | order(name asc, _id asc) [0...10] {
    _id, _type, _updatedAt, name, "slug": slug.current, summary,
    "careInstructions": *[_type == "careInstruction" && treatment._ref == ^._id] | order(phase desc, title asc, _id asc) [0...10] {
      _id, _type, _updatedAt, title, "slug": slug.current, phase
    }
  }
}`

/**
 * Conditions matching an ICD-10-CM code hierarchically: `$codes` is the code and its ancestors
 * (M54.21 -> ["M54.21", "M54.2", "M54"]), `$prefix` the code itself, which every descendant starts
 * with (M54 -> M54.2, M54.30). delivery/ehr/codes.ts ranks exact, descendant and ancestor matches.
 */
export const EHR_CONDITIONS_BY_ICD10_QUERY = defineQuery(`*[
  _type == "condition" && defined(slug.current) && defined(name)
  && (count(icd10Codes[@ in $codes]) > 0 || count(icd10Codes[string::startsWith(@, $prefix)]) > 0)
] | order(name asc, _id asc) [0...$limit] ${EHR_CONDITION}`)

/** Conditions carrying a SNOMED CT concept id (exact: SNOMED's hierarchy is not in the code's text). */
export const EHR_CONDITIONS_BY_SNOMED_QUERY = defineQuery(`*[
  _type == "condition" && defined(slug.current) && defined(name) && $code in snomedCodes
] | order(name asc, _id asc) [0...$limit] ${EHR_CONDITION}`)

/** The documents an EHR can be given as FHIR DocumentReferences: published articles, condition pages, care instructions. */
const EHR_DOCUMENT_FILTER = /* groq */ `(
  (${LISTABLE_ARTICLE})
  || (_type == "condition" && defined(slug.current) && defined(name))
  || (_type == "careInstruction" && defined(slug.current) && defined(title))
) && ($ids == null || _id in $ids) && ($kinds == null || _type in $kinds)`

/**
 * What a FHIR `code` search finds besides the matched conditions themselves: the articles about
 * them and their treatments (either side may hold the link). Reference look-ups the lake answers
 * from its index, instead of a test of every document in EHR_DOCUMENTS_QUERY's filter.
 */
export const EHR_CODE_SEARCH_QUERY = defineQuery(`{
  "articles": *[_type == "article" && references($conditionIds)]._id,
  "listedTreatments": *[_type == "condition" && _id in $conditionIds].treatments[]._ref,
  "referencingTreatments": *[_type == "treatment" && references($conditionIds)]._id
}`)

/** The care instructions of some treatments (a care instruction holds its treatment relation). */
export const EHR_TREATMENT_CARE_QUERY = defineQuery(
  `*[_type == "careInstruction" && treatment._ref in $treatmentIds]._id`,
)

/**
 * One page of FHIR DocumentReference sources in (_type, _id) order, and how many there are in all.
 * `$ids` narrows to given documents (a read by id; a `code` search's condition pages, articles and
 * care instructions, from the two queries above) or is null; `$kinds` to some of the three types or is null; `$start`/`$end` slice the page
 * (FHIR paging is by offset: `_count` and `_offset`). Each carries what the resource and its HTML
 * attachment need, including the codes of the conditions it is about (`context.related`).
 */
export const EHR_DOCUMENTS_QUERY = defineQuery(`{
  "total": count(*[${EHR_DOCUMENT_FILTER}]),
  "items": *[${EHR_DOCUMENT_FILTER}] | order(_type asc, _id asc) [$start...$end] {
    _id,
    _type,
    _updatedAt,
    _type == "article" => {
      title,
      "slug": slug.current,
      excerpt,
      publishedAt,
      lastReviewed,
      nextReviewDue,
      "body": body[]${PORTABLE_TEXT},
      "author": author->{name, credentials},
      "medicalReviewer": medicalReviewer->{name, credentials},
      citations,
      "conditions": conditions[]->{name, icd10Codes, snomedCodes}
    },
    _type == "condition" => {
      name,
      "slug": slug.current,
      summary,
      alsoCalled,
      "sections": sections[]{_key, aspect, "body": body[]${PORTABLE_TEXT}},
      "conditions": [{name, icd10Codes, snomedCodes}]
    },
    _type == "careInstruction" => {
      title,
      "slug": slug.current,
      phase,
      steps,
      contactTherapistWhen,
      "treatment": treatment->{name, "slug": slug.current},
      "conditions": *[_type == "condition" && defined(name) && (_id in ^.treatment->conditions[]._ref || ^.treatment._ref in treatments[]._ref)]{name, icd10Codes, snomedCodes}
    }
  }
}`)
