// The language versions of the documents a request serves, read ONCE per request: the
// translation.metadata documents referencing them (one reference-index lookup for all ids), never a
// lookup per list item or per related item inside a query. The queries get what is found as
// parameters: `$versions` (the published `$lang` version of each related document) and
// `$versionIds` (every version of a page's document, whose related documents reference the
// English one). See delivery/queries.ts.
import type { SanityClient } from '@sanity/client'
import { DEFAULT_LANGUAGE, isLanguage, type Language } from '../../model/languages.js'
import { runQuery } from '../client.js'
import { DOCUMENT_IN_LANGUAGE_QUERY, TRANSLATION_VERSIONS_QUERY } from '../queries.js'
import type { LanguageParams } from './language.js'

/** One language version of a document, as its translation.metadata lists it. */
export interface Version {
  language: Language
  id: string
  /** Whether this version is published (the perspective's view has it). */
  published: boolean
  /** The published version's slug, null when it has none (or is unpublished). */
  slug: string | null
}

/** A published language version with a slug: what a page links to with `hreflang`. */
export interface Translation {
  language: Language
  slug: string
}

/** Every version of each document read, by the id of any of them. */
export type VersionMap = ReadonlyMap<string, readonly Version[]>

/** `$versions`: a related document (by its id) and its published version in the requested language. */
export interface VersionParam {
  source: string
  version: { _ref: string }
}

type VersionRow = {
  versions: Array<{
    language: string | null
    id: string | null
    published: { _type: string | null; slug: string | null } | null
  }> | null
}

/** Reads the versions of these documents (one query, none for no ids). */
export async function readVersions(client: SanityClient, ids: Iterable<string>): Promise<VersionMap> {
  const unique = [...new Set(ids)]
  const map = new Map<string, Version[]>()
  if (unique.length === 0) return map
  const rows = (await runQuery(client, TRANSLATION_VERSIONS_QUERY, { ids: unique }, 'translation-versions')) as
    | VersionRow[]
    | null
  for (const row of rows ?? []) {
    const versions: Version[] = []
    for (const v of row.versions ?? []) {
      if (typeof v?.id !== 'string' || !isLanguage(v.language)) continue
      const slug = typeof v.published?.slug === 'string' && v.published.slug !== '' ? v.published.slug : null
      versions.push({ language: v.language, id: v.id, published: v.published !== null, slug })
    }
    for (const v of versions) map.set(v.id, versions)
  }
  return map
}

/** The published version of `id` in `lang` (itself when it is that version), if any. */
export function versionIn(map: VersionMap, id: string, lang: Language): Version | undefined {
  return map.get(id)?.find((v) => v.language === lang && v.published)
}

/** Every version id of `id` (itself included): what its related documents may reference. */
export function versionIdsOf(map: VersionMap, id: string): string[] {
  const ids = (map.get(id) ?? []).map((v) => v.id)
  return ids.includes(id) ? ids : [id, ...ids]
}

/** The published versions of `id` with slugs, for `hreflang` (the document itself is added by the caller when missing). */
export function translationsOf(map: VersionMap, id: string): Translation[] {
  return (map.get(id) ?? [])
    .filter((v): v is Version & { slug: string } => v.published && v.slug !== null)
    .map((v) => ({ language: v.language, slug: v.slug }))
}

/** `$versions` for these ids: each one's published version in `lang`, where it is another document. */
export function versionParams(map: VersionMap, ids: Iterable<string>, lang: Language): VersionParam[] {
  const out: VersionParam[] = []
  for (const id of new Set(ids)) {
    const version = versionIn(map, id, lang)
    if (version && version.id !== id) out.push({ source: id, version: { _ref: version.id } })
  }
  return out
}

/**
 * The ids of every document in a query result (any object with an `_id`) that is not in `lang`:
 * the related documents a query in `lang` may have to show in another version.
 */
export function idsNotIn(value: unknown, lang: Language, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) idsNotIn(item, lang, out)
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>
    if (typeof record._id === 'string' && record.language !== lang) out.add(record._id)
    for (const key in record) {
      const child = record[key]
      if (child !== null && typeof child === 'object') idsNotIn(child, lang, out)
    }
  }
  return out
}

/** What a query mapping related documents through `$versions` takes besides its own parameters. */
export interface VersionRun {
  fallback: boolean
  versions: VersionParam[]
}

/**
 * Runs a query whose related documents are shown in `language.lang` (VERSION_IN_LANGUAGE of
 * delivery/queries.ts). English: once, nothing to map. Another language: first with English
 * standing in everywhere (so every related document the answer can show is in it, in English
 * where it is not in `lang`), then the versions of those documents are read in one query, then
 * the query runs again with `$versions` and the caller's own fallback. Three cheap indexed queries
 * instead of a metadata lookup per related item.
 */
