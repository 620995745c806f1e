import { ActivityIcon } from '@sanity/icons'
import { defineArrayMember, defineField, defineType } from 'sanity'
import { BODY_REGIONS, titleOf } from '../../model/values.js'
import { checkIcd10Code, checkSlugFormat, requireSlug, requiredChoice } from '../validation.js'

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
    defineField({
      name: 'name',
      title: 'Name',
      type: 'string',
      group: 'main',
      description: 'The name patients use, e.g. "Tennis elbow".',
      validation: (rule) => rule.required().error('Give the condition a name.'),
    }),
    defineField({
      name: 'slug',
      title: 'Slug',
      type: 'slug',
      group: 'main',
      options: { source: 'name', maxLength: 96 },
      validation: (rule) =>
        rule
          .custom(requireSlug('The condition needs a slug for its web address: click "Generate".'))
          .custom(checkSlugFormat),
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
