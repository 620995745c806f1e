/**
 * Errors in Sanity's HTTP error shape: `{error: {description, type, ...details}}`.
 * Everything the lake rejects goes through `LakeError`, so the HTTP layer can answer with the right
 * status code and a body that `@sanity/client` turns into a readable message.
 */
export class LakeError extends Error {
  readonly statusCode: number
  readonly type: string
  readonly details: Record<string, unknown>
  /** Response headers the error needs (e.g. `Retry-After` on a 429). */
  readonly headers: Record<string, string>

  constructor(
    statusCode: number,
    type: string,
    description: string,
    details: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(description)
    this.statusCode = statusCode
    this.type = type
    this.details = details
    this.headers = headers
  }

  toBody(): { error: Record<string, unknown> } {
    return { error: { description: this.message, type: this.type, ...this.details } }
  }
}

/** One failed item of a transaction (a mutation or an action), as Sanity lists them in `error.items`. */
export interface FailedItem {
  index: number
  description: string
  type: string
  id?: string
  /** Extra fields of the item's error (e.g. `referencingIDs`). */
  details?: Record<string, unknown>
}

/** A transaction that failed as a whole: `mutationError` / `actionError` with `items`. */
export function transactionError(
  statusCode: number,
  kind: 'mutationError' | 'actionError',
  items: FailedItem[],
): LakeError {
  const what = kind === 'mutationError' ? 'The mutation(s) failed' : 'The action(s) failed'
  const first = items[0]
  return new LakeError(statusCode, kind, `${what}: ${first ? first.description : 'unknown error'}`, {
    items: items.map((item) => ({
      error: {
        description: item.description,
        type: item.type,
        ...(item.id ? { id: item.id } : {}),
        ...item.details,
      },
      index: item.index,
    })),
  })
}

export function badRequest(description: string, type = 'httpBadRequest'): LakeError {
  return new LakeError(400, type, description)
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
