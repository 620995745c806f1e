// The ground floor (model/): pure content rules that schemas/, studio/ and delivery/ share, and the
// layering around it, checked on the source files themselves.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { isIcd10Code, toIcd10Code } from '../../model/icd10.js'
import { isEditorSlug, isLookupSlug, isPathSlug, LOOKUP_SLUG_PATTERN, SLUG_MAX_LENGTH } from '../../model/slug.js'
import {
  BODY_REGION_VALUES,
  BODY_REGIONS,
  CARE_PHASE_VALUES,
  CARE_PHASES,
  isBodyRegion,
  isCarePhase,
  isValueOf,
  PARTNER_STATUSES,
  titleOf,
} from '../../model/values.js'

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)))

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...sourceFiles(rel))
    else if (/\.tsx?$/.test(entry.name)) out.push(rel)
  }
  return out
}

/** Module specifiers of the runtime and type imports/re-exports of a file. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8')
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!)
}

const values = suite('model: value lists')

values('each list has unique values and a title for each', () => {
  for (const list of [BODY_REGIONS, CARE_PHASES, PARTNER_STATUSES]) {
    const seen = new Set(list.map((item) => item.value))
    assert.is(seen.size, list.length)
    for (const item of list) assert.ok(item.title.trim() !== '', `${item.value} has a title`)
  }
})

values('values, titles and guards agree with the lists', () => {
  assert.equal(
    [...BODY_REGION_VALUES],
    BODY_REGIONS.map((r) => r.value),
  )
  assert.equal([...CARE_PHASE_VALUES], ['before', 'after'])
  assert.is(titleOf(BODY_REGIONS, 'arm-elbow'), 'Arm and elbow')
  assert.is(titleOf(BODY_REGIONS, 'elbow'), undefined)
  assert.ok(isBodyRegion('knee'))
  assert.not.ok(isBodyRegion('Knee'))
  assert.not.ok(isBodyRegion(undefined))
  assert.ok(isCarePhase('after'))
  assert.not.ok(isCarePhase('during'))
  assert.ok(isValueOf(PARTNER_STATUSES, 'suspended'))
  assert.not.ok(isValueOf(PARTNER_STATUSES, 'toString'))
})

const slugs = suite('model: slug rules')

slugs('editor, path and lookup rules nest: what an editor saves can be a path and be looked up', () => {
  for (const slug of ['tennis-elbow', 'a', 'x2', 'why-needles-2024']) {
    assert.ok(isEditorSlug(slug), slug)
    assert.ok(isPathSlug(slug), slug)
    assert.ok(isLookupSlug(slug), slug)
  }
  assert.not.ok(isEditorSlug('snake_case'))
  assert.ok(isPathSlug('snake_case'), 'imported slugs with "_" still get a path')
  for (const bad of ['Upper', 'double--hyphen', '-lead', 'trail-', '../x', 'a b', '']) {
    assert.not.ok(isEditorSlug(bad), bad)
    assert.not.ok(isPathSlug(bad), bad)
  }
  assert.ok(isLookupSlug('Upper.Case~ok'), 'a lookup is lenient: it answers not found, not bad request')
  assert.not.ok(isLookupSlug('a/b'))
  assert.not.ok(isLookupSlug('x'.repeat(201)))
  assert.is(new RegExp(LOOKUP_SLUG_PATTERN).source, LOOKUP_SLUG_PATTERN)
  assert.is(SLUG_MAX_LENGTH, 96)
})

const icd10 = suite('model: ICD-10-CM codes')

icd10('codes as stored, and as people type them', () => {
  for (const code of ['M54.2', 'M77.10', 'S76.319A', 'M79']) assert.ok(isIcd10Code(code), code)
  for (const code of ['m54.2', 'M542', 'M5.42', '54.2', 'M77.12345']) assert.not.ok(isIcd10Code(code), code)
  assert.is(toIcd10Code(' m771 '), 'M77.1')
  assert.is(toIcd10Code('s76 319a'), 'S76.319A')
  assert.is(toIcd10Code('M79'), 'M79')
  assert.is(toIcd10Code('tennis elbow'), null)
})

const layering = suite('model: layering')

layering('model/ is pure: it imports only other model/ modules (no Node, no packages)', () => {
  const files = sourceFiles('model')
  assert.ok(files.length >= 4, files.join(', '))
  for (const file of files) {
    for (const specifier of importsOf(file)) {
      assert.ok(
        specifier.startsWith('./') && !specifier.includes('..'),
        `${file} imports "${specifier}": model/ must stay pure and browser-safe`,
      )
    }
  }
})

layering('studio/ and schemas/ import nothing from delivery/, lake/ or platform/', () => {
  for (const file of [...sourceFiles('studio'), ...sourceFiles('schemas')]) {
    for (const specifier of importsOf(file)) {
      if (!specifier.startsWith('.')) continue
      const target = path.relative(root, path.resolve(root, path.dirname(file), specifier))
      assert.not.ok(
        /^(delivery|lake|platform)\//.test(target),
        `${file} imports ${target}: the Studio and the schemas share rules through model/ only`,
      )
    }
  }
})

layering('the old duplicate homes of the rules are gone', () => {
  for (const file of [
    'schemas/constants.ts',
    'delivery/routes.ts',
    'delivery/render/readability.ts',
    'studio/server',
  ]) {
    assert.not.ok(fs.existsSync(path.join(root, file)), `${file} should not exist`)
  }
})

values.run()
slugs.run()
icd10.run()
layering.run()
