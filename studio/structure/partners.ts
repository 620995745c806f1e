// Partner clinics that syndicate the articles: active ones first.
import { ShareIcon } from '@sanity/icons'
import type { ListItemBuilder, StructureBuilder, StructureResolverContext } from 'sanity/structure'
import { typeIcon } from './helpers.js'

export function partnersSection(S: StructureBuilder, context: StructureResolverContext): ListItemBuilder {
  return S.listItem()
    .id('partners')
    .title('Partners')
    .icon(typeIcon(context, 'partner', ShareIcon))
    .schemaType('partner')
    .child(
      S.documentTypeList('partner')
        .id('partners')
        .title('Partners')
        .defaultOrdering([
          { field: 'status', direction: 'asc' },
          { field: 'name', direction: 'asc' },
        ]),
    )
}
