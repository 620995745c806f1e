// Initial-value templates: documents created from a context start already linked to it.
// - an FAQ created from a treatment (or a condition) lists that treatment (condition) as its topic
//   and gets the next display `order` in that topic;
// - a care instruction created from a treatment points at it, and one created from the
//   "Before"/"After" lists gets that phase;
// - a condition created from a body-region list gets that region.
// The clinic singleton's template is removed, so it cannot be created a second time.
import type { InitialValueResolverContext, Template, TemplateResolver } from 'sanity'
import { CARE_PHASE_VALUES, type CarePhase, isCarePhase } from '../model/values.js'
import { SINGLETON_TYPES, STUDIO_API_VERSION, TEMPLATE_IDS } from './constants.js'

export interface ReferenceValue {
  _type: 'reference'
  _ref: string
  _key?: string
  _weak?: boolean
  _strengthenOnPublish?: { type: string }
}

/** A random `_key` for array items, like the Studio's own (12 alphanumerics). */
export function randomKey(length = 12): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  const bytes = new Uint8Array(length)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('')
}

/**
 * A reference to `id`. When the target is not published yet, the reference is weak and marked to be
 * strengthened on publish (what the Studio's own reference input does), so publishing the new
 * document does not fail on a reference to an unpublished draft.
 */
export function referenceTo(
  id: string,
  type: string,
  { published, inArray }: { published: boolean; inArray: boolean },
): ReferenceValue {
  const ref: ReferenceValue = { _type: 'reference', _ref: id }
  if (inArray) ref._key = randomKey()
  if (!published) {
    ref._weak = true
    ref._strengthenOnPublish = { type }
  }
  return ref
}

function requireId(params: Record<string, unknown> | undefined, name: string, templateId: string): string {
  const value = params?.[name]
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(
      `Template "${templateId}" needs the parameter "${name}" (a document _id), got ${JSON.stringify(value)}`,
    )
  }
  // Templates are opened from lists of published ids; strip a draft prefix defensively.
  return value.replace(/^drafts\./, '')
}

interface TopicFacts {
  published: boolean
  nextOrder: number
}

/** Whether the topic document is published, and the next FAQ display order within the topic. */
async function topicFacts(
  context: InitialValueResolverContext,
  id: string,
  field: 'treatments' | 'conditions',
): Promise<TopicFacts> {
  const client = context.getClient({ apiVersion: STUDIO_API_VERSION })
  // Field names are constants of this module, never user input; the id goes in as a parameter.
  const result = await client.fetch<{ published: boolean; maxOrder: number | null }>(
    `{
      "published": defined(*[_id == $id][0]._id),
      "maxOrder": math::max(*[_type == "faq" && $id in ${field}[]._ref && !(_id in path("versions.**"))].order)
    }`,
    { id },
    { tag: 'studio.template.topic' },
  )
  return { published: result.published, nextOrder: (typeof result.maxOrder === 'number' ? result.maxOrder : 0) + 1 }
}

async function treatmentPublished(context: InitialValueResolverContext, id: string): Promise<boolean> {
  const client = context.getClient({ apiVersion: STUDIO_API_VERSION })
  return client.fetch<boolean>('defined(*[_id == $id][0]._id)', { id }, { tag: 'studio.template.treatment' })
}

const faqForTreatment: Template<{ treatmentId: string }> = {
  id: TEMPLATE_IDS.faqForTreatment,
  title: 'FAQ about this treatment',
  schemaType: 'faq',
  parameters: [{ name: 'treatmentId', type: 'string' }],
  value: async (params: Record<string, unknown> | undefined, context: InitialValueResolverContext) => {
    const id = requireId(params, 'treatmentId', TEMPLATE_IDS.faqForTreatment)
    const facts = await topicFacts(context, id, 'treatments')
    return {
      treatments: [referenceTo(id, 'treatment', { published: facts.published, inArray: true })],
      order: facts.nextOrder,
    }
  },
}

const faqForCondition: Template<{ conditionId: string }> = {
  id: TEMPLATE_IDS.faqForCondition,
  title: 'FAQ about this condition',
  schemaType: 'faq',
  parameters: [{ name: 'conditionId', type: 'string' }],
  value: async (params: Record<string, unknown> | undefined, context: InitialValueResolverContext) => {
    const id = requireId(params, 'conditionId', TEMPLATE_IDS.faqForCondition)
    const facts = await topicFacts(context, id, 'conditions')
    return {
      conditions: [referenceTo(id, 'condition', { published: facts.published, inArray: true })],
      order: facts.nextOrder,
    }
  },
}

function phaseOf(params: Record<string, unknown> | undefined): CarePhase | undefined {
  const phase = params?.phase
  if (phase === undefined) return undefined
  if (isCarePhase(phase)) return phase
  throw new Error(
    `Care instruction templates take phase ${CARE_PHASE_VALUES.map((p) => `"${p}"`).join(' or ')}, got ${JSON.stringify(phase)}`,
  )
}

const careInstructionForTreatment: Template<{ treatmentId: string; phase?: CarePhase }> = {
  id: TEMPLATE_IDS.careInstructionForTreatment,
  title: 'Care instruction for this treatment',
  schemaType: 'careInstruction',
  parameters: [
    { name: 'treatmentId', type: 'string' },
    { name: 'phase', type: 'string' },
  ],
  value: async (params: Record<string, unknown> | undefined, context: InitialValueResolverContext) => {
    const id = requireId(params, 'treatmentId', TEMPLATE_IDS.careInstructionForTreatment)
    const published = await treatmentPublished(context, id)
    const phase = phaseOf(params)
    return {
      treatment: referenceTo(id, 'treatment', { published, inArray: false }),
      ...(phase ? { phase } : {}),
    }
  },
}

const careInstructionForPhase: Template<{ phase: CarePhase }> = {
  id: TEMPLATE_IDS.careInstructionForPhase,
  title: 'Care instruction for this phase',
  schemaType: 'careInstruction',
  parameters: [{ name: 'phase', type: 'string' }],
  value: (params: Record<string, unknown> | undefined) => {
    const phase = phaseOf(params)
    if (!phase) throw new Error(`Template "${TEMPLATE_IDS.careInstructionForPhase}" needs the parameter "phase"`)
    return { phase }
  },
}

const conditionInRegion: Template<{ bodyRegion: string }> = {
  id: TEMPLATE_IDS.conditionInRegion,
  title: 'Condition in this body region',
  schemaType: 'condition',
  parameters: [{ name: 'bodyRegion', type: 'string' }],
  value: (params: Record<string, unknown> | undefined) => {
    const region = params?.bodyRegion
    if (typeof region !== 'string' || region.length === 0) {
      throw new Error(`Template "${TEMPLATE_IDS.conditionInRegion}" needs the parameter "bodyRegion"`)
    }
    return { bodyRegion: region }
  },
}

export const contextTemplates: Template[] = [
  faqForTreatment,
  faqForCondition,
  careInstructionForTreatment,
  careInstructionForPhase,
  conditionInRegion,
]

/** Schema-level templates minus the singletons, plus the context templates above. */
export const resolveTemplates: TemplateResolver = (previous) => [
  ...previous.filter((template) => !SINGLETON_TYPES.has(template.schemaType)),
  ...contextTemplates,
]