export async function runWithVersions<R>(
  client: SanityClient,
  language: LanguageParams,
  run: (options: VersionRun) => Promise<R>,
  known: VersionMap = new Map(),
): Promise<{ result: R; versions: VersionMap }> {
  if (language.lang === DEFAULT_LANGUAGE)
    return { result: await run({ fallback: false, versions: [] }), versions: known }
  const first = await run({ fallback: true, versions: [] })
  const ids = [...idsNotIn(first, language.lang)]
  // Nothing in another language: the fallback changed nothing, this is the answer.
  if (ids.length === 0) return { result: first, versions: known }
  const read = await readVersions(
    client,
    ids.filter((id) => !known.has(id)),
  )
  const versions = new Map([...known, ...read])
  const params = versionParams(versions, ids, language.lang)
  if (params.length === 0 && language.fallback) return { result: first, versions }
  return { result: await run({ fallback: language.fallback, versions: params }), versions }
}

/**
 * With `?fallback=en`, the English items of a list that do have a published version in `lang`
 * are left out (that version is in the list itself, or belongs to another page of it): English
 * stands in only where there is no translation. Reads the versions of the English items once.
 */
export async function withoutTranslated<T extends { _id?: string | null; language?: string | null }>(
  client: SanityClient,
  items: T[],
  language: LanguageParams,
  known?: VersionMap,
): Promise<T[]> {
  if (!language.fallback || language.lang === DEFAULT_LANGUAGE) return items
  const others = items
    .filter((i) => i.language !== language.lang && typeof i._id === 'string')
    .map((i) => i._id as string)
  if (others.length === 0) return items
  const versions = known ?? (await readVersions(client, others))
  return items.filter(
    (i) => i.language === language.lang || typeof i._id !== 'string' || !versionIn(versions, i._id, language.lang),
  )
}

/** A page's document in the requested language, with every version of it (its metadata). */
export interface PageDocument {
  id: string
  versionIds: string[]
  versions: VersionMap
}

/**
 * Finds the document of a page (`type` and `slug`) in the requested language and reads its
 * versions: the page query then needs them (`$versionIds`) to find the documents that reference
 * its English version. Null when there is no such page.
 */
export async function findPageDocument(
  client: SanityClient,
  type: string,
  slug: string,
  language: LanguageParams,
): Promise<PageDocument | null> {
  const head = await runQuery(client, DOCUMENT_IN_LANGUAGE_QUERY, { type, slug, ...language }, 'document-in-language')
  if (!head || typeof head._id !== 'string') return null
  const versions = await readVersions(client, [head._id])
  return { id: head._id, versionIds: versionIdsOf(versions, head._id), versions }
}

/**
 * Reads a page (article, condition, treatment) in the requested language: the document (its
 * language version, or English standing in with `fallback`), related documents in that language,
 * and its published versions for `hreflang` (`translations`). English: the page query, then the
 * versions of its document. Another language: the document's id and versions first, then the
 * page query with related documents mapped (runWithVersions).
 */
export async function readPage<D extends { _id: string }>(
  client: SanityClient,
  type: string,
  slug: string,
  language: LanguageParams,
  run: (options: VersionRun & { versionIds: string[] }) => Promise<D | null>,
): Promise<(D & { translations: Translation[] }) | null> {
  if (language.lang === DEFAULT_LANGUAGE) {
    const doc = await run({ fallback: false, versions: [], versionIds: [] })
    if (!doc) return null
    const versions = await readVersions(client, [doc._id])
    return { ...doc, translations: translationsOf(versions, doc._id) }
  }
  const page = await findPageDocument(client, type, slug, language)
  if (!page) return null
  const { result, versions } = await runWithVersions(
    client,
    language,
    (options) => run({ ...options, versionIds: page.versionIds }),
    page.versions,
  )
  if (!result) return null
  const listed = await withoutTranslatedDeep(result, language, versions)
  return { ...listed, translations: translationsOf(versions, result._id) }
}

/**
 * With `?fallback=en`, the English items of a page's lists (its FAQs, articles...) that have a
 * version in `lang` are left out: that version is listed too (it references the same document).
 */
function withoutTranslatedDeep<D extends object>(doc: D, language: LanguageParams, versions: VersionMap): D {
  if (!language.fallback) return doc
  const out = { ...doc } as Record<string, unknown>
  for (const [key, value] of Object.entries(out)) {
    if (!Array.isArray(value)) continue
    out[key] = value.filter((item: unknown) => {
      if (item === null || typeof item !== 'object') return true
      const { _id, language: itemLanguage } = item as { _id?: unknown; language?: unknown }
      if (typeof _id !== 'string' || itemLanguage === language.lang) return true
      const version = versionIn(versions, _id, language.lang)
      return !version || version.id === _id
    })
  }
  return out as D
}
