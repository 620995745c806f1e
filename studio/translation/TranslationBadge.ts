// Badges on a translation: "Awaiting clinical review" until a clinician checked it, and "Translation
// may be out of date" when its source changed after that review (model/languages.ts). Badges are
// hooks in the Studio, so this one may read the source's last change through the client.
import { useEffect, useState } from 'react'
import { useClient, type DocumentBadgeComponent, type DocumentBadgeDescription } from 'sanity'
import { DEFAULT_LANGUAGE, LANGUAGES, languageOf, translationMayBeStale } from '../../model/languages.js'
import { STUDIO_API_VERSION } from '../constants.js'
import { TRANSLATION_SOURCE_QUERY, translationSourceParams } from './queries.js'

type Translated = {
  _createdAt?: string
  language?: string
  translationReview?: { status?: string; reviewedAt?: string }
}

const titleOf = (id: string) => LANGUAGES.find((l) => l.id === id)?.title ?? id

/** The source's `_updatedAt`, read when the translation is opened; null while unknown. */
function useSourceUpdatedAt(publishedId: string, enabled: boolean): string | null {
  const client = useClient({ apiVersion: STUDIO_API_VERSION })
  const [updatedAt, setUpdatedAt] = useState<string | null>(null)
  useEffect(() => {
    if (!enabled) return
    let live = true
    client
      .fetch<{ _updatedAt?: string } | null>(TRANSLATION_SOURCE_QUERY, translationSourceParams(publishedId), {
        perspective: 'published',
      })
      .then((source) => {
        if (live) setUpdatedAt(source?._updatedAt ?? null)
      })
      // No badge rather than a wrong one when the source cannot be read.
      .catch(() => undefined)
    return () => {
      live = false
    }
  }, [client, publishedId, enabled])
  return updatedAt
}

export function describeTranslation(doc: Translated, sourceUpdatedAt: string | null): DocumentBadgeDescription | null {
  const sourceTitle = titleOf(DEFAULT_LANGUAGE)
  if (sourceUpdatedAt && translationMayBeStale({ _updatedAt: sourceUpdatedAt }, doc)) {
    const since = doc.translationReview?.reviewedAt ?? doc._createdAt
    return {
      label: 'Translation may be out of date',
      color: 'warning',
      title: `The ${sourceTitle} version changed on ${sourceUpdatedAt.slice(0, 10)}, after this translation was ${
        doc.translationReview?.reviewedAt ? 'last reviewed' : 'made'
      } (${since?.slice(0, 10)}). Compare it with the ${sourceTitle} version, update it, and have it reviewed again.`,
    }
  }
  if (doc.translationReview?.status !== 'reviewed') {
    return {
      label: 'Awaiting clinical review',
      color: 'primary',
      title:
        'A clinician who reads this language checks the translation, then sets "Clinically reviewed" under "Translation review".',
    }
  }
  return null
}

export const TranslationBadge: DocumentBadgeComponent = (props) => {
  const doc = (props.version ?? props.draft ?? props.published) as Translated | null
  const isTranslation = doc !== null && languageOf(doc) !== DEFAULT_LANGUAGE
  const sourceUpdatedAt = useSourceUpdatedAt(props.id, isTranslation)
  if (!doc || !isTranslation) return null
  return describeTranslation(doc, sourceUpdatedAt)
}
TranslationBadge.displayName = 'TranslationBadge'
