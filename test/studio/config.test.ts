// Studio configuration that does not need a browser: runtime config resolution, workspaces,
// preview URLs and the readability summary the body input shows.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { previewUrlFor } from '../../studio/preview/previewUrl.js'
import { describeReadability } from '../../studio/readability/ReadingGrade.js'
import { analyseReadability } from '../../model/readability.js'
import { DEFAULTS, resolveRuntimeConfig } from '../../studio/runtimeConfig.js'
import { clinicWorkspaces } from '../../studio/workspaces.js'
import { schemaTypes } from '../../schemas/index.js'

const runtime = suite('runtime config')

runtime('defaults are those of a fresh npm start', () => {
  const config = resolveRuntimeConfig({ injected: {}, env: {}, servedLocally: true })
  assert.equal(config, {
    lakeUrl: DEFAULTS.lakeUrl,
    lakeProjectId: 'local',
    lakeDataset: 'production',
    previewUrl: 'http://127.0.0.1:3000',
    localWorkspace: true,
    hosted: null,
  })
})

runtime('SANITY_STUDIO_* variables configure the lake, preview and hosted project', () => {
  const config = resolveRuntimeConfig({
    injected: {},
    env: {
      SANITY_STUDIO_LAKE_URL: 'https://localhost:4444/',
      SANITY_STUDIO_PREVIEW_URL: 'http://127.0.0.1:4000/',
      SANITY_STUDIO_PROJECT_ID: 'abc123',
      SANITY_STUDIO_DATASET: 'production',
    },
    servedLocally: true,
  })
  assert.is(config.lakeUrl, 'https://localhost:4444')
  assert.is(config.previewUrl, 'http://127.0.0.1:4000')
  assert.equal(config.hosted, { projectId: 'abc123', dataset: 'production' })
  assert.is(config.localWorkspace, true)
})

runtime('a deployed Studio (remote host) with a hosted project has no local workspace', () => {
  const config = resolveRuntimeConfig({
    injected: {},
    env: { SANITY_STUDIO_PROJECT_ID: 'abc123', SANITY_STUDIO_DATASET: 'production' },
    servedLocally: false,
  })
  assert.is(config.localWorkspace, false)
  const workspaces = clinicWorkspaces(config, schemaTypes)
  assert.equal(
    workspaces.map((w) => w.name),
    ['hosted'],
  )
})

runtime('values injected by the Studio server win over the build-time variables', () => {
  const config = resolveRuntimeConfig({
    injected: { lakeUrl: 'https://localhost:5555', previewUrl: 'http://127.0.0.1:5000', hosted: null },
    env: {
      SANITY_STUDIO_LAKE_URL: 'https://localhost:4444',
      SANITY_STUDIO_PROJECT_ID: 'abc',
      SANITY_STUDIO_DATASET: 'x',
    },
    servedLocally: true,
  })
  assert.is(config.lakeUrl, 'https://localhost:5555')
  assert.is(config.previewUrl, 'http://127.0.0.1:5000')
  assert.is(config.hosted, null)
})

runtime('workspaces: the local lake uses token login against the lake; a hosted one is added when set', () => {
  const config = resolveRuntimeConfig({
    injected: {},
    env: { SANITY_STUDIO_PROJECT_ID: 'abc123', SANITY_STUDIO_DATASET: 'staging' },
    servedLocally: true,
  })
  const [local, hosted] = clinicWorkspaces(config, schemaTypes)
  assert.is(local?.name, 'local')
  assert.is(local?.basePath, '/local')
  assert.is(local?.apiHost, DEFAULTS.lakeUrl)
  assert.equal(local?.auth, { loginMethod: 'token', apiHost: DEFAULTS.lakeUrl })
  assert.is(hosted?.name, 'hosted')
  assert.is(hosted?.projectId, 'abc123')
  assert.is(hosted?.dataset, 'staging')
  assert.is(hosted?.apiHost, undefined)
})

runtime('no workspace at all is a clear error', () => {
  const config = resolveRuntimeConfig({ injected: {}, env: { SANITY_STUDIO_LOCAL_LAKE: 'false' }, servedLocally: true })
  assert.throws(() => clinicWorkspaces(config, schemaTypes), /SANITY_STUDIO_PROJECT_ID\/SANITY_STUDIO_DATASET/)
})

const preview = suite('preview URLs')

preview('article, condition and treatment pages come from the delivery route table', () => {
  const base = 'http://127.0.0.1:3000/'
  assert.is(
    previewUrlFor({ _type: 'article', slug: { current: 'why-needles' } }, base),
    'http://127.0.0.1:3000/articles/why-needles',
  )
  assert.is(
    previewUrlFor({ _type: 'condition', slug: { current: 'tennis-elbow' } }, base),
    'http://127.0.0.1:3000/conditions/tennis-elbow',
  )
  assert.is(
    previewUrlFor({ _type: 'treatment', slug: 'dry-needling' }, base),
    'http://127.0.0.1:3000/treatments/dry-needling',
  )
})

preview('no URL without a page: other types, missing or unsafe slugs', () => {
  assert.is(previewUrlFor({ _type: 'faq', slug: { current: 'x' } }, 'http://h'), null)
  assert.is(previewUrlFor({ _type: 'article' }, 'http://h'), null)
  assert.is(previewUrlFor({ _type: 'article', slug: { current: '../../admin' } }, 'http://h'), null)
  assert.is(previewUrlFor(null, 'http://h'), null)
})

const grade = suite('reading grade summary')

const block = (text: string) => ({
  _type: 'block',
  _key: text.slice(0, 8),
  style: 'normal',
  markDefs: [],
  children: [{ _type: 'span', _key: 's', text, marks: [] }],
})

grade('simple text passes, dense text warns above grade 8, empty asks for text', () => {
  const simple = describeReadability(
    analyseReadability([block('The needle is thin. It does not cut the skin. You may feel a twitch.')]),
  )
  assert.is(simple.tone, 'positive')
  assert.match(simple.summary, /^Reading grade -?\d+\.\d · 15 words · 1 min read$/)
  assert.is(simple.advice, null)
  const dense = describeReadability(
    analyseReadability([
      block(
        'Integrative dry needling is based on neuroanatomy and modern scientific study of musculoskeletal and neuromuscular systems to help promote tissue healing and control pain.',
      ),
    ]),
  )
  assert.is(dense.tone, 'caution')
  assert.match(dense.advice ?? '', /Above grade 8/)
  assert.equal(describeReadability(analyseReadability([])).tone, 'default')
})

runtime.run()
preview.run()
grade.run()
