// What the EHR route plugins share: the options they are registered with, and the access check.
import type { SanityClient } from '@sanity/client'
import type { FastifyRequest } from 'fastify'
import type { DeliveryContext } from '../http/context.js'
import { AUTH_FAILURE_MESSAGES, type EhrAccess, presentedKey } from './access.js'

export interface EhrRouteOptions {
  context: DeliveryContext
  /** The delivery client (published perspective) the EHR queries run on. */
  client: SanityClient
  access: EhrAccess
}

/** Cache-Control of EHR answers: shared caches may keep open answers briefly; partner answers are private. */
export function ehrCacheControl(access: EhrAccess): string {
  return access.mode === 'open' ? 'public, max-age=300, stale-if-error=86400' : 'private, no-store'
}

/** Null when the request may be answered; else the 401 message (what to send instead). */
export async function accessDenied(
  access: EhrAccess,
  request: FastifyRequest,
  certificateText: string | null,
): Promise<string | null> {
  if (access.mode === 'open') return null
  const result = await access.verify(presentedKey(certificateText, request.headers))
  return result.ok ? null : AUTH_FAILURE_MESSAGES[result.failure]
}
