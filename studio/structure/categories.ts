// Categories that group articles (and gate what partners may syndicate).
import { TagIcon } from '@sanity/icons'
import type { ListItemBuilder, StructureBuilder, StructureResolverContext } from 'sanity/structure'
import { typeIcon } from './helpers.js'

export function categoriesSection(S: StructureBuilder, context: StructureResolverContext): ListItemBuilder {
  return S.listItem()
    .id('categories')
    .title('Categories')
    .icon(typeIcon(context, 'category', TagIcon))
    .schemaType('category')
    .child(
      S.documentTypeList('category')
        .id('categories')
        .title('Categories')
        .defaultOrdering([{ field: 'title', direction: 'asc' }]),
    )
}
