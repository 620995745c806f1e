/**
 * Imports documents into the local lake, in Sanity's formats:
 *
 *   npm run import -- <file.ndjson | export.tar.gz> [--dataset production] [--replace | --missing]
 *
 * Default: fail if any id already exists. The import is one transaction: on a bad line nothing is
 * written and the line number and problem are printed. Works while the lake runs (it picks the
 * transaction up). Uses LAKE_DATA_DIR / LAKE_DATASET.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { assetBaseUrl, createArchiveAssetHooks } from '../lake/assets/archive-hooks.js'
import { configFromEnv } from '../lake/config.js'
import { LakeError } from '../lake/errors.js'
import { importArchive } from '../lake/io/archive.js'
import { importNdjsonFile, type ImportMode } from '../lake/io/ndjson.js'
import { progressBar } from '../lake/io/progress.js'
import { LakeStore } from '../lake/store/index.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { dataset: { type: 'string' }, replace: { type: 'boolean' }, missing: { type: 'boolean' } },
})
const file = positionals[0]
if (!file) {
  console.error('usage: npm run import -- <file.ndjson | export.tar.gz> [--dataset name] [--replace | --missing]')
  process.exit(1)
}
if (values.replace && values.missing) {
  console.error('import: use either --replace or --missing, not both')
  process.exit(1)
}
if (!fs.existsSync(file)) {
  console.error(`import: ${file} does not exist`)
  process.exit(1)
}
const config = configFromEnv()
const mode: ImportMode = values.replace ? 'replace' : values.missing ? 'missing' : 'fail'
const store = new LakeStore(config.dataDir)
const dataset = store.dataset(values.dataset ?? config.dataset)
const progress = progressBar(`importing into ${dataset.name}`)
try {
  const archive = /\.(tar\.gz|tgz)$/.test(file)
  const assets = createArchiveAssetHooks({
    dataDir: config.dataDir,
    projectId: config.projectId,
    store: dataset,
    baseUrl: assetBaseUrl(config),
  })
  const result = archive
    ? await importArchive(dataset, file, { mode, onProgress: progress, assets })
    : await importNdjsonFile(dataset, file, {
        mode,
        onProgress: progress,
        resolveAsset: assets.ndjsonResolver(path.dirname(path.resolve(file))),
      })
  progress.finish()
  console.log(
    `Imported ${result.written} document(s) into "${dataset.name}"${result.skipped ? `, skipped ${result.skipped} existing` : ''}.`,
  )
} catch (err) {
  progress.finish()
  console.error(
    `import failed, nothing was written: ${err instanceof LakeError || err instanceof Error ? err.message : String(err)}`,
  )
  process.exitCode = 1
} finally {
  store.close()
}
