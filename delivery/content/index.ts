// The content functions a frontend developer calls. Each takes a delivery client (see
// delivery/client.ts) first; `createContentApi(client)` binds one so calls read naturally:
//
//   const content = createContentApi(createDeliveryClient(loadDeliveryConfig().source))
//   const result = await content.articleBySlug('why-you-shouldnt-be-afraid-of-needles')
//   if (result.found) render(result.value) else show404(result.resource, result.key)
import type { SanityClient } from '@sanity/client'
import { getArticleBySlug, listArticles, type ArticleListOptions } from './articles.js'
import { listCareInstructions } from './care.js'
import {
  getConditionBySlug,
  getConditionsByIcd10Code,
  listConditions,
  listConditionsByBodyRegion,
  type ConditionListOptions,
} from './conditions.js'
import { listFaqsByTopic, type FaqTopic } from './faqs.js'
import { searchArticles } from './search.js'
import { getClinicSettings, getSitemapIndex, getSitemapPage, type ClinicSettingsOptions } from './site.js'
import { getTreatmentBySlug, listTreatments } from './treatments.js'
import type { LanguageOptions } from './language.js'
import type { PageOptions } from './pagination.js'

export * from './articles.js'
export { setContentProblemHandler, formatContentProblem, type ContentProblem } from './conform.js'
export * from './care.js'
export * from './conditions.js'
export * from './faqs.js'
export * from './language.js'
export * from './pagination.js'
export * from './result.js'
export * from './search.js'
export * from './site.js'
export * from './treatments.js'

/** The content functions bound to one client (`options.fallbackSiteUrl`: see getClinicSettings). */
export function createContentApi(client: SanityClient, options: ClinicSettingsOptions = {}) {
  return {
    client,
    articleBySlug: (slug: string, language?: LanguageOptions) => getArticleBySlug(client, slug, language),
    articles: (options?: ArticleListOptions) => listArticles(client, options),
    conditionBySlug: (slug: string, language?: LanguageOptions) => getConditionBySlug(client, slug, language),
    conditions: (options?: ConditionListOptions) => listConditions(client, options),
    conditionsByBodyRegion: (bodyRegion: string, language?: LanguageOptions) =>
      listConditionsByBodyRegion(client, bodyRegion, language),
    conditionsByIcd10Code: (code: string, language?: LanguageOptions) =>
      getConditionsByIcd10Code(client, code, language),
    treatmentBySlug: (slug: string, language?: LanguageOptions) => getTreatmentBySlug(client, slug, language),
    treatments: (options?: PageOptions) => listTreatments(client, options),
    faqsByTopic: (topic: FaqTopic) => listFaqsByTopic(client, topic),
    careInstructions: (options: { treatment: string; phase?: string | null } & LanguageOptions) =>
      listCareInstructions(client, options),
    search: (options: { q: string; limit?: number } & LanguageOptions) => searchArticles(client, options),
    sitemapIndex: () => getSitemapIndex(client),
    sitemapPage: (type: string, page: number) => getSitemapPage(client, type, page),
    clinicSettings: () => getClinicSettings(client, options),
  }
}

export type ContentApi = ReturnType<typeof createContentApi>
