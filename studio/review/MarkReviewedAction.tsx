// "Mark as reviewed" document action on articles: records who did the medical review and when,
// and schedules the next one. The reviewer is the signed-in user's own clinician record when one
// matches (see matchClinician.ts); otherwise the editor is asked to choose the clinician.
import { useCallback, useEffect, useState } from 'react'
import { CheckmarkCircleIcon } from '@sanity/icons'
import { Button, Card, Flex, Select, Stack, Text, useToast } from '@sanity/ui'
import { useClient, useCurrentUser, useDocumentOperation, type DocumentActionComponent } from 'sanity'
import { REVIEW_INTERVAL_MONTHS, STUDIO_API_VERSION } from '../constants.js'
import { clinicianLabel, matchClinician, type ClinicianOption } from './matchClinician.js'
import { localToday, reviewedDates } from './reviewDates.js'

/** Published clinicians only: a reviewer reference to an unpublished draft could not be published. */
const CLINICIANS_QUERY = /* groq */ `*[_type == "clinician" && !(_id in path("drafts.**")) && !(_id in path("versions.**"))]
  | order(name asc) {_id, name, handle, role, credentials}`

function isClinicianOption(value: unknown): value is ClinicianOption {
  return typeof value === 'object' && value !== null && typeof (value as { _id?: unknown })._id === 'string'
}

function useClinicians(): { clinicians: ClinicianOption[] | null; error: string | null } {
  const client = useClient({ apiVersion: STUDIO_API_VERSION })
  const [clinicians, setClinicians] = useState<ClinicianOption[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    client
      .fetch<unknown>(CLINICIANS_QUERY, {}, { tag: 'studio.mark-reviewed.clinicians' })
      .then((result) => {
        if (cancelled) return
        setClinicians(Array.isArray(result) ? result.filter(isClinicianOption) : [])
      })
      .catch((err: unknown) => {
        if (!cancelled) setError(err instanceof Error ? err.message : String(err))
      })
    return () => {
      cancelled = true
    }
  }, [client])
  return { clinicians, error }
}

interface ChooseReviewerProps {
  clinicians: ClinicianOption[]
  onConfirm: (clinician: ClinicianOption) => void
  onCancel: () => void
}

function ChooseReviewer({ clinicians, onConfirm, onCancel }: ChooseReviewerProps) {
  const [selectedId, setSelectedId] = useState(clinicians[0]?._id ?? '')
  const selected = clinicians.find((c) => c._id === selectedId)
  if (clinicians.length === 0) {
    return (
      <Card padding={4} tone="caution" data-testid="mark-reviewed-no-clinicians">
        <Text>
          There is no published clinician to name as the medical reviewer. Add the reviewing clinician under People,
          publish them, then mark this article as reviewed.
        </Text>
      </Card>
    )
  }
  return (
    <Stack space={4} padding={4} data-testid="mark-reviewed-dialog">
      <Text size={1}>
        Your user account does not match a clinician under People, so choose who reviewed this article. It will record
        today as the review date and schedule the next review in {REVIEW_INTERVAL_MONTHS} months.
      </Text>
      <Select
        aria-label="Medical reviewer"
        data-testid="mark-reviewed-select"
        value={selectedId}
        onChange={(event) => setSelectedId(event.currentTarget.value)}
      >
        {clinicians.map((clinician) => (
          <option key={clinician._id} value={clinician._id}>
            {clinicianLabel(clinician)}
            {clinician.role ? ` (${clinician.role})` : ''}
          </option>
        ))}
      </Select>
      <Flex gap={2} justify="flex-end">
        <Button mode="bleed" text="Cancel" onClick={onCancel} />
        {/* Default tone: white on the positive green is 2.5:1, below WCAG AA's 4.5:1 for this text. */}
        <Button
          icon={CheckmarkCircleIcon}
          text="Mark as reviewed"
          data-testid="mark-reviewed-confirm"
          disabled={!selected}
          onClick={() => selected && onConfirm(selected)}
        />
      </Flex>
    </Stack>
  )
}

export const MarkReviewedAction: DocumentActionComponent = (props) => {
  const { id, type, release, onComplete } = props
  const { patch } = useDocumentOperation(id, type, release)
  const currentUser = useCurrentUser()
  const toast = useToast()
  const { clinicians, error } = useClinicians()
  const [choosing, setChoosing] = useState(false)

  const markReviewed = useCallback(
    (clinician: ClinicianOption) => {
      const dates = reviewedDates(localToday(), REVIEW_INTERVAL_MONTHS)
      patch.execute([
        {
          set: {
            medicalReviewer: { _type: 'reference', _ref: clinician._id },
            lastReviewed: dates.lastReviewed,
            nextReviewDue: dates.nextReviewDue,
          },
        },
      ])
      toast.push({
        status: 'success',
        title: `Reviewed by ${clinicianLabel(clinician)}`,
        description: `Last reviewed ${dates.lastReviewed}; next review due ${dates.nextReviewDue}. Publish to make it live.`,
      })
      setChoosing(false)
      onComplete()
    },
    [patch, toast, onComplete],
  )

  const matched = clinicians ? matchClinician(currentUser, clinicians) : undefined
  const disabledReason = error
    ? `Could not load clinicians: ${error}`
    : clinicians === null
      ? 'Loading clinicians…'
      : patch.disabled
        ? `This document cannot be edited right now (${patch.disabled}).`
        : null

  return {
    label: 'Mark as reviewed',
    icon: CheckmarkCircleIcon,
    tone: 'positive',
    disabled: disabledReason !== null,
    title:
      disabledReason ??
      (matched
        ? `Record ${clinicianLabel(matched)} as the medical reviewer today and schedule the next review in ${REVIEW_INTERVAL_MONTHS} months`
        : 'Choose the clinician who reviewed this article, record today as the review date and schedule the next review'),
    onHandle: () => {
      if (matched) markReviewed(matched)
      else setChoosing(true)
    },
    dialog: choosing
      ? {
          type: 'dialog',
          header: 'Who reviewed this article?',
          onClose: () => setChoosing(false),
          content: (
            <ChooseReviewer
              clinicians={clinicians ?? []}
              onConfirm={markReviewed}
              onCancel={() => setChoosing(false)}
            />
          ),
        }
      : null,
  }
}
MarkReviewedAction.displayName = 'MarkReviewedAction'
