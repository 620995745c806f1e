// The result shapes content functions share: a lookup either finds its resource or says, as a
// value (never an exception), which resource was missing; bad input is an InvalidInputError that
// names the parameter, what was wrong and how to fix it.

import { isLookupSlug } from '../../model/slug.js'

/** A resource that was found. */
export interface Found<T> {
  found: true
  value: T
}

/** The kinds of resource a lookup can miss. */
export type ResourceKind = 'article' | 'condition' | 'treatment' | 'icd10Code' | 'clinic' | 'sitemap'

/** A lookup that found nothing: which kind of resource, by which key (slug, code, id). */
export interface NotFound {
  found: false
  resource: ResourceKind
  key: string
}

export type Lookup<T> = Found<T> | NotFound

export function found<T>(value: T): Found<T> {
  return { found: true, value }
}

export function notFound(resource: ResourceKind, key: string): NotFound {
  return { found: false, resource, key }
}

/** Input a content function cannot use. `parameter` is the name the caller passed it under. */
export class InvalidInputError extends Error {
  readonly parameter: string
  readonly problem: string
  readonly fix: string
  constructor(parameter: string, problem: string, fix: string) {
    super(`${parameter}: ${problem}. ${fix}`)
    this.name = 'InvalidInputError'
    this.parameter = parameter
    this.problem = problem
    this.fix = fix
  }
}

/** Checks a slug argument; returns it unchanged. */
export function requireSlug(parameter: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidInputError(
      parameter,
      'is missing',
      `Pass the slug as a non-empty string, e.g. "integrative-dry-needling"`,
    )
  }
  if (!isLookupSlug(value)) {
    throw new InvalidInputError(
      parameter,
      `"${value.slice(0, 80)}" is not a slug`,
      'Use letters, digits and "-" (at most 200 characters), e.g. "tennis-elbow"',
    )
  }
  return value
}

/** Same as requireSlug for optional filters: undefined/null pass as null (GROQ's "any"). */
export function optionalSlug(parameter: string, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null
  return requireSlug(parameter, value)
}
