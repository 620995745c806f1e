// GROQ the Studio's translation views share: the source version of a translation, found through the
// translation.metadata document that links the versions (values always as $params).
import { DEFAULT_LANGUAGE, TRANSLATABLE_TYPES, TRANSLATION_METADATA_TYPE } from '../../model/languages.js'

/** The source-language version of document `$id` (its published id): `{_id, _updatedAt}` or null. */
export const TRANSLATION_SOURCE_QUERY = /* groq */ `*[_type == $metadataType && references($id)][0]
  .translations[language == $sourceLanguage][0].value->{_id, _updatedAt}`

export const translationSourceParams = (publishedId: string) => ({
  id: publishedId,
  metadataType: TRANSLATION_METADATA_TYPE,
  sourceLanguage: DEFAULT_LANGUAGE,
})

/**
 * The published id of the document a list filter is looking at: the Studio's document lists query
 * the raw perspective, where a draft's `_id` is `drafts.<id>`, while the metadata refers to `<id>`.
 */
const LISTED_PUBLISHED_ID = /* groq */ `coalesce(string::split(^._id, "drafts.")[1], ^._id)`

/** Filters of the structure's translation lists; each takes {@link translationListParams}. */
export const MISSING_TRANSLATION_FILTER = /* groq */ `_type in $types
  && (!defined(language) || language == $sourceLanguage)
  && count(*[_type == $metadataType && references(${LISTED_PUBLISHED_ID}) && count(translations[language == $language]) > 0]) == 0`

export const AWAITING_REVIEW_FILTER = /* groq */ `_type in $types && language == $language
  && coalesce(translationReview.status, "awaiting-clinical-review") != "reviewed"`

export const STALE_TRANSLATION_FILTER = /* groq */ `_type in $types && language == $language
  && dateTime(*[_type == $metadataType && references(${LISTED_PUBLISHED_ID})][0].translations[language == $sourceLanguage][0].value->_updatedAt)
     > dateTime(coalesce(translationReview.reviewedAt, _createdAt))`

export const translationListParams = (language: string) => ({
  types: [...TRANSLATABLE_TYPES],
  language,
  sourceLanguage: DEFAULT_LANGUAGE,
  metadataType: TRANSLATION_METADATA_TYPE,
})
