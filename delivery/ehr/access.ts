// Who may call the EHR interfaces: the clinic chooses.
//
//   EHR_ACCESS=open      (default) anyone: the content is public patient education, as
//                        MedlinePlus Connect is open
//   EHR_ACCESS=partner   only partners with an active API key (`npm run partner`, the same
//                        `dptk_...` keys as syndication); needs SYNDICATION_TOKEN or
//                        SANITY_API_TOKEN to read the private key documents
//
// An EHR sends the key as `holder.assignedEntity.certificateText` in an infobutton URL (the HL7
// guide's field for it: EHR infobutton configurations are URL templates and rarely allow
// headers), or as `Authorization: Bearer <key>` / `X-Api-Key` (FHIR clients).
import type { SanityClient } from '@sanity/client'
import { apiKeyFromHeaders } from '../syndication/credentials.js'
import { type AuthFailure, authenticate } from '../syndication/partners.js'

export type EhrAccess =
  | { mode: 'open' }
  | {
      mode: 'partner'
      /** Checks a presented key: the partner's name, or why not. Never cached (revocation is immediate). */
      verify: (key: string | undefined) => Promise<{ ok: true; partner: string } | { ok: false; failure: AuthFailure }>
    }

export class EhrConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EhrConfigError'
  }
}

/** Partner mode over the syndication key documents (a client with a token that may read them). */
export function partnerAccess(privateClient: SanityClient): EhrAccess {
  const client = privateClient.withConfig({ useCdn: false, perspective: 'raw' })
  return {
    mode: 'partner',
    verify: async (key) => {
      const result = await authenticate(client, key, 'apiKey')
      return result.ok ? { ok: true, partner: result.partner.name } : { ok: false, failure: result.failure }
    },
  }
}

/** From EHR_ACCESS (and the token variables for partner mode). Throws EhrConfigError when unusable. */
export function ehrAccessFromEnv(
  client: SanityClient,
  env: Record<string, string | undefined> = process.env,
): EhrAccess {
  const mode = (env.EHR_ACCESS ?? '').trim().toLowerCase() || 'open'
  if (mode === 'open') return { mode: 'open' }
  if (mode !== 'partner') {
    throw new EhrConfigError(`EHR_ACCESS="${env.EHR_ACCESS}" is not a mode: use open or partner.`)
  }
  const token = env.SYNDICATION_TOKEN?.trim() || env.SANITY_API_TOKEN?.trim()
  if (!token) {
    throw new EhrConfigError(
      'EHR_ACCESS=partner checks partner API keys in the lake: set SYNDICATION_TOKEN or SANITY_API_TOKEN (a token that may read them).',
    )
  }
  return partnerAccess(client.withConfig({ token }))
}

/** The key a request presents: the infobutton URL's certificateText, else the headers. */
export function presentedKey(
  certificateText: string | null,
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  return certificateText ?? apiKeyFromHeaders(headers)
}

export const AUTH_FAILURE_MESSAGES: Record<AuthFailure, string> = {
  missing:
    'This clinic answers partner EHRs only: send your partner key as holder.assignedEntity.certificateText (infobutton URL) or Authorization: Bearer <key>.',
  malformed: 'The partner key is not a key this clinic issues (dptk_...): check it was copied whole.',
  unknown: 'The partner key is not known: check it, or ask the clinic for a new one.',
  revoked: 'The partner key was revoked: ask the clinic for a new one.',
  'partner-missing': 'The partner this key belongs to no longer exists: ask the clinic.',
  'partner-suspended': 'The partner this key belongs to is suspended: ask the clinic.',
}
