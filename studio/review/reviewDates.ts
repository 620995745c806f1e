// Date arithmetic for medical review, on calendar dates ("YYYY-MM-DD", Sanity's `date` type).
// Pure and dependency-free: used by the badge, the "Mark as reviewed" action, the "Review due"
// list and tests. Dates are handled as UTC calendar days so DST changes never shift a day.
import { REVIEW_DUE_WINDOW_DAYS } from '../constants.js'

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DAY_MS = 24 * 60 * 60 * 1000

/** Parses "YYYY-MM-DD" into a UTC timestamp; `undefined` when it is not a real calendar date. */
export function parseIsoDate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const match = ISO_DATE.exec(value)
  if (!match) return undefined
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const time = Date.UTC(year, month - 1, day)
  const check = new Date(time)
  // Rejects 2025-02-30 and friends, which Date.UTC silently rolls over.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined
  }
  return time
}

function formatUtcDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10)
}

/** Today's date in the editor's own time zone (what "today" means to the person clicking). */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/** Adds calendar days to "YYYY-MM-DD". Throws on a malformed date. */
export function addDays(date: string, days: number): string {
  const time = parseIsoDate(date)
  if (time === undefined) throw new TypeError(`addDays: "${date}" is not a date in YYYY-MM-DD form`)
  return formatUtcDate(time + days * DAY_MS)
}

/**
 * Adds calendar months to "YYYY-MM-DD", clamping to the last day of the target month
 * (2024-02-29 + 12 months = 2025-02-28, 2025-01-31 + 1 month = 2025-02-28).
 */
export function addMonths(date: string, months: number): string {
  const time = parseIsoDate(date)
  if (time === undefined) throw new TypeError(`addMonths: "${date}" is not a date in YYYY-MM-DD form`)
  const start = new Date(time)
  const targetMonthIndex = start.getUTCMonth() + months
  const year = start.getUTCFullYear() + Math.floor(targetMonthIndex / 12)
  const month = ((targetMonthIndex % 12) + 12) % 12
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return formatUtcDate(Date.UTC(year, month, Math.min(start.getUTCDate(), lastDay)))
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const a = parseIsoDate(from)
  const b = parseIsoDate(to)
  if (a === undefined || b === undefined) {
    throw new TypeError(`daysBetween: expected two YYYY-MM-DD dates, got "${from}" and "${to}"`)
  }
  return Math.round((b - a) / DAY_MS)
}

export type ReviewState =
  /** `nextReviewDue` is missing or not a date: nothing to warn about from the date alone. */
  | { status: 'unscheduled' }
  /** The review date has passed (or is today). */
  | { status: 'overdue'; nextReviewDue: string; daysOverdue: number }
  /** The review date is within the warning window. */
  | { status: 'due-soon'; nextReviewDue: string; daysLeft: number }
  | { status: 'current'; nextReviewDue: string; daysLeft: number }

/**
 * Where an article stands on medical review. "Review due" means the next review date has passed
 * or falls within `windowDays` (30 by default) of `today`.
 */
export function reviewState(
  nextReviewDue: unknown,
  today: string,
  windowDays: number = REVIEW_DUE_WINDOW_DAYS,
): ReviewState {
  if (typeof nextReviewDue !== 'string' || parseIsoDate(nextReviewDue) === undefined) {
    return { status: 'unscheduled' }
  }
  const daysLeft = daysBetween(today, nextReviewDue)
  if (daysLeft <= 0) return { status: 'overdue', nextReviewDue, daysOverdue: -daysLeft }
  if (daysLeft <= windowDays) return { status: 'due-soon', nextReviewDue, daysLeft }
  return { status: 'current', nextReviewDue, daysLeft }
}

export function isReviewDue(state: ReviewState): boolean {
  return state.status === 'overdue' || state.status === 'due-soon'
}

/** The dates "Mark as reviewed" writes: reviewed today, next review in `intervalMonths`. */
export function reviewedDates(today: string, intervalMonths: number): { lastReviewed: string; nextReviewDue: string } {
  return { lastReviewed: today, nextReviewDue: addMonths(today, intervalMonths) }
}
