// Conditions, grouped by body region (the region list is read from the schema).
import { BookIcon, FolderIcon } from '@sanity/icons'
import type { ListItemBuilder, StructureBuilder, StructureResolverContext } from 'sanity/structure'
import { STUDIO_API_VERSION, TEMPLATE_IDS } from '../constants.js'
import { fieldOptions, typeIcon } from './helpers.js'

/** docs/content-model.md; used only if the schema's `bodyRegion` field has no options.list. */
const BODY_REGIONS = [
  'head',
  'jaw',
  'neck',
  'shoulder',
  'arm-elbow',
  'wrist-hand',
  'upper-back',
  'lower-back',
  'hip-buttock',
  'leg',
  'knee',
  'ankle-foot',
  'whole-body',
] as const

export function conditionsSection(S: StructureBuilder, context: StructureResolverContext): ListItemBuilder {
  const regions = fieldOptions(context, 'condition', 'bodyRegion', BODY_REGIONS)
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
          ...regions.map((region) =>
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
