// Care instructions of a treatment, by phase (before / after).
import type { SanityClient } from '@sanity/client'
import { CARE_PHASE_VALUES, isCarePhase } from '../../model/values.js'
import { runQuery, type QueryResult } from '../client.js'
import { CARE_INSTRUCTIONS_QUERY } from '../queries.js'
import { type LanguageOptions, languageParams } from './language.js'
import { runWithVersions, withoutTranslated } from './versions.js'
import { conformList } from './conform.js'
import { InvalidInputError, requireSlug } from './result.js'
import { CARE_INSTRUCTION } from './shapes.js'

export type CareInstruction = QueryResult<typeof CARE_INSTRUCTIONS_QUERY>[number]

/** A treatment's care instructions (treatment slug), of one phase or both (before first). */
export async function listCareInstructions(
  client: SanityClient,
  options: { treatment: string; phase?: string | null } & LanguageOptions,
): Promise<CareInstruction[]> {
  const treatment = requireSlug('treatment', options.treatment)
  const phase = options.phase ?? null
  if (phase !== null && !isCarePhase(phase)) {
    throw new InvalidInputError(
      'phase',
      `"${String(phase).slice(0, 40)}" is not a phase`,
      `Use one of: ${CARE_PHASE_VALUES.join(', ')}`,
    )
  }
  const language = languageParams(options)
  const { result, versions } = await runWithVersions(client, language, (versionOptions) =>
    runQuery(
      client,
      CARE_INSTRUCTIONS_QUERY,
      { treatment, phase, ...language, ...versionOptions },
      'care-instructions',
    ),
  )
  return conformList(
    await withoutTranslated(client, result, language, versions),
    CARE_INSTRUCTION,
    'careInstruction',
    'care instruction list',
  )
}
