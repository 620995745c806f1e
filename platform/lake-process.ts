// The lake as `npm start` runs it: a child process of its own (spawned and restarted by
// lake-supervisor.ts), so a lake that dies (out of memory, a crash) takes neither delivery nor the
// Studio server with it. Reads the LAKE_* variables; CLINIC_ROOT and SEED_FILE name the repository
// and the seed. Once it listens it seeds a fresh data dir, makes sure the local editor has a token,
// and reports `{type: 'ready', ...}` (LakeProcessReady) to its parent over IPC.
//
// It ignores SIGINT (Ctrl-C reaches the whole terminal's process group; the parent decides when the
// lake stops), stops on SIGTERM, and stops when the parent goes away (the IPC channel closes).
import fs from 'node:fs'
import path from 'node:path'
import { importNdjson } from '../lake/io/ndjson.js'
import { type RunningLake, startLake } from '../lake/index.js'

export interface LocalEditor {
  name: string
  email: string
  token: string
}

export interface LakeProcessReady {
  type: 'ready'
  pid: number
  httpUrl: string
  httpsUrl: string | null
  caCertPath: string | null
  projectId: string
  dataset: string
  dataDir: string
  /** Whether this start imported the seed (first start of this data dir). */
  seeded: boolean
  editor: LocalEditor
}

export interface LakeProcessFailed {
  type: 'failed'
  message: string
}

const EDITOR = { name: 'Local Editor', email: 'editor@clinic.localhost' }
const SEEDED_MARKER = 'seeded-from'
const EDITOR_FILE = 'local-editor.json'

/**
 * Imports the seed once per data dir. A marker file records it, so later starts keep the data as
 * editors left it (even if they deleted everything); a dataset that already has documents (e.g.
 * from `npm run import`) is never overwritten.
 */
async function seedOnFirstStart(lake: RunningLake, root: string, seedFile: string): Promise<boolean> {
  const marker = path.join(lake.config.dataDir, SEEDED_MARKER)
  if (fs.existsSync(marker)) return false
  const dataset = lake.store.dataset(lake.dataset)
  if (dataset.documents().length > 0) {
    fs.writeFileSync(marker, `not seeded: dataset "${lake.dataset}" already had documents\n`)
    return false
  }
  if (!fs.existsSync(seedFile)) {
    throw new Error(`Cannot seed the lake: ${seedFile} does not exist. Restore it from git or set SEED_FILE.`)
  }
  const result = await importNdjson(dataset, fs.readFileSync(seedFile, 'utf8'), { mode: 'fail' })
  fs.writeFileSync(
    marker,
    `${path.relative(root, seedFile)} ${new Date().toISOString()} (${result.written} documents)\n`,
  )
  return true
}

function isLocalEditor(value: unknown): value is LocalEditor {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.name === 'string' && typeof v.email === 'string' && typeof v.token === 'string'
}

/**
 * The local editor account and a token for it, kept in <dataDir>/local-editor.json (mode 600) so
 * every start prints the same sign-in. The lake itself stores only the token's hash.
 */
function ensureLocalEditor(lake: RunningLake): LocalEditor {
  const file = path.join(lake.config.dataDir, EDITOR_FILE)
  if (fs.existsSync(file)) {
    try {
      const saved: unknown = JSON.parse(fs.readFileSync(file, 'utf8'))
      if (isLocalEditor(saved) && lake.accounts.userForToken(saved.token)) return saved
    } catch {
      // unreadable: issue a new token below
    }
  }
  const user = lake.accounts.findByEmail(EDITOR.email) ?? lake.accounts.createUser({ ...EDITOR, role: 'administrator' })
  const { token } = lake.accounts.issueToken(user.id, 'npm start: Studio sign-in')
  const editor: LocalEditor = { name: user.name, email: user.email, token }
  fs.writeFileSync(file, `${JSON.stringify(editor, null, 2)}\n`, { mode: 0o600 })
  return editor
}

/** Sends a message to the parent (or prints it when run on its own); resolves once it is sent. */
function send(message: LakeProcessReady | LakeProcessFailed): Promise<void> {
  return new Promise((resolve) => {
    if (process.send) process.send(message, undefined, undefined, () => resolve())
    else process.stdout.write(`${JSON.stringify(message)}\n`, () => resolve())
  })
}

async function main(): Promise<void> {
  const root = path.resolve(process.env.CLINIC_ROOT || '.')
  const seedFile = path.resolve(root, process.env.SEED_FILE || 'content/production.ndjson')
  const lake = await startLake()
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    const timer = setTimeout(() => process.exit(0), 5_000)
    timer.unref()
    void lake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.on('SIGINT', () => undefined)
  process.on('SIGTERM', stop)
  process.on('disconnect', stop)
  const seeded = await seedOnFirstStart(lake, root, seedFile)
  const editor = ensureLocalEditor(lake)
  // The Studio's comments and tasks live in the dataset's comments add-on; with it the lake keeps
  // the project's roles (system.group documents) in the dataset, which the Studio's mention and
  // assignee pickers need from an editor's first session on. Idempotent.
  await lake.setUpAddon(lake.dataset)
  await send({
    type: 'ready',
    pid: process.pid,
    httpUrl: lake.httpUrl,
    httpsUrl: lake.httpsUrl ?? null,
    caCertPath: lake.caCertPath ?? null,
    projectId: lake.projectId,
    dataset: lake.dataset,
    dataDir: lake.config.dataDir,
    seeded,
    editor,
  })
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error)
  console.error(`lake process: ${message}`)
  void send({ type: 'failed', message }).finally(() => process.exit(1))
})
