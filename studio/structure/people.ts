// People: the clinic's clinicians (authors and medical reviewers).
import { UsersIcon } from '@sanity/icons'
import type { ListItemBuilder, StructureBuilder, StructureResolverContext } from 'sanity/structure'
import { typeIcon } from './helpers.js'

export function peopleSection(S: StructureBuilder, context: StructureResolverContext): ListItemBuilder {
  return S.listItem()
    .id('people')
    .title('People')
    .icon(typeIcon(context, 'clinician', UsersIcon))
    .schemaType('clinician')
    .child(
      S.documentTypeList('clinician')
        .id('people')
        .title('People')
        .defaultOrdering([{ field: 'name', direction: 'asc' }]),
    )
}
