import { ActivityIcon } from '@sanity/icons'
import { defineArrayMember, defineField, defineType } from 'sanity'
import { BODY_REGIONS, titleOf } from '../../model/values.js'
import { checkIcd10Code, requiredChoice } from '../validation.js'
import { languageField, translationReviewField } from '../fields/translation.js'
import { slugField } from '../fields/slug.js'

/** Verhoeff's dihedral-group tables: SNOMED CT identifiers end in a Verhoeff check digit. */
const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]

/** Whether a digit string passes the Verhoeff check (its last digit is the check digit). */
export function verhoeffValid(digits: string): boolean {
  let check = 0
  const reversed = [...digits].reverse()
  for (let i = 0; i < reversed.length; i++) {
    check = VERHOEFF_D[check]![VERHOEFF_P[i % 8]![Number(reversed[i])]!]!
  }
  return check === 0
}

/**
 * A SNOMED CT concept id (SCTID): 6-18 digits, no leading zero, a concept partition (the second and
 * third digits from the right are 00 or 10) and a valid Verhoeff check digit. Description and
 * relationship ids have the same shape but other partitions: an editor pasting one gets told so.
 */
export function checkSnomedCode(value: unknown): true | string {
  if (value === undefined || value === null || value === '') {
    return 'Empty SNOMED CT code: type a concept id such as 81680005 or remove the empty entry.'
  }
  if (typeof value !== 'string') return 'A SNOMED CT code is a number written as text, such as 81680005.'
  const code = value.trim()
  if (code !== value) return `Remove the spaces around "${code}".`
  if (!/^[1-9][0-9]{5,17}$/.test(code)) {
    return `"${code}" is not a SNOMED CT concept id: it is 6 to 18 digits without a leading zero, e.g. 81680005 (Neck pain). Copy the concept id, not the term.`
  }
  const partition = code.slice(-3, -1)
  if (partition !== '00' && partition !== '10') {
    return `"${code}" is a SNOMED CT description or relationship id, not a concept id: look up the concept id (e.g. 81680005 for Neck pain).`
  }
  if (!verhoeffValid(code))
    return `"${code}" has a wrong check digit: one of its digits is mistyped. Copy the concept id again.`
  return true
}

export const condition = defineType({
  name: 'condition',
  title: 'Condition',
  type: 'document',
  icon: ActivityIcon,
  groups: [
    { name: 'main', title: 'Condition', default: true },
    { name: 'content', title: 'Sections' },
  ],
  fields: [
    languageField,
    { ...translationReviewField, group: 'main' },
    defineField({
      name: 'name',
      title: 'Name',
      type: 'string',
      group: 'main',
      description: 'The name patients use, e.g. "Tennis elbow".',
      validation: (rule) => rule.required().error('Give the condition a name.'),
    }),
    slugField({
      source: 'name',
      group: 'main',
      missing: 'The condition needs a slug for its web address: click "Generate".',
    }),
    defineField({
      name: 'alsoCalled',
      title: 'Also called',
      type: 'array',
      group: 'main',
      description: 'Other names patients or clinicians use (used by search).',
      of: [defineArrayMember({ type: 'string' })],
      options: { layout: 'tags' },
    }),
    defineField({
      name: 'bodyRegion',
      title: 'Body region',
      type: 'string',
      group: 'main',
      options: { list: [...BODY_REGIONS] },
      validation: (rule) =>
        rule.custom(requiredChoice(BODY_REGIONS, 'Choose the body region, so the condition is listed under it.')),
    }),
    defineField({ name: 'summary', title: 'Summary', type: 'text', rows: 3, group: 'main' }),
    defineField({
      name: 'symptoms',
      title: 'Symptoms',
      type: 'array',
      group: 'main',
      of: [defineArrayMember({ type: 'string' })],
    }),
    defineField({
      name: 'icd10Codes',
      title: 'ICD-10-CM codes',
      type: 'array',
      group: 'main',
      description: 'Diagnosis codes, e.g. M77.10 (capitals, dot after the third character).',
      of: [defineArrayMember({ type: 'string', validation: (rule) => rule.custom(checkIcd10Code) })],
      validation: (rule) => rule.unique().error('Each ICD-10-CM code can be listed only once.'),
    }),
    defineField({
      name: 'snomedCodes',
      title: 'SNOMED CT codes',
      type: 'array',
      group: 'main',
      description:
        'Optional SNOMED CT concept ids, e.g. 81680005 (Neck pain). EHRs that code problems in SNOMED CT find this condition by them.',
      of: [defineArrayMember({ type: 'string', validation: (rule) => rule.custom(checkSnomedCode) })],
      validation: (rule) => rule.unique().error('Each SNOMED CT code can be listed only once.'),
    }),
    defineField({
      name: 'treatments',
      title: 'Treatments',
      type: 'array',
      group: 'main',
      of: [defineArrayMember({ type: 'reference', to: [{ type: 'treatment' }] })],
      validation: (rule) => rule.unique().error('Each treatment can be added only once.'),
    }),
    defineField({
      name: 'sections',
      title: 'Sections',
      type: 'array',
      group: 'content',
      description: 'One section per aspect: overview, symptoms, causes, treatments, self-care.',
      of: [defineArrayMember({ type: 'conditionSection' })],
      validation: (rule) =>
        rule.custom((sections: unknown) => {
          if (!Array.isArray(sections)) return true
          const seen = new Set<string>()
          for (const section of sections as Array<{ aspect?: string }>) {
            if (!section.aspect) continue
            if (seen.has(section.aspect)) {
              return `There are two "${section.aspect}" sections. Merge them: each aspect has one section.`
            }
            seen.add(section.aspect)
          }
          return true
        }),
    }),
  ],
  preview: {
    select: { title: 'name', bodyRegion: 'bodyRegion', codes: 'icd10Codes' },
    prepare({ title, bodyRegion, codes }: { title?: string; bodyRegion?: string; codes?: string[] }) {
      const region = titleOf(BODY_REGIONS, bodyRegion) ?? 'No body region'
      return {
        title: title || 'Unnamed condition',
        subtitle: [region, codes && codes.length > 0 ? codes.join(', ') : undefined].filter(Boolean).join(' · '),
      }
    },
  },
})
