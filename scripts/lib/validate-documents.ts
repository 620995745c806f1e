// Validates documents outside the Studio with the Studio's own rules: a workspace built from the
// project's schema (`schemaTypes`, the same list `sanity.config.ts` uses) with
// `createWorkspaceFromConfig`, and Sanity's `validateDocument`. Adds the structural checks Sanity's
// importer would reject (JSON, `_id`, `_type`, `_key`s, references to missing documents).
//
// Queries made by validation rules (unique slugs) are answered either by a real `@sanity/client` you
// pass (e.g. one pointed at the local lake or a hosted project) or, by default, by a `@sanity/client`
// pointed at a throwaway local lake (lake/, on a free loopback port, in a temporary directory)
// holding the documents being validated.
//
//   const validator = await createDocumentValidator({ documents })
//   const problems = await validator.validate(documents)   // [{line, id, path, level, message}]
//   await validator.close()
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createClient, type SanityClient } from '@sanity/client'
import { createWorkspaceFromConfig, validateDocument, type SanityDocument, type Workspace } from 'sanity'
import { invalidIdReason } from '../../lake/ids.js'
import { createEditor, startPrivateLake } from '../../lake/index.js'
import { importDocuments } from '../../lake/io/ndjson.js'
import { schemaTypes } from '../../schemas/index.js'
import { translationsPlugin } from '../../studio/translation/plugin.js'

export type ProblemLevel = 'error' | 'warning' | 'info'

export interface DocumentProblem {
  /** 1-based line in the NDJSON file, when the document came from one. */
  line?: number
  /** The document's `_id` (or `?` when it has none). */
  id: string
  /** Path inside the document, e.g. `body[_key=="p1"].markDefs[0].href`, or `` for the whole document. */
  path: string
  level: ProblemLevel
  message: string
}

/** A document and where it came from. */
export interface SourcedDocument {
  line?: number
  document: Record<string, unknown>
}

export class NdjsonParseError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    message: string,
  ) {
    super(`${source} line ${line}: ${message}`)
    this.name = 'NdjsonParseError'
  }
}

/**
 * Parses Sanity's NDJSON import format: one JSON object per line, blank lines ignored. Lines that
 * are not JSON objects are reported as problems (not thrown), so one run lists every bad line.
 */
export function parseNdjson(text: string): { documents: SourcedDocument[]; problems: DocumentProblem[] } {
  const documents: SourcedDocument[] = []
  const problems: DocumentProblem[] = []
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1
    if (raw.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      problems.push({
        line,
        id: '?',
        path: '',
        level: 'error',
        message: `Not valid JSON (${reason}). Each line must be one complete JSON document.`,
      })
      return
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({
        line,
        id: '?',
        path: '',
        level: 'error',
        message: 'Each line must be a JSON object (a document), not an array or a plain value.',
      })
      return
    }
    documents.push({ line, document: value as Record<string, unknown> })
  })
  return { documents, problems }
}

const UNKNOWN_FIELD = /^Field '(.+)' does not exist on type '(.+)'$/

/** Document ids as Sanity accepts them (letters, digits, `_`, `-`, `.` separated path segments). */
const DOCUMENT_ID = /^[a-zA-Z0-9_][a-zA-Z0-9_-]*(\.[a-zA-Z0-9_-]+)*$/

function pathString(path: ReadonlyArray<string | number | { _key: string } | [number | '', number | '']>): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'string') out += out === '' ? segment : `.${segment}`
    else if (typeof segment === 'number') out += `[${segment}]`
    else if (Array.isArray(segment)) out += `[${segment[0]}:${segment[1]}]`
    else out += `[_key=="${segment._key}"]`
  }
  return out
}

