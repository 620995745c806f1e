// Treatments. Each treatment opens on its details, its FAQs and its before/after care, so an
// editor creates an FAQ or a care instruction "from the treatment" already linked to it.
import { ClipboardIcon, EditIcon, HelpCircleIcon, ActivityIcon } from '@sanity/icons'
import type { ListBuilder, ListItemBuilder, StructureBuilder, StructureResolverContext } from 'sanity/structure'
import { typeIcon } from './helpers.js'
import { careForTreatment, careListTitle, faqsForTreatment } from './topicLists.js'

/** The pane shown for one treatment: details plus its linked FAQs and care instructions. */
export function treatmentPane(
  S: StructureBuilder,
  context: StructureResolverContext,
  treatmentId: string,
): ListBuilder {
  return S.list()
    .id(treatmentId)
    .title('Treatment')
    .items([
      S.listItem()
        .id('details')
        .title('Treatment details')
        .icon(EditIcon)
        .child(S.document().schemaType('treatment').documentId(treatmentId)),
      S.listItem()
        .id('faqs')
        .title('FAQs')
        .icon(typeIcon(context, 'faq', HelpCircleIcon))
        .child(faqsForTreatment(S, treatmentId)),
      S.listItem()
        .id('care-before')
        .title(careListTitle('before'))
        .icon(typeIcon(context, 'careInstruction', ClipboardIcon))
        .child(careForTreatment(S, treatmentId, 'before')),
      S.listItem()
        .id('care-after')
        .title(careListTitle('after'))
        .icon(typeIcon(context, 'careInstruction', ClipboardIcon))
        .child(careForTreatment(S, treatmentId, 'after')),
    ])
}

export function treatmentsSection(S: StructureBuilder, context: StructureResolverContext): ListItemBuilder {
  return S.listItem()
    .id('treatments')
    .title('Treatments')
    .icon(typeIcon(context, 'treatment', ActivityIcon))
    .schemaType('treatment')
    .child(
      S.documentTypeList('treatment')
        .id('treatments')
        .title('Treatments')
        .defaultOrdering([{ field: 'name', direction: 'asc' }])
        .child((treatmentId: string) => treatmentPane(S, context, treatmentId)),
    )
}
