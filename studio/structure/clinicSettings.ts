// The clinic settings: a singleton edited in place (`_id` "clinic"); it has no list, no
// "create" template (studio/templates.ts) and no duplicate/delete/unpublish actions
// (studio/documentOptions.ts).
import { CogIcon } from '@sanity/icons'
import type { ListItemBuilder, StructureBuilder, StructureResolverContext } from 'sanity/structure'
import { SINGLETONS } from '../constants.js'
import { typeIcon } from './helpers.js'

export function clinicSettingsSection(S: StructureBuilder, context: StructureResolverContext): ListItemBuilder {
  return S.listItem()
    .id('clinic-settings')
    .title('Clinic settings')
    .icon(typeIcon(context, 'clinic', CogIcon))
    .child(
      S.document().id('clinic-settings').title('Clinic settings').schemaType('clinic').documentId(SINGLETONS.clinic),
    )
}