/** Checks Sanity's importer would make: keys on array objects, well-formed references. */
function structuralProblems(
  value: unknown,
  path: string,
  out: Array<{ path: string; message: string }>,
  ids?: Set<string>,
): void {
  if (Array.isArray(value)) {
    const seen = new Set<string>()
    value.forEach((item, i) => {
      const itemPath = `${path}[${i}]`
      if (item && typeof item === 'object' && !Array.isArray(item)) {
        const key = (item as { _key?: unknown })._key
        if (typeof key !== 'string' || key === '') {
          out.push({
            path: itemPath,
            message: 'Objects in arrays need a unique string `_key` (Sanity uses it to track edits).',
          })
        } else if (seen.has(key)) {
          out.push({
            path: itemPath,
            message: `Duplicate _key "${key}" in this array: keys must be unique within an array.`,
          })
        } else seen.add(key)
      }
      structuralProblems(item, itemPath, out, ids)
    })
    return
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>
    if (obj._type === 'reference') {
      if (typeof obj._ref !== 'string' || obj._ref === '') {
        out.push({ path, message: 'A reference needs `_ref`: the `_id` of the document it points at.' })
      } else if (ids && !obj._weak && !ids.has(obj._ref)) {
        out.push({
          path,
          message: `References "${obj._ref}", which is not in this dataset. Add that document or fix the id.`,
        })
      }
    }
    for (const [name, child] of Object.entries(obj)) {
      structuralProblems(child, path === '' ? name : `${path}.${name}`, out, ids)
    }
  }
}

export interface DocumentValidatorOptions {
  /**
   * The dataset the documents live in: answers reference and unique-slug checks. Defaults to the
   * documents passed to `validate()` when no `client` is given.
   */
  documents?: ReadonlyArray<Record<string, unknown>>
  /** A real client to answer the rules' queries instead (e.g. the local lake, a hosted project). */
  client?: SanityClient
}

export interface DocumentValidator {
  workspace: Workspace
  /** Validates documents; returns every problem (structural, then Sanity's markers) in input order. */
  validate(input: ReadonlyArray<SourcedDocument | Record<string, unknown>>): Promise<DocumentProblem[]>
  close(): Promise<void>
}

function isSourced(x: SourcedDocument | Record<string, unknown>): x is SourcedDocument {
  return 'document' in x && typeof x.document === 'object' && x.document !== null && !('_id' in x)
}

const CURRENT_USER = {
  id: 'offline-validator',
  name: 'Offline validator',
  email: 'validator@localhost',
  role: 'administrator',
  roles: [{ name: 'administrator', title: 'Administrator' }],
}

/**
 * Ids that only exist as drafts but are referenced with `_strengthenOnPublish`: such a reference is
 * pending by design (the Studio makes it strong when the draft is published, as the translation
 * plugin's metadata does for a translation not yet published), so it is not "unpublished".
 */
function pendingReferenceTargets(docs: ReadonlyArray<Record<string, unknown>>, ids: ReadonlySet<string>): Set<string> {
  const pending = new Set<string>()
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) visit(item)
    else if (typeof value === 'object' && value !== null) {
      const obj = value as Record<string, unknown>
      if (typeof obj._ref === 'string' && obj._strengthenOnPublish && ids.has(`drafts.${obj._ref}`))
        pending.add(obj._ref)
      for (const child of Object.values(obj)) visit(child)
    }
  }
  visit(docs)
  return pending
}

/**
 * A throwaway local lake holding `documents` and an editor's client of it. The lake stores only what
 * an import would take (a valid and unique `_id`, a `_type`, no asset file to upload): the others
 * are reported by the structural checks, and a rule's query cannot see them.
 */
