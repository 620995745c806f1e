// Care instructions: before treatment, after treatment, and per treatment.
import { ActivityIcon, ClipboardIcon } from '@sanity/icons'
import type { ListItemBuilder, StructureBuilder, StructureResolverContext } from 'sanity/structure'
import { STUDIO_API_VERSION, TEMPLATE_IDS } from '../constants.js'
import { typeIcon } from './helpers.js'
import { careForTreatment, PHASE_TITLES, type Phase } from './topicLists.js'

const PHASES: readonly Phase[] = ['before', 'after']

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
          ...PHASES.map((phase) =>
            S.listItem()
              .id(phase)
              .title(PHASE_TITLES[phase])
              .icon(icon)
              .child(
                S.documentList()
                  .id(phase)
                  .title(`${PHASE_TITLES[phase]} care`)
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
