// Every schema type of the content model (docs/content-model.md). `sanity.config.ts` imports
// `schemaTypes`; the order is the order of the Studio's default type list.
import type { SchemaTypeDefinition } from 'sanity'
import { article } from './documents/article.js'
import { careInstruction } from './documents/careInstruction.js'
import { category } from './documents/category.js'
import { clinician } from './documents/clinician.js'
import { condition } from './documents/condition.js'
import { faq } from './documents/faq.js'
import { partner } from './documents/partner.js'
import { treatment } from './documents/treatment.js'
import { accessibleImage } from './objects/accessibleImage.js'
import { blockContent } from './objects/blockContent.js'
import { callout } from './objects/callout.js'
import { callToAction } from './objects/callToAction.js'
import { careStep } from './objects/careStep.js'
import { citation } from './objects/citation.js'
import { conditionSection } from './objects/conditionSection.js'
import { postalAddress } from './objects/postalAddress.js'
import { seo } from './objects/seo.js'
import { simpleBlockContent } from './objects/simpleBlockContent.js'
import { syndicationSettings } from './objects/syndicationSettings.js'
import { treatmentComparison } from './objects/treatmentComparison.js'
import { clinic } from './singletons/clinic.js'

export const documentTypes = [article, condition, treatment, faq, careInstruction, clinician, category, partner]
export const singletonTypes = [clinic]
export const objectTypes = [
  blockContent,
  simpleBlockContent,
  accessibleImage,
  callout,
  callToAction,
  careStep,
  citation,
  conditionSection,
  postalAddress,
  seo,
  syndicationSettings,
  treatmentComparison,
]

export const schemaTypes: SchemaTypeDefinition[] = [...documentTypes, ...singletonTypes, ...objectTypes]
