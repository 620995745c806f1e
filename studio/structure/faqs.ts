// FAQs by topic: per treatment, per condition, and those without a topic yet.
import { ActivityIcon, BookIcon, HelpCircleIcon, WarningOutlineIcon } from '@sanity/icons'
import type { ListItemBuilder, StructureBuilder, StructureResolverContext } from 'sanity/structure'
import { STUDIO_API_VERSION } from '../constants.js'
import { typeIcon } from './helpers.js'
import { faqsForCondition, faqsForTreatment } from './topicLists.js'

export function faqsSection(S: StructureBuilder, context: StructureResolverContext): ListItemBuilder {
  return S.listItem()
    .id('faqs')
    .title('FAQs')
    .icon(typeIcon(context, 'faq', HelpCircleIcon))
    .child(
      S.list()
        .id('faqs')
        .title('FAQs by topic')
        .items([
          S.listItem()
            .id('by-treatment')
            .title('By treatment')
            .icon(typeIcon(context, 'treatment', ActivityIcon))
            .child(
              S.documentTypeList('treatment')
                .id('by-treatment')
                .title('FAQs by treatment')
                .defaultOrdering([{ field: 'name', direction: 'asc' }])
                .child((treatmentId: string) => faqsForTreatment(S, treatmentId)),
            ),
          S.listItem()
            .id('by-condition')
            .title('By condition')
            .icon(typeIcon(context, 'condition', BookIcon))
            .child(
              S.documentTypeList('condition')
                .id('by-condition')
                .title('FAQs by condition')
                .defaultOrdering([{ field: 'name', direction: 'asc' }])
                .child((conditionId: string) => faqsForCondition(S, conditionId)),
            ),
          S.listItem()
            .id('no-topic')
            .title('Without a topic')
            .icon(WarningOutlineIcon)
            .child(
              S.documentList()
                .id('no-topic')
                .title('FAQs without a treatment or condition')
                .schemaType('faq')
                .apiVersion(STUDIO_API_VERSION)
                .filter(
                  '_type == "faq" && count(coalesce(treatments, [])) == 0 && count(coalesce(conditions, [])) == 0',
                ),
            ),
          S.divider(),
          S.listItem()
            .id('all')
            .title('All FAQs')
            .schemaType('faq')
            .child(
              S.documentTypeList('faq')
                .id('all')
                .title('All FAQs')
                .defaultOrdering([{ field: 'question', direction: 'asc' }]),
            ),
        ]),
    )
}
