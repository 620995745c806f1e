// What every route plugin of the delivery server gets: the content functions, the response cache
// and source health, image settings for the renderers, and the server's public base URL.
import type { ContentApi } from '../content/index.js'
import type { ImageConfig } from '../render/types.js'
import type { ServeContext } from './respond.js'
import type { PresentContext } from './present.js'

export interface DeliveryContext extends ServeContext {
  content: ContentApi
  images: ImageConfig | null
  /** Base URL of this server (for absolute links when the clinic has no site URL yet). */
  publicUrl: () => string
}

/** The clinic settings and image config the presenters need (clinic null until published). */
export async function presentContext(context: DeliveryContext): Promise<PresentContext> {
  const clinic = await context.content.clinicSettings()
  return { clinic: clinic.found ? clinic.value : null, images: context.images }
}
