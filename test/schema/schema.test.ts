// The schema compiles with Sanity's own schema validation, and implements docs/content-model.md
// exactly: every type and field the contract names, no unlisted field, the fixed value lists and
// the Portable Text configuration.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createSchema, type ObjectSchemaType, type SchemaType } from 'sanity'
import { schemaTypes } from '../../schemas/index.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const contract = readFileSync(`${repo}docs/content-model.md`, 'utf8')
const schema = createSchema({ name: 'default', types: schemaTypes })

/** `| \`type\` | fields |` rows of the contract's tables, with the field names each row lists. */
function contractRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>()
  for (const line of contract.split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim())
    if (cells.length < 4 || !/^`\w+`$/.test(cells[1])) continue
    const type = cells[1].slice(1, -1)
    const fieldsCell = cells[cells.length - 2]
      .replace(/\([^)]*\)/g, '') // drop "(ref `clinician`)", "(`blockContent`)", "(unique)"...
      .split(';')[0] // drop trailing notes ("; each item's `_key` is what ...")
    const fields = [...fieldsCell.matchAll(/`([A-Za-z0-9_]+)(?:\[\])?`/g)].map((m) => m[1])
    rows.set(type, type === 'accessibleImage' ? fields.filter((f) => f !== 'image') : fields)
  }
  return rows
}

function objectType(name: string): ObjectSchemaType {
  const type = schema.get(name)
  assert.ok(type, `schema type "${name}" is missing`)
  assert.ok('fields' in (type as SchemaType), `"${name}" is not an object type`)
  return type as ObjectSchemaType
}

const compile = suite('schema compiles')
compile("Sanity's schema validation reports no errors (and no warnings)", () => {
  const problems = (schema._validation ?? []).flatMap((group) =>
    group.problems.map(
      (p) =>
        `${p.severity}: ${group.path.map((s) => ('name' in s && s.name) || ('type' in s && s.type) || '').join(' > ')}: ${p.message}`,
    ),
  )
  assert.equal(problems, [])
})
compile('every document type has an icon and a preview', () => {
  // Which types exist is the contract's test (below); this one holds for every document type.
  const documents = schemaTypes.filter((t) => t.type === 'document') as Array<{
    name: string
    icon?: unknown
    preview?: unknown
  }>
  assert.ok(documents.length >= 9, `only ${documents.length} document types`)
  for (const def of documents) {
    assert.ok(def.icon, `${def.name} has no icon`)
    assert.ok(def.preview, `${def.name} has no preview`)
  }
})
compile.run()

const model = suite('implements docs/content-model.md')
model("every type of the contract exists with exactly the contract's fields", () => {
  const rows = contractRows()
  assert.ok(rows.size >= 20, `parsed only ${rows.size} rows of the contract`)
  for (const [type, fields] of rows) {
    if (type === 'blockContent' || type === 'simpleBlockContent') continue
    const actual = objectType(type).fields.map((f) => f.name)
    const extra = type === 'accessibleImage' ? ['asset', 'media', 'hotspot', 'crop'] : []
    assert.equal(
      actual.filter((f) => !extra.includes(f)).sort(),
      [...fields].sort(),
      `fields of "${type}" differ from docs/content-model.md`,
    )
  }
})
model("body regions are the contract's list", () => {
  const listed = /Body regions \(`condition.bodyRegion`\): ([^\n]+\n[^\n]+)/.exec(contract)?.[1] ?? ''
  const expected = [...listed.matchAll(/`([a-z-]+)`/g)].map((m) => m[1])
  const field = objectType('condition').fields.find((f) => f.name === 'bodyRegion')
  const list = (field?.type.options as { list?: Array<{ value: string }> } | undefined)?.list?.map((i) => i.value)
  assert.equal(list, expected)
})
model("references point at the contract's types", () => {
  const targets = (typeName: string, fieldName: string): string[] => {
    const field = objectType(typeName).fields.find((f) => f.name === fieldName)
    assert.ok(field, `${typeName}.${fieldName}`)
    const t = field.type as SchemaType & {
      to?: Array<{ name: string }>
      of?: Array<SchemaType & { to?: Array<{ name: string }> }>
    }
    return (t.to ?? t.of?.flatMap((m) => m.to ?? []) ?? []).map((x) => x.name)
  }
  assert.equal(targets('article', 'author'), ['clinician'])
  assert.equal(targets('article', 'medicalReviewer'), ['clinician'])
  assert.equal(targets('article', 'faqs'), ['faq'])
  assert.equal(targets('article', 'careInstructions'), ['careInstruction'])
  assert.equal(targets('careInstruction', 'treatment'), ['treatment'])
  assert.equal(targets('partner', 'allowedCategories'), ['category'])
})
model.run()

/** The parts of a compiled Portable Text block type read here (they live on its fields). */
interface CompiledField {
  name: string
  type: {
    name: string
    options?: { list?: Array<{ value: string }> }
    of?: Array<{ name: string; decorators?: Array<{ value: string }> }>
  }
}
function portableText(name: string) {
  const type = schema.get(name) as SchemaType & { of: Array<{ name: string; fields?: CompiledField[] }> }
  const block = type.of.find((m) => m.name === 'block')
  assert.ok(block, `${name} has no block member`)
  const field = (n: string) => block.fields?.find((f) => f.name === n)?.type
  const values = (list: Array<{ value: string }> | undefined) => list?.map((item) => item.value)
  return {
    members: type.of.map((m) => m.name),
    styles: values(field('style')?.options?.list),
    lists: values(field('listItem')?.options?.list),
    markDefs: field('markDefs')?.of?.map((a) => a.name),
    decorators: values(field('children')?.of?.find((c) => c.name === 'span')?.decorators),
  }
}

const pt = suite('Portable Text')
pt('blockContent: styles, lists, decorators, annotations, custom blocks', () => {
  const bc = portableText('blockContent')
  assert.equal(bc.members, ['block', 'callout', 'accessibleImage'])
  assert.equal(bc.styles, ['normal', 'h2', 'h3', 'blockquote'])
  assert.equal(bc.lists, ['bullet', 'number'])
  assert.equal(bc.decorators, ['strong', 'em'])
  assert.equal(bc.markDefs, ['link', 'internalLink', 'citationRef'])
})
pt('simpleBlockContent: no headings, callouts, images or citation marks', () => {
  const sbc = portableText('simpleBlockContent')
  assert.equal(sbc.members, ['block'])
  assert.equal(sbc.styles, ['normal'])
  assert.equal(sbc.lists, ['bullet', 'number'])
  assert.equal(sbc.decorators, ['strong', 'em'])
  assert.equal(sbc.markDefs, ['link', 'internalLink'])
})
pt.run()
