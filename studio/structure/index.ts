// The editors' structure: one file per section. Every document type of the content model has a
// section; a document type no section claims (a new one, before anyone gives it a section) is
// listed under "Other types", so it is never invisible. Assets and system types stay out of the way.
import { DocumentsIcon } from '@sanity/icons'
import { TRANSLATION_METADATA_TYPE } from '../../model/languages.js'
import type { ListItemBuilder, StructureBuilder, StructureResolver } from 'sanity/structure'
import { articlesSection } from './articles.js'
import { careInstructionsSection } from './careInstructions.js'
import { categoriesSection } from './categories.js'
import { clinicSettingsSection } from './clinicSettings.js'
import { conditionsSection } from './conditions.js'
import { faqsSection } from './faqs.js'
import { partnersSection } from './partners.js'
import { peopleSection } from './people.js'
import { translationsSection } from './translations.js'
import { treatmentsSection } from './treatments.js'

/** The document types the sections below list; keep it in step when a section is added. */
export const SECTION_TYPES: ReadonlySet<string> = new Set([
  'article',
  'condition',
  'treatment',
  'faq',
  'careInstruction',
  'clinician',
  'category',
  'partner',
  'clinic',
])

/** Plugins' own document types, reached from the documents they serve, never listed on their own. */
const PLUGIN_TYPES: ReadonlySet<string> = new Set([TRANSLATION_METADATA_TYPE])

/** The schema's document types that no section lists, as Sanity's default list items. */
export function unclaimedTypeItems(S: StructureBuilder): ListItemBuilder[] {
  return S.documentTypeListItems().filter((item) => {
    const id = item.getId()
    return id !== undefined && !SECTION_TYPES.has(id) && !PLUGIN_TYPES.has(id)
  })
}

/** "Other types": one list per unclaimed document type; absent when every type has a section. */
function otherTypesSection(S: StructureBuilder): Array<ListItemBuilder | ReturnType<StructureBuilder['divider']>> {
  const items = unclaimedTypeItems(S)
  if (items.length === 0) return []
  return [
    S.divider(),
    S.listItem()
      .id('other-types')
      .title('Other types')
      .icon(DocumentsIcon)
      .child(S.list().id('other-types').title('Other types').items(items)),
  ]
}

export const structure: StructureResolver = (S, context) =>
  S.list()
    .id('content')
    .title('Content')
    .items([
      articlesSection(S, context),
      conditionsSection(S, context),
      treatmentsSection(S, context),
      faqsSection(S, context),
      careInstructionsSection(S, context),
      translationsSection(S),
      S.divider(),
      peopleSection(S, context),
      categoriesSection(S, context),
      partnersSection(S, context),
      S.divider(),
      clinicSettingsSection(S, context),
      ...otherTypesSection(S),
    ])
