// FAQs by topic: a treatment and/or a condition.
import type { SanityClient } from '@sanity/client'
import { runQuery, type QueryResult } from '../client.js'
import { FAQS_BY_TOPIC_QUERY } from '../queries.js'
import { type LanguageOptions, languageParams } from './language.js'
import { runWithVersions, withoutTranslated } from './versions.js'
import { conformList } from './conform.js'
import { InvalidInputError, optionalSlug } from './result.js'
import { FAQ } from './shapes.js'

export type Faq = QueryResult<typeof FAQS_BY_TOPIC_QUERY>[number]

export interface FaqTopic extends LanguageOptions {
  /** Treatment slug. */
  treatment?: string | null
  /** Condition slug. */
  condition?: string | null
}

/** FAQs about a treatment, a condition, or both (at least one), in display order. */
export async function listFaqsByTopic(client: SanityClient, topic: FaqTopic): Promise<Faq[]> {
  const treatment = optionalSlug('treatment', topic.treatment)
  const condition = optionalSlug('condition', topic.condition)
  if (treatment === null && condition === null) {
    throw new InvalidInputError('topic', 'no topic was given', 'Pass a treatment slug, a condition slug, or both')
  }
  const language = languageParams(topic)
  const { result, versions } = await runWithVersions(client, language, (options) =>
    runQuery(client, FAQS_BY_TOPIC_QUERY, { treatment, condition, ...language, ...options }, 'faqs-by-topic'),
  )
  return conformList(await withoutTranslated(client, result, language, versions), FAQ, 'faq', 'FAQ list')
}