async function startValidationLake(
  documents: ReadonlyArray<Record<string, unknown>>,
): Promise<{ client: SanityClient; close(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-validate-'))
  const lake = await startPrivateLake({ dataDir })
  const close = async () => {
    await lake.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    const seen = new Set<string>()
    const importable = documents.filter((doc) => {
      if (invalidIdReason(doc._id) !== undefined || typeof doc._type !== 'string' || doc._type === '') return false
      const id = doc._id as string
      if (seen.has(id) || JSON.stringify(doc).includes('"_sanityAsset"')) return false
      seen.add(id)
      return true
    })
    await importDocuments(
      lake.store.dataset(lake.dataset),
      importable.map((doc, index) => ({ line: index + 1, doc })),
      { mode: 'replace' },
    )
    const { token } = createEditor(lake, { name: CURRENT_USER.name, email: CURRENT_USER.email })
    const client = createClient({
      projectId: lake.projectId,
      dataset: lake.dataset,
      apiHost: lake.httpUrl,
      useProjectHostname: false,
      useCdn: false,
      apiVersion: '2025-02-19',
      perspective: 'raw',
      token,
    })
    return { client, close }
  } catch (err) {
    await close()
    throw err
  }
}

export async function createDocumentValidator(options: DocumentValidatorOptions = {}): Promise<DocumentValidator> {
  let lake: { close(): Promise<void> } | undefined
  let client = options.client
  let ids: Set<string> | undefined
  let pending: Set<string> = new Set()
  if (!client) {
    const docs = options.documents ?? []
    const started = await startValidationLake(docs)
    lake = started
    client = started.client
    ids = new Set(docs.flatMap((d) => (typeof d._id === 'string' ? [d._id] : [])))
    pending = pendingReferenceTargets(docs, ids)
  }
  const baseClient = client
  const workspace = await createWorkspaceFromConfig({
    projectId: baseClient.config().projectId ?? 'local',
    dataset: baseClient.config().dataset ?? 'production',
    name: 'default',
    basePath: '/',
    schema: { types: schemaTypes },
    // The translation plugin brings its own document type (translation.metadata).
    plugins: [translationsPlugin()],
    currentUser: CURRENT_USER,
    getClient: ({ apiVersion }) => baseClient.withConfig({ apiVersion }),
  })
  const knownTypes = new Set(
    workspace.schema.getTypeNames().filter((name) => workspace.schema.get(name)?.type?.name === 'document'),
  )

  async function validate(input: ReadonlyArray<SourcedDocument | Record<string, unknown>>): Promise<DocumentProblem[]> {
    const sourced = input.map((x) => (isSourced(x) ? x : { document: x }))
    const datasetIds = ids ?? undefined
    const problems: DocumentProblem[] = []
    const seenIds = new Map<string, number | undefined>()
    for (const { line, document } of sourced) {
      const id = typeof document._id === 'string' ? document._id : '?'
      const report = (path: string, message: string, level: ProblemLevel = 'error') =>
        problems.push({ line, id, path, level, message })
      if (typeof document._id !== 'string' || document._id === '') {
        report('_id', 'Missing `_id`: every document needs a string id, e.g. "condition-tennis-elbow".')
      } else if (!DOCUMENT_ID.test(document._id) || document._id.length > 128) {
        report(
          '_id',
          `"${document._id}" is not a valid document id: use letters, digits, "_" and "-", in segments separated by single dots (at most 128 characters).`,
        )
      } else if (seenIds.has(document._id)) {
        const first = seenIds.get(document._id)
        report(
          '_id',
          `Duplicate _id: the same id is already used${first ? ` on line ${first}` : ''}. Each document needs its own id.`,
        )
      } else seenIds.set(document._id, line)
      const type = document._type
      if (typeof type !== 'string' || type === '') {
        report('_type', 'Missing `_type`: say which schema type this document is, e.g. "article".')
        continue
      }
      if (!knownTypes.has(type)) {
        report('_type', `Unknown document type "${type}". Known types: ${[...knownTypes].sort().join(', ')}.`)
        continue
      }
      const structural: Array<{ path: string; message: string }> = []
      structuralProblems(document, '', structural, datasetIds)
      for (const s of structural) report(s.path, s.message)

      // Two passes: `studio` gives the levels editors see in the Studio; `cli` adds Sanity's
      // unknown-field check (a typo in a field name would otherwise be silently ignored), but in doing
      // so downgrades the other rules of object-typed fields (e.g. slugs) to warnings, so only its
      // unknown-field markers are kept, as errors.
      const existence = datasetIds
        ? {
            getDocumentExists: ({ id: refId }: { id: string }) =>
              Promise.resolve(datasetIds.has(refId) || pending.has(refId)),
          }
        : {}
      const [studioMarkers, cliMarkers] = await Promise.all(
        (['studio', 'cli'] as const).map((environment) =>
          validateDocument({
            document: document as SanityDocument,
            workspace,
            environment,
            currentUser: CURRENT_USER,
            ...existence,
          }),
        ),
      )
      for (const marker of studioMarkers) report(pathString(marker.path), marker.message, marker.level)
      for (const marker of cliMarkers) {
        const unknown = UNKNOWN_FIELD.exec(marker.message)
        if (!unknown) continue
        report(
          pathString(marker.path),
          `Field "${unknown[1]}" does not exist on type "${unknown[2]}": fix the field name or remove it (field names are listed in docs/content-model.md).`,
        )
      }
    }
    return problems
  }

  return {
    workspace,
    validate,
    close: async () => {
      await lake?.close()
    },
  }
}

/** `line N  <_id>  <path>: <message>` (with `warning` in front of advice). */
export function formatProblem(p: DocumentProblem): string {
  const where = p.line !== undefined ? `line ${p.line}` : 'line ?'
  const level = p.level === 'error' ? '' : `${p.level}: `
  return `${where}  ${p.id}  ${p.path || '(document)'}: ${level}${p.message}`
}
