// FAQs by topic: per treatment, per condition, and those without a topic yet.
import { HelpCircleIcon, WarningOutlineIcon } from '@sanity/icons'
import type { ListItemBuilder, StructureBuilder, StructureResolverContext } from 'sanity/structure'
import { STUDIO_API_VERSION } from '../constants.js'
import { byTopic, typeIcon } from './helpers.js'
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
          byTopic(S, context, 'treatment', 'FAQs by treatment', faqsForTreatment),
          byTopic(S, context, 'condition', 'FAQs by condition', faqsForCondition),
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
