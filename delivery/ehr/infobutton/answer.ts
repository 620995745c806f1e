// Answering a parsed knowledge request: find the conditions for each code, rank what the clinic
// has about them, and build the feed every response format is rendered from.
import type { SanityClient } from '@sanity/client'
import type { ClinicSettings } from '../../content/site.js'
import { findConditions } from '../lookup.js'
import { buildKnowledgeFeed, type KnowledgeFeed } from './feed.js'
import { rankEntries } from './rank.js'
import { type KnowledgeRequest, servedLanguage } from './request.js'

export interface KnowledgeAnswer {
  feed: KnowledgeFeed
  /** The language of the content served, and whether it differs from the one requested. */
  language: string
  languageFallback: boolean
}

export async function answerKnowledgeRequest(
  client: SanityClient,
  request: KnowledgeRequest,
  context: { clinic: ClinicSettings | null; publicUrl: string; selfUrl: string; now?: Date },
): Promise<KnowledgeAnswer> {
  const language = servedLanguage(request.requestedLanguage)
  const matches = await Promise.all(
    request.criteria.map((criterion) => findConditions(client, criterion.system, criterion.code)),
  )
  const entries = rankEntries({
    criteria: request.criteria,
    matches,
    clinic: context.clinic,
    publicUrl: context.publicUrl,
    language,
  })
  const feed = buildKnowledgeFeed({
    request,
    entries,
    clinic: context.clinic,
    publicUrl: context.publicUrl,
    selfUrl: context.selfUrl,
    servedLanguage: language,
    now: context.now ?? new Date(),
  })
  const requestedPrimary = request.requestedLanguage.split('-')[0]!
  return { feed, language, languageFallback: requestedPrimary !== language }
}
