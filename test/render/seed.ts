// The seed as the renderers receive it: content/production.ndjson queried with the delivery layer's
// own GROQ queries (evaluated by groq-js, the reference GROQ implementation), so these tests see the
// exact shapes the HTTP API passes to the renderers. The post itself is content/source/first-post.txt,
// as the clinic published it.

import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { evaluate, parse } from 'groq-js'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const datasetPath = join(repoRoot, 'content', 'production.ndjson')
const postPath = join(repoRoot, 'content', 'source', 'first-post.txt')

/** The published seed documents (drafts, such as the Spanish translation awaiting review, left out). */
export function loadSeedDataset(): unknown[] | null {
  if (!existsSync(datasetPath)) return null
  return readFileSync(datasetPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { _id: string })
    .filter((doc) => !doc._id.startsWith('drafts.') && !doc._id.startsWith('versions.'))
}

/** Runs a GROQ query over documents, like the Content Lake would (published perspective). */
export async function runGroq(
  documents: unknown[],
  query: string,
  params: Record<string, unknown> = {},
): Promise<unknown> {
  // Delivery's queries read in `$lang` (English unless given), English standing in only with `$fallback`;
  // no translation versions read (`$versions`, `$versionIds`: delivery/content/versions.ts).
  params = { lang: 'en', fallback: false, versions: [], versionIds: [], ...params }
  // Params at parse time too: groq-js resolves slice bounds like `[0...$limit]` while parsing.
  const result = await evaluate(parse(query, { params }), { dataset: documents, params })
  return result.get()
}

/** Wix page chrome around the post, not part of it. */
const CHROME = new Set(['top of page', 'bottom of page', 'Recent Posts', 'See All'])

export interface SeedPost {
  title: string
  /** The author line ("kelliegomia"). */
  handle: string
  /** Every paragraph, heading and list item of the post, in order. */
  paragraphs: string[]
  /** The printed footnote ("1. J Orthop Sports Phys Ther 2017;47(3):133-149. ..."). */
  footnotes: string[]
}

export function readSeedPost(): SeedPost {
  const lines = readFileSync(postPath, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !CHROME.has(l) && !/^\d+ views/.test(l))
  const handleLine = lines.find((l) => l.startsWith('•'))!
  const rest = lines.filter((l) => l !== handleLine)
  const [title, ...body] = rest
  return {
    title: title!,
    handle: handleLine.replace(/^•\s*/, ''),
    paragraphs: body.filter((l) => !/^\d+\.\s/.test(l)).map((l) => l.replace(/^•\s*/, '')),
    footnotes: body.filter((l) => /^\d+\.\s/.test(l)),
  }
}
