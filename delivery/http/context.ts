// What every route plugin of the delivery server gets: the content functions, the response cache
// and source health, image settings for the renderers, and the server's public base URL.
import { collectTags, recordTags, type ResponseTags } from '../cache/sync-tags.js'
import type { ChangeFeed } from '../cache/changes.js'
import type { CacheStamp } from '../cache/response-cache.js'
import type { ContentApi } from '../content/index.js'
import type { ClinicSettings } from '../content/site.js'
import type { ImageConfig } from '../render/types.js'
import type { ServeContext } from './respond.js'
import type { PresentContext } from './present.js'
import type { PreviewMode } from './preview.js'

export interface DeliveryContext extends ServeContext {
  /** The server's change signal (stream, webhook, recovery): syndication follows it too. */
  changes: ChangeFeed
  content: ContentApi
  images: ImageConfig | null
  /** Base URL of this server (for absolute links when the clinic has no site URL yet). */
  publicUrl: () => string
  /** Preview sessions for the Studio's Presentation tool (routes/draft-mode); always present. */
  previewMode: PreviewMode
}

/**
 * The clinic settings, fetched once and kept until a change touches them: every resource embeds
 * them (JSON-LD publisher, canonical URLs), so a cache miss costs one query, not two. The memo
 * keeps the sync tags of its query; each response built with it is tagged with them too. A change
 * to those tags, a flush, or a failed fetch fetches them again.
 */
interface ClinicMemo {
  stamp: CacheStamp
  clinic: Promise<{ value: ClinicSettings | null; tags: ResponseTags }>
  tags: ResponseTags | undefined
}
const clinicMemo = new WeakMap<DeliveryContext, ClinicMemo>()

export async function clinicSettings(context: DeliveryContext): Promise<ClinicSettings | null> {
  let memo = clinicMemo.get(context)
  // Until its query answered the memo's tags are unknown: reuse it only within the same version.
  const current =
    memo &&
    (memo.tags === undefined
      ? context.cache.version === `${memo.stamp.generation}.${memo.stamp.seq}`
      : !context.cache.changedSince(memo.stamp, memo.tags))
  if (!memo || !current) {
    const stamp = context.cache.stamp()
    const clinic = collectTags(() =>
      context.content.clinicSettings().then((result) => (result.found ? result.value : null)),
    )
    const made: ClinicMemo = { stamp, clinic, tags: undefined }
    memo = made
    clinicMemo.set(context, made)
    clinic.then(
      (done) => {
        made.tags = done.tags
      },
      () => {
        if (clinicMemo.get(context) === made) clinicMemo.delete(context)
      },
    )
  }
  const { value, tags } = await memo.clinic
  recordTags(tags)
  return value
}

/** The clinic settings and image config the presenters need (clinic null until published). */
export async function presentContext(context: DeliveryContext): Promise<PresentContext> {
  return { clinic: await clinicSettings(context), images: context.images }
}

/**
 * The presentation context read through other content functions (a review's perspective): the
 * clinic settings as that perspective shows them, not memoized (review answers are not cached).
 */
export async function presentContextOf(context: DeliveryContext, content: ContentApi): Promise<PresentContext> {
  if (content === context.content) return presentContext(context)
  const clinic = await content.clinicSettings()
  return { clinic: clinic.found ? clinic.value : null, images: context.images }
}

/** The options of every route plugin: the shared context (one object, so its memos are shared). */
export interface RouteOptions {
  context: DeliveryContext
}
