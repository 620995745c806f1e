/**
 * Bundles TypeScript entry points (the lake child, the import CLI) into plain ESM with esbuild, so
 * reliability tests can start and kill them many times: under ts-node the lake takes 5-9 s to load
 * on this machine; bundled it starts in a fraction of a second. Packages stay external (resolved
 * from the project's node_modules), so the bundle runs the same code the project runs.
 */
import { build } from 'esbuild'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

export const ENTRIES = {
  lake: 'test/reliability/helpers/lake-child.ts',
  import: 'scripts/import.ts',
} as const

export type EntryName = keyof typeof ENTRIES

export interface Bundles {
  /** Absolute path of the bundled `.mjs` for each entry. */
  paths: Record<EntryName, string>
  dir: string
  remove(): void
}

/**
 * Writes the bundles into a fresh directory inside the project (so bare imports resolve from
 * `node_modules`); call `remove()` when done.
 */
export async function bundleEntries(): Promise<Bundles> {
  const parent = path.join(ROOT, 'node_modules', '.cache', 'clinic-reliability')
  fs.mkdirSync(parent, { recursive: true })
  const dir = fs.mkdtempSync(path.join(parent, 'run-'))
  const paths = {} as Record<EntryName, string>
  for (const [name, entry] of Object.entries(ENTRIES) as Array<[EntryName, string]>) {
    const outfile = path.join(dir, `${name}.mjs`)
    await build({
      entryPoints: [path.join(ROOT, entry)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'error',
      sourcemap: 'inline',
    })
    paths[name] = outfile
  }
  // The lake starts its worker threads from these files beside its own module (lake/store/bulk-thread.ts,
  // lake/query/pool.ts).
  for (const worker of ['lake/store/bulk-worker.built.mjs', 'lake/query/query-worker.built.mjs']) {
    fs.copyFileSync(path.join(ROOT, worker), path.join(dir, path.basename(worker)))
  }
  return {
    paths,
    dir,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}

export function freshDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
}
