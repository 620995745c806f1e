// The editors' structure: one file per section. Types not listed here (assets, system types)
// stay out of the editors' way; every document type of the content model has a section.
import type { StructureResolver } from 'sanity/structure'
import { articlesSection } from './articles.js'
import { careInstructionsSection } from './careInstructions.js'
import { categoriesSection } from './categories.js'
import { clinicSettingsSection } from './clinicSettings.js'
import { conditionsSection } from './conditions.js'
import { faqsSection } from './faqs.js'
import { partnersSection } from './partners.js'
import { peopleSection } from './people.js'
import { treatmentsSection } from './treatments.js'

export const structure: StructureResolver = (S, context) =>
  S.list()
    .id('content')
    .title('Content')
    .items([
      articlesSection(S, context),
      conditionsSection(S, context),
      treatmentsSection(S, context),
      faqsSection(S, context),
      careInstructionsSection(S, context),
      S.divider(),
      peopleSection(S, context),
      categoriesSection(S, context),
      partnersSection(S, context),
      S.divider(),
      clinicSettingsSection(S, context),
    ])
