/**
 * Exports a dataset of the local lake in Sanity's formats:
 *
 *   npm run export -- <out.ndjson | out.tar.gz> [--dataset production] [--no-drafts] [--types article,faq]
 *
 * `.tar.gz` is the layout `sanity dataset export` writes (folder with data.ndjson, assets.json).
 */
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { assetBaseUrl, createArchiveAssetHooks } from '../lake/assets/archive-hooks.js'
import { configFromEnv } from '../lake/config.js'
import { exportArchive } from '../lake/io/archive.js'
import { exportNdjson } from '../lake/io/ndjson.js'
import { progressBar } from '../lake/io/progress.js'
import { LakeStore } from '../lake/store/index.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { dataset: { type: 'string' }, 'no-drafts': { type: 'boolean' }, types: { type: 'string' } },
})
const file = positionals[0]
if (!file) {
  console.error('usage: npm run export -- <out.ndjson | out.tar.gz> [--dataset name] [--no-drafts] [--types a,b]')
  process.exit(1)
}
const config = configFromEnv()
const store = new LakeStore(config.dataDir)
const dataset = store.dataset(values.dataset ?? config.dataset)
const opts = {
  drafts: !values['no-drafts'],
  types: values.types ? values.types.split(',').map((s) => s.trim()) : undefined,
}
try {
  if (/\.(tar\.gz|tgz)$/.test(file)) {
    const progress = progressBar(`exporting ${dataset.name}`)
    const assets = createArchiveAssetHooks({
      dataDir: config.dataDir,
      projectId: config.projectId,
      store: dataset,
      baseUrl: assetBaseUrl(config),
    })
    const { documents } = await exportArchive(dataset, file, { ...opts, onProgress: progress, assets })
    progress.finish()
    console.log(`Exported ${documents} document(s) from "${dataset.name}" to ${file}.`)
  } else {
    const text = exportNdjson(dataset, opts)
    fs.writeFileSync(file, text)
    console.log(`Exported ${text ? text.split('\n').length - 1 : 0} document(s) from "${dataset.name}" to ${file}.`)
  }
} finally {
  store.close()
}
