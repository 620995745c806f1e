// The seed's Spanish drafts, made from the English documents and a string-by-string translation
// table (content/source/first-post.es.json): the same structure, keys and marks as the English,
// every text replaced by its translation, so the drafts are faithful by construction and a test can
// prove it. Pure: scripts/translate-seed.ts writes the result, test/schema/translations.test.ts
// compares it with the committed file.
import { DEFAULT_LANGUAGE, isTranslatableType, TRANSLATION_METADATA_TYPE } from '../../model/languages.js'

type Doc = Record<string, unknown> & { _id: string; _type: string }

export interface SeedTranslation {
  /** Spanish slug per English document id. */
  slugs: Record<string, string>
  /** Spanish text per English text. */
  strings: Record<string, string>
}

/** The English documents the seed translates: the article, its FAQs and its care instructions. */
export const TRANSLATED_SEED_IDS = [
  'article-dry-needling',
  'faq-dry-needling-conditions',
  'faq-dry-needling-sterile-needles',
  'faq-dry-needling-painful',
  'faq-dry-needling-other-treatments',
  'faq-dry-needling-after-treatment',
  'faq-dry-needling-preparation',
  'careInstruction-dry-needling-before',
  'careInstruction-dry-needling-after',
] as const

export const TRANSLATION_LANGUAGE = 'es'

/** Keys whose string values are prose to translate; everything else (ids, styles, codes) is kept. */
const TEXT_KEYS = new Set([
  'title',
  'excerpt',
  'text',
  'question',
  'instruction',
  'timing',
  'contactTherapistWhen',
  'heading',
  'buttonLabel',
  'metaTitle',
  'metaDescription',
])
/** Subtrees kept as they are: a citation names a published paper in its own language. */
const KEPT_KEYS = new Set(['citations'])

export const translatedId = (id: string) => `${id}-${TRANSLATION_LANGUAGE}`
export const metadataId = (id: string) => `translations-${id}`

interface Missing {
  id: string
  path: string
  text: string
}

function translateValue(
  value: unknown,
  path: string,
  id: string,
  strings: Record<string, string>,
  missing: Missing[],
): unknown {
  if (Array.isArray(value)) return value.map((v, i) => translateValue(v, `${path}[${i}]`, id, strings, missing))
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key
    if (KEPT_KEYS.has(key)) out[key] = v
    else if (TEXT_KEYS.has(key) && typeof v === 'string') {
      const spanish = strings[v]
      if (spanish === undefined) missing.push({ id, path: at, text: v })
      out[key] = spanish ?? v
    } else out[key] = translateValue(v, at, id, strings, missing)
  }
  return out
}

/** A weak reference that Sanity makes strong when the referring document is published. */
function pendingReference(ref: string, type: string) {
  return {
    _type: 'reference',
    _ref: ref,
    _weak: true,
    _strengthenOnPublish: { type },
  }
}

function translate(doc: Doc, table: SeedTranslation, missing: Missing[]): Doc {
  const { publishedAt: _published, ...rest } = doc
  const translated = translateValue(rest, '', doc._id, table.strings, missing) as Doc
  const slug = table.slugs[doc._id]
  if (doc.slug !== undefined && slug === undefined) missing.push({ id: doc._id, path: 'slug', text: '(slug)' })
  const spanish: Doc = {
    ...translated,
    _id: `drafts.${translatedId(doc._id)}`,
    language: TRANSLATION_LANGUAGE,
    translationReview: { status: 'awaiting-clinical-review' },
    ...(slug ? { slug: { _type: 'slug', current: slug } } : {}),
  }
  return spanish
}

/** The translation.metadata document linking an English document and its Spanish draft. */
function metadataFor(doc: Doc): Doc {
  return {
    _id: metadataId(doc._id),
    _type: TRANSLATION_METADATA_TYPE,
    schemaTypes: [doc._type],
    translations: [
      {
        _key: DEFAULT_LANGUAGE,
        _type: 'internationalizedArrayReferenceValue',
        language: DEFAULT_LANGUAGE,
        value: { _type: 'reference', _ref: doc._id },
      },
      {
        _key: TRANSLATION_LANGUAGE,
        _type: 'internationalizedArrayReferenceValue',
        language: TRANSLATION_LANGUAGE,
        value: pendingReference(translatedId(doc._id), doc._type),
      },
    ],
  }
}

/**
 * The whole seed with translations: the English documents (translatable ones marked `en`), then
 * the Spanish drafts, then their metadata. Any earlier Spanish drafts and metadata are replaced.
 */
export function buildSpanishSeed(docs: Doc[], table: SeedTranslation): { documents: Doc[]; missing: Missing[] } {
  const generated = (d: Doc) => d._type === TRANSLATION_METADATA_TYPE || d.language === TRANSLATION_LANGUAGE
  const english = docs
    .filter((d) => !generated(d))
    .map((d) => (isTranslatableType(d._type) ? { ...d, language: DEFAULT_LANGUAGE } : d))
  const byId = new Map(english.map((d) => [d._id, d]))
  const missing: Missing[] = []
  const sources = TRANSLATED_SEED_IDS.map((id) => {
    const doc = byId.get(id)
    if (!doc)
      throw new Error(
        `The seed has no document "${id}" to translate: update TRANSLATED_SEED_IDS in scripts/lib/seed-translations.ts.`,
      )
    return doc
  })
  const spanish = sources.map((d) => translate(d, table, missing))
  return { documents: [...english, ...spanish, ...sources.map(metadataFor)], missing }
}
