// Fixed value lists of the content model (docs/content-model.md).

export const BODY_REGIONS = [
  { title: 'Head', value: 'head' },
  { title: 'Jaw', value: 'jaw' },
  { title: 'Neck', value: 'neck' },
  { title: 'Shoulder', value: 'shoulder' },
  { title: 'Arm and elbow', value: 'arm-elbow' },
  { title: 'Wrist and hand', value: 'wrist-hand' },
  { title: 'Upper back', value: 'upper-back' },
  { title: 'Lower back', value: 'lower-back' },
  { title: 'Hip and buttock', value: 'hip-buttock' },
  { title: 'Leg', value: 'leg' },
  { title: 'Knee', value: 'knee' },
  { title: 'Ankle and foot', value: 'ankle-foot' },
  { title: 'Whole body', value: 'whole-body' },
] as const

export type BodyRegion = (typeof BODY_REGIONS)[number]['value']

export const CARE_PHASES = [
  { title: 'Before treatment', value: 'before' },
  { title: 'After treatment', value: 'after' },
] as const

export const PARTNER_STATUSES = [
  { title: 'Active', value: 'active' },
  { title: 'Suspended', value: 'suspended' },
] as const

/** The `_id` of the clinic settings singleton. */
export const CLINIC_ID = 'clinic'

export function titleOf<T extends { title: string; value: string }>(
  list: readonly T[],
  value: unknown,
): string | undefined {
  return list.find((item) => item.value === value)?.title
}
