// What every route plugin of the delivery server gets: the content functions, the response cache
// and source health, image settings for the renderers, and the server's public base URL.
import type { ContentApi } from '../content/index.js'
import type { ClinicSettings } from '../content/site.js'
import type { ImageConfig } from '../render/types.js'
import type { ServeContext } from './respond.js'
import type { PresentContext } from './present.js'

export interface DeliveryContext extends ServeContext {
  content: ContentApi
  images: ImageConfig | null
  /** Base URL of this server (for absolute links when the clinic has no site URL yet). */
  publicUrl: () => string
}

/**
 * The clinic settings, fetched once per cache generation: every resource embeds them (JSON-LD
 * publisher, canonical URLs), so a cache miss costs one query, not two. A publish (new generation)
 * or a failed fetch fetches them again.
 */
const clinicMemo = new WeakMap<DeliveryContext, { generation: number; clinic: Promise<ClinicSettings | null> }>()

export function clinicSettings(context: DeliveryContext): Promise<ClinicSettings | null> {
  const generation = context.cache.generation
  const memo = clinicMemo.get(context)
  if (memo && memo.generation === generation) return memo.clinic
  const clinic = context.content.clinicSettings().then((result) => (result.found ? result.value : null))
  clinicMemo.set(context, { generation, clinic })
  clinic.catch(() => {
    if (clinicMemo.get(context)?.clinic === clinic) clinicMemo.delete(context)
  })
  return clinic
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
