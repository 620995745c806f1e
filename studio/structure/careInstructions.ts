// Care instructions: before treatment, after treatment, and per treatment.
import { ActivityIcon, ClipboardIcon } from '@sanity/icons'
import type { ListItemBuilder, StructureBuilder, StructureResolverContext } from 'sanity/structure'
import { CARE_PHASES } from '../../model/values.js'
import { STUDIO_API_VERSION, TEMPLATE_IDS } from '../constants.js'
import { typeIcon } from './helpers.js'
import { careForTreatment, careListTitle } from './topicLists.js'

export function careInstructionsSection(S: StructureBuilder, context: StructureResolverContext): ListItemBuilder {
  const icon = typeIcon(context, 'careInstruction', ClipboardIcon)
  return S.listItem()
    .id('care-instructions')
    .title('Care instructions')
    .icon(icon)
    .child(
      S.list()
        .id('care-instructions')
        .title('Care instructions')
        .items([
          ...CARE_PHASES.map(({ value: phase, title }) =>
            S.listItem()
              .id(phase)
              .title(title)
              .icon(icon)
              .child(
                S.documentList()
                  .id(phase)
                  .title(careListTitle(phase))
                  .schemaType('careInstruction')
                  .apiVersion(STUDIO_API_VERSION)
                  .filter('_type == "careInstruction" && phase == $phase')
                  .params({ phase })
                  .defaultOrdering([{ field: 'title', direction: 'asc' }])
                  .initialValueTemplates([S.initialValueTemplateItem(TEMPLATE_IDS.careInstructionForPhase, { phase })]),
              ),
          ),
          S.listItem()
            .id('by-treatment')
            .title('By treatment')
            .icon(typeIcon(context, 'treatment', ActivityIcon))
            .child(
              S.documentTypeList('treatment')
                .id('by-treatment')
                .title('Care instructions by treatment')
                .defaultOrdering([{ field: 'name', direction: 'asc' }])
                .child((treatmentId: string) => careForTreatment(S, treatmentId)),
            ),
          S.divider(),
          S.listItem()
            .id('all')
            .title('All care instructions')
            .schemaType('careInstruction')
            .child(S.documentTypeList('careInstruction').id('all').title('All care instructions')),
        ]),
    )
}
