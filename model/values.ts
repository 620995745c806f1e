// Fixed value lists and ids of the content model (docs/content-model.md). The schemas offer these
// lists to editors, the Studio structure groups by them and delivery validates request parameters
// against them: one list each, so a new body region or phase is added here and nowhere else.
//
// Pure and browser-safe: no Node imports, no I/O.

export interface ValueOption {
  title: string
  value: string
}

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
] as const satisfies readonly ValueOption[]

export type BodyRegion = (typeof BODY_REGIONS)[number]['value']

export const CARE_PHASES = [
  { title: 'Before treatment', value: 'before' },
  { title: 'After treatment', value: 'after' },
] as const satisfies readonly ValueOption[]

export type CarePhase = (typeof CARE_PHASES)[number]['value']

export const PARTNER_STATUSES = [
  { title: 'Active', value: 'active' },
  { title: 'Suspended', value: 'suspended' },
] as const satisfies readonly ValueOption[]

export type PartnerStatus = (typeof PARTNER_STATUSES)[number]['value']

/** The `_id` of the clinic settings singleton. */
export const CLINIC_ID = 'clinic'

/** The values of a list, in its order (`['head', 'jaw', ...]`). */
export function valuesOf<T extends ValueOption>(list: readonly T[]): Array<T['value']> {
  return list.map((item) => item.value)
}

/** The title of a list's value (`arm-elbow` -> `Arm and elbow`), or undefined when it is not in the list. */
export function titleOf<T extends ValueOption>(list: readonly T[], value: unknown): string | undefined {
  return list.find((item) => item.value === value)?.title
}

/** Whether `value` is one of the list's values (a type guard for that list's value type). */
export function isValueOf<T extends ValueOption>(list: readonly T[], value: unknown): value is T['value'] {
  return typeof value === 'string' && list.some((item) => item.value === value)
}

/** Body regions in head-to-toe order. */
export const BODY_REGION_VALUES: readonly BodyRegion[] = valuesOf(BODY_REGIONS)
/** Care phases, before first. */
export const CARE_PHASE_VALUES: readonly CarePhase[] = valuesOf(CARE_PHASES)

export function isBodyRegion(value: unknown): value is BodyRegion {
  return isValueOf(BODY_REGIONS, value)
}

export function isCarePhase(value: unknown): value is CarePhase {
  return isValueOf(CARE_PHASES, value)
}
