// Translations: what still needs a Spanish version, which translations await a clinician's review,
// and which may be out of date because their English source changed since. One list per
// translation language (model/languages.ts), so a third language gets its lists for free.
import { TranslateIcon, WarningOutlineIcon } from '@sanity/icons'
import type { ListItemBuilder, StructureBuilder } from 'sanity/structure'
import { DEFAULT_LANGUAGE, LANGUAGES } from '../../model/languages.js'
import { STUDIO_API_VERSION } from '../constants.js'
import {
  AWAITING_REVIEW_FILTER,
  MISSING_TRANSLATION_FILTER,
  STALE_TRANSLATION_FILTER,
  translationListParams,
} from '../translation/queries.js'

function translationList(S: StructureBuilder, id: string, title: string, filter: string, language: string) {
  return S.listItem()
    .id(id)
    .title(title)
    .icon(id.startsWith('stale') ? WarningOutlineIcon : TranslateIcon)
    .child(
      S.documentList()
        .id(id)
        .title(title)
        .apiVersion(STUDIO_API_VERSION)
        .filter(filter)
        .params(translationListParams(language))
        .defaultOrdering([{ field: '_updatedAt', direction: 'desc' }]),
    )
}

export function translationsSection(S: StructureBuilder): ListItemBuilder {
  const targets = LANGUAGES.filter((l) => l.id !== DEFAULT_LANGUAGE)
  return S.listItem()
    .id('translations')
    .title('Translations')
    .icon(TranslateIcon)
    .child(
      S.list()
        .id('translations')
        .title('Translations')
        .items(
          targets.flatMap((l) => [
            translationList(S, `missing-${l.id}`, `${l.title}: no translation yet`, MISSING_TRANSLATION_FILTER, l.id),
            translationList(
              S,
              `awaiting-${l.id}`,
              `${l.title}: awaiting clinical review`,
              AWAITING_REVIEW_FILTER,
              l.id,
            ),
            translationList(S, `stale-${l.id}`, `${l.title}: may be out of date`, STALE_TRANSLATION_FILTER, l.id),
          ]),
        ),
    )
}
