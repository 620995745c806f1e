// The editors' structure (studio/structure/), built with Sanity's own StructureBuilder over the
// real schema: every document type has a section, and a document type no section claims shows up
// under "Other types" without anyone editing the structure.
import { createSchema, defineField, defineType, type Schema } from 'sanity'
import { createStructureBuilder, type StructureBuilder, type StructureResolverContext } from 'sanity/structure'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { schemaTypes } from '../../schemas/index.js'
import { SECTION_TYPES, structure, unclaimedTypeItems } from '../../studio/structure/index.js'
import { resolveTemplates } from '../../studio/templates.js'

interface SerializedItem {
  id: string
  type?: string
  child?: unknown
}

function builderFor(schema: Schema): { S: StructureBuilder; context: StructureResolverContext } {
  // The parts of a Studio source the structure builder reads when building lists (no client calls).
  const source = {
    schema,
    getClient: () => {
      throw new Error('the structure does not query while it is built')
    },
    // The Studio's templates as it resolves them: one default per document type, then ours.
    templates: resolveTemplates(
      schema
        .getTypeNames()
        .filter((name) => schema.get(name)?.type?.name === 'document')
        .map((name) => ({ id: name, title: name, schemaType: name, value: {} })),
      {} as Parameters<typeof resolveTemplates>[1],
    ),
    document: { resolveNewDocumentOptions: () => [], resolveProductionUrl: async () => undefined },
    i18n: { t: (key: string) => key },
  }
  const S = createStructureBuilder({ source } as unknown as Parameters<typeof createStructureBuilder>[0])
  return { S, context: { schema } as unknown as StructureResolverContext }
}

function topItems(schema: Schema): SerializedItem[] {
  const { S, context } = builderFor(schema)
  const list = structure(S, context)
  const serialized = (list as { serialize: () => { items: SerializedItem[] } }).serialize()
  return serialized.items
}

const promo = defineType({
  name: 'promo',
  title: 'Promotion',
  type: 'document',
  fields: [defineField({ name: 'title', type: 'string' })],
})

const test = suite('studio structure')

test('every document type of the content model has a section: no "Other types" list', () => {
  const schema = createSchema({ name: 'default', types: schemaTypes })
  const documentTypes = schemaTypes
    .filter((type) => type.type === 'document')
    .map((type) => type.name)
    .sort()
  assert.equal([...SECTION_TYPES].sort(), documentTypes)
  const { S } = builderFor(schema)
  assert.equal(unclaimedTypeItems(S), [])
  const ids = topItems(schema).map((item) => item.id)
  assert.ok(ids.includes('articles') && ids.includes('clinic-settings'), ids.join(', '))
  assert.not.ok(ids.includes('other-types'))
})

test('a new document type no section claims is listed under "Other types"', () => {
  const schema = createSchema({ name: 'default', types: [...schemaTypes, promo] })
  const { S } = builderFor(schema)
  assert.equal(
    unclaimedTypeItems(S).map((item) => item.getId()),
    ['promo'],
  )
  const items = topItems(schema)
  const other = items.find((item) => item.id === 'other-types')
  assert.ok(other, `"Other types" is in the structure: ${items.map((i) => i.id).join(', ')}`)
  assert.is(items[items.length - 1], other, 'it comes last')
  const child = other.child as { id: string; type: string; items: SerializedItem[] }
  assert.is(child.id, 'other-types')
  assert.equal(
    child.items.map((item) => item.id),
    ['promo'],
  )
})

test.run()
