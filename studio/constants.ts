// Names and settings the Studio parts share. Document type and field names come from
// docs/content-model.md (the contract); they are repeated here only where the Studio needs a literal.
// Content rules (value lists, ids, slugs, site paths, reading grade) live in model/.
import { CLINIC_ID } from '../model/values.js'

/** The API version every Studio-side query in this project is written against. */
export const STUDIO_API_VERSION = '2025-02-19'

/** Document types that exist exactly once: type name -> its fixed `_id`. */
export const SINGLETONS = { clinic: CLINIC_ID } as const
export const SINGLETON_TYPES: ReadonlySet<string> = new Set(Object.keys(SINGLETONS))

/** Initial-value template ids defined in studio/templates.ts. */
export const TEMPLATE_IDS = {
  faqForTreatment: 'faq-for-treatment',
  faqForCondition: 'faq-for-condition',
  careInstructionForTreatment: 'care-instruction-for-treatment',
  careInstructionForPhase: 'care-instruction-for-phase',
  conditionInRegion: 'condition-in-region',
} as const

/** How many days before `nextReviewDue` an article counts as "review due". */
export const REVIEW_DUE_WINDOW_DAYS = 30
/** How far `nextReviewDue` is pushed when an article is marked as reviewed. */
export const REVIEW_INTERVAL_MONTHS = 12

/** GROQ filter fragments that work under both the `raw` and the `drafts` perspective. */
export const IS_DRAFT = 'coalesce(_originalId, _id) in path("drafts.**")'
export const IS_VERSION = 'coalesce(_originalId, _id) in path("versions.**")'
