// Conditions, grouped by body region (the content model's list, model/values.ts, which the
// schema's `bodyRegion` field offers too).
import { BookIcon, FolderIcon } from '@sanity/icons'
import type { ListItemBuilder, StructureBuilder, StructureResolverContext } from 'sanity/structure'
import { BODY_REGIONS } from '../../model/values.js'
import { STUDIO_API_VERSION, TEMPLATE_IDS } from '../constants.js'
import { typeIcon } from './helpers.js'

export function conditionsSection(S: StructureBuilder, context: StructureResolverContext): ListItemBuilder {
  const byName = [{ field: 'name', direction: 'asc' as const }]
  return S.listItem()
    .id('conditions')
    .title('Conditions')
    .icon(typeIcon(context, 'condition', BookIcon))
    .child(
      S.list()
        .id('conditions')
        .title('Conditions by body region')
        .items([
          S.listItem()
            .id('all')
            .title('All conditions')
            .schemaType('condition')
            .child(S.documentTypeList('condition').id('all').title('All conditions').defaultOrdering(byName)),
          S.divider(),
          ...BODY_REGIONS.map((region) =>
            S.listItem()
              .id(region.value)
              .title(region.title)
              .icon(FolderIcon)
              .child(
                S.documentList()
                  .id(region.value)
                  .title(region.title)
                  .schemaType('condition')
                  .apiVersion(STUDIO_API_VERSION)
                  .filter('_type == "condition" && bodyRegion == $bodyRegion')
                  .params({ bodyRegion: region.value })
                  .defaultOrdering(byName)
                  .initialValueTemplates([
                    S.initialValueTemplateItem(TEMPLATE_IDS.conditionInRegion, { bodyRegion: region.value }),
                  ]),
              ),
          ),
          S.listItem()
            .id('no-region')
            .title('No body region set')
            .icon(FolderIcon)
            .child(
              S.documentList()
                .id('no-region')
                .title('No body region set')
                .schemaType('condition')
                .apiVersion(STUDIO_API_VERSION)
                .filter('_type == "condition" && !defined(bodyRegion)')
                .defaultOrdering(byName),
            ),
        ]),
    )
}
