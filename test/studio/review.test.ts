// Medical review logic behind the "Review due" badge/list and the "Mark as reviewed" action.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { REVIEW_DUE_FILTER, reviewDueParams } from '../../studio/structure/articles.js'
import { clinicianLabel, matchClinician, type ClinicianOption } from '../../studio/review/matchClinician.js'
import {
  addDays,
  addMonths,
  daysBetween,
  isReviewDue,
  localToday,
  parseIsoDate,
  reviewedDates,
  reviewState,
} from '../../studio/review/reviewDates.js'

const dates = suite('review dates')

dates('parseIsoDate accepts real calendar dates only', () => {
  assert.type(parseIsoDate('2024-02-29'), 'number')
  assert.is(parseIsoDate('2025-02-29'), undefined)
  assert.is(parseIsoDate('2025-13-01'), undefined)
  assert.is(parseIsoDate('2025-1-01'), undefined)
  assert.is(parseIsoDate('2025-01-01T00:00:00Z'), undefined)
  assert.is(parseIsoDate(20250101), undefined)
})

dates('addMonths keeps the day, clamping to the end of shorter months', () => {
  assert.is(addMonths('2025-03-15', 12), '2026-03-15')
  assert.is(addMonths('2024-02-29', 12), '2025-02-28')
  assert.is(addMonths('2025-01-31', 1), '2025-02-28')
  assert.is(addMonths('2025-11-30', 3), '2026-02-28')
  assert.is(addMonths('2025-03-31', -1), '2025-02-28')
  assert.throws(() => addMonths('next year', 12), /"next year" is not a date in YYYY-MM-DD form/)
})

dates('addDays and daysBetween cross month, year and DST boundaries', () => {
  assert.is(addDays('2025-12-31', 1), '2026-01-01')
  assert.is(addDays('2025-03-09', 30), '2025-04-08')
  assert.is(daysBetween('2025-03-01', '2025-03-31'), 30)
  assert.is(daysBetween('2025-03-31', '2025-03-01'), -30)
  assert.is(daysBetween('2025-10-20', '2025-11-10'), 21)
})

dates('localToday formats the local calendar date', () => {
  assert.is(localToday(new Date(2025, 0, 5, 23, 59)), '2025-01-05')
})

dates('reviewState: passed or within 30 days is due; later is current; missing is unscheduled', () => {
  const today = '2025-06-01'
  assert.equal(reviewState('2025-05-01', today), { status: 'overdue', nextReviewDue: '2025-05-01', daysOverdue: 31 })
  assert.equal(reviewState('2025-06-01', today), { status: 'overdue', nextReviewDue: '2025-06-01', daysOverdue: 0 })
  assert.equal(reviewState('2025-06-02', today), { status: 'due-soon', nextReviewDue: '2025-06-02', daysLeft: 1 })
  assert.equal(reviewState('2025-07-01', today), { status: 'due-soon', nextReviewDue: '2025-07-01', daysLeft: 30 })
  assert.equal(reviewState('2025-07-02', today), { status: 'current', nextReviewDue: '2025-07-02', daysLeft: 31 })
  assert.equal(reviewState(undefined, today), { status: 'unscheduled' })
  assert.equal(reviewState('soon', today), { status: 'unscheduled' })
  assert.ok(isReviewDue(reviewState('2025-06-20', today)))
  assert.not.ok(isReviewDue(reviewState('2026-06-01', today)))
})

dates('"Mark as reviewed" dates: today and twelve months later, which clears the due state', () => {
  const today = '2025-06-01'
  const written = reviewedDates(today, 12)
  assert.equal(written, { lastReviewed: '2025-06-01', nextReviewDue: '2026-06-01' })
  assert.is(isReviewDue(reviewState(written.nextReviewDue, today)), false)
})

dates('the "Review due" list filter uses the same 30-day window', () => {
  assert.equal(reviewDueParams('2025-06-01'), { dueBy: '2025-07-01' })
  assert.match(REVIEW_DUE_FILTER, /nextReviewDue <= \$dueBy/)
})

const match = suite('matching the signed-in user to a clinician')

const clinicians: ClinicianOption[] = [
  { _id: 'clinician-kellie', name: 'Kellie Gomia', handle: 'kelliegomia', credentials: ['PT', 'DPT'] },
  { _id: 'clinician-sam', name: 'Sam Ortiz', handle: 'samortiz', credentials: ['PT'] },
]

match('matches on name, handle or email, ignoring case, accents and credentials', () => {
  assert.is(matchClinician({ id: 'u1', name: 'Kellie Gomia' }, clinicians)?._id, 'clinician-kellie')
  assert.is(matchClinician({ id: 'u1', name: 'kellie gómia, PT' }, clinicians)?._id, 'clinician-kellie')
  assert.is(matchClinician({ id: 'u1', email: 'kelliegomia@clinic.example' }, clinicians)?._id, 'clinician-kellie')
  assert.is(matchClinician({ id: 'samortiz' }, clinicians)?._id, 'clinician-sam')
})

match('asks (undefined) when nobody or more than one clinician matches', () => {
  assert.is(matchClinician({ id: 'u9', name: 'Local Editor', email: 'editor@clinic.test' }, clinicians), undefined)
  assert.is(matchClinician(null, clinicians), undefined)
  const twins = [...clinicians, { _id: 'clinician-kellie-2', name: 'Kellie Gomia' }]
  assert.is(matchClinician({ id: 'u1', name: 'Kellie Gomia' }, twins), undefined)
})

match('clinicianLabel shows credentials once', () => {
  assert.is(clinicianLabel(clinicians[0]!), 'Kellie Gomia, PT, DPT')
  assert.is(clinicianLabel({ _id: 'x', name: 'Jo Lee, PT', credentials: ['PT'] }), 'Jo Lee, PT')
  assert.is(clinicianLabel({ _id: 'x' }), 'x')
})

dates.run()
match.run()
