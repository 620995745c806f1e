// Lists of the documents linked to one treatment or condition, with "create" templates that
// pre-link new documents to it. Shared by the Treatments, Conditions, FAQs and Care sections.
import type { DocumentListBuilder, StructureBuilder } from 'sanity/structure'
import { CARE_PHASES, type CarePhase, titleOf } from '../../model/values.js'
import { STUDIO_API_VERSION, TEMPLATE_IDS } from '../constants.js'

/** "Before treatment care", "After treatment care". */
export function careListTitle(phase: CarePhase): string {
  return `${titleOf(CARE_PHASES, phase) ?? phase} care`
}

/** FAQs whose topics include the treatment, in display order; "+" creates one linked to it. */
export function faqsForTreatment(S: StructureBuilder, treatmentId: string): DocumentListBuilder {
  return S.documentList()
    .id(`faqs-${treatmentId}`)
    .title('FAQs')
    .schemaType('faq')
    .apiVersion(STUDIO_API_VERSION)
    .filter('_type == "faq" && $treatmentId in treatments[]._ref')
    .params({ treatmentId })
    .defaultOrdering([{ field: 'order', direction: 'asc' }])
    .initialValueTemplates([S.initialValueTemplateItem(TEMPLATE_IDS.faqForTreatment, { treatmentId })])
}

/** FAQs whose topics include the condition, in display order; "+" creates one linked to it. */
export function faqsForCondition(S: StructureBuilder, conditionId: string): DocumentListBuilder {
  return S.documentList()
    .id(`faqs-${conditionId}`)
    .title('FAQs')
    .schemaType('faq')
    .apiVersion(STUDIO_API_VERSION)
    .filter('_type == "faq" && $conditionId in conditions[]._ref')
    .params({ conditionId })
    .defaultOrdering([{ field: 'order', direction: 'asc' }])
    .initialValueTemplates([S.initialValueTemplateItem(TEMPLATE_IDS.faqForCondition, { conditionId })])
}

/** The treatment's care instructions of one phase (or all); "+" creates one linked to it. */
export function careForTreatment(S: StructureBuilder, treatmentId: string, phase?: CarePhase): DocumentListBuilder {
  const list = S.documentList()
    .id(phase ? `care-${phase}-${treatmentId}` : `care-${treatmentId}`)
    .title(phase ? careListTitle(phase) : 'Care instructions')
    .schemaType('careInstruction')
    .apiVersion(STUDIO_API_VERSION)
    .defaultOrdering([{ field: 'title', direction: 'asc' }])
  return phase
    ? list
        .filter('_type == "careInstruction" && treatment._ref == $treatmentId && phase == $phase')
        .params({ treatmentId, phase })
        .initialValueTemplates([
          S.initialValueTemplateItem(TEMPLATE_IDS.careInstructionForTreatment, { treatmentId, phase }),
        ])
    : list
        .filter('_type == "careInstruction" && treatment._ref == $treatmentId')
        .params({ treatmentId })
        .initialValueTemplates([S.initialValueTemplateItem(TEMPLATE_IDS.careInstructionForTreatment, { treatmentId })])
}
