// The seed dataset (content/production.ndjson) as the source of truth for delivery tests: tests
// derive what they expect from it (ids, FAQ order, codes) instead of repeating its contents.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const SEED_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../content/production.ndjson')

export interface SeedDoc {
  _id: string
  _type: string
  [field: string]: unknown
}

export interface Ref {
  _ref: string
}

/** Drafts and release versions: the seed ships some (the Spanish translation awaiting review). */
export const isPrivateId = (id: string) => id.startsWith('drafts.') || id.startsWith('versions.')

/** The published seed documents: what delivery serves (drafts never reach it). */
export function loadSeed(): SeedDoc[] {
  return fs
    .readFileSync(SEED_PATH, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SeedDoc)
    .filter((doc) => !isPrivateId(doc._id))
}

export function slugOf(doc: SeedDoc): string {
  const slug = doc.slug as { current?: string } | undefined
  if (!slug?.current) throw new Error(`seed document ${doc._id} has no slug`)
  return slug.current
}

export function refs(doc: SeedDoc, field: string): string[] {
  return ((doc[field] as Ref[] | undefined) ?? []).map((r) => r._ref)
}

export function onlyOne(docs: SeedDoc[], predicate: (doc: SeedDoc) => boolean, what: string): SeedDoc {
  const found = docs.filter(predicate)
  if (found.length !== 1) throw new Error(`expected exactly one ${what} in the seed, found ${found.length}`)
  return found[0]!
}

/** The seed facts the delivery tests check against. */
export function seedFacts() {
  const docs = loadSeed()
  const byId = new Map(docs.map((d) => [d._id, d]))
  const article = onlyOne(
    docs,
    (d) => d._type === 'article' && /needles/i.test(String(d.title)),
    'dry-needling article',
  )
  const tennisElbow = onlyOne(
    docs,
    (d) => d._type === 'condition' && /tennis elbow/i.test(String(d.name)),
    'tennis elbow condition',
  )
  const treatment = onlyOne(
    docs,
    (d) => d._type === 'treatment' && /dry needling/i.test(String(d.name)),
    'dry-needling treatment',
  )
  const faqIds = refs(article, 'faqs')
  const careIds = refs(article, 'careInstructions')
  const citations = (article.citations as Array<{ _key: string; doi?: string; title?: string }> | undefined) ?? []
  return { docs, byId, article, tennisElbow, treatment, faqIds, careIds, citations }
}
