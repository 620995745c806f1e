// Finds the clinician record that belongs to the signed-in Studio user, so "Mark as reviewed"
// can name the reviewer without asking. Pure: tested without a browser.

export interface ClinicianOption {
  _id: string
  name?: string | null
  handle?: string | null
  role?: string | null
  credentials?: string[] | null
}

/** The parts of Sanity's `CurrentUser` the match looks at. */
export interface StudioUserLike {
  id: string
  name?: string | null
  email?: string | null
}

/** Lower case, accents removed, anything but letters and digits dropped: "Kellie Gómia, PT" ~ "kelliegomiapt". */
export function normalizeForMatch(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
}

/** A person's name without trailing credentials ("Kellie Gomia, PT, DPT" -> "Kellie Gomia"). */
function nameWithoutCredentials(name: string): string {
  return name.split(',')[0] ?? name
}

function keysOfUser(user: StudioUserLike): Set<string> {
  const keys = new Set<string>()
  const add = (value: string | null | undefined) => {
    if (!value) return
    const key = normalizeForMatch(value)
    if (key.length >= 3) keys.add(key)
  }
  add(user.id)
  if (user.name) add(nameWithoutCredentials(user.name))
  if (user.email) {
    add(user.email)
    add(user.email.split('@')[0])
  }
  return keys
}

function keysOfClinician(clinician: ClinicianOption): Set<string> {
  const keys = new Set<string>()
  if (clinician.handle) keys.add(normalizeForMatch(clinician.handle))
  if (clinician.name) keys.add(normalizeForMatch(nameWithoutCredentials(clinician.name)))
  keys.delete('')
  return keys
}

/**
 * The one clinician whose name or handle matches the user's name, email (or its local part) or
 * id, compared without case, accents, spaces or punctuation. `undefined` when none or more than
 * one match: the action then asks the editor to choose, rather than guessing a medical reviewer.
 */
export function matchClinician(
  user: StudioUserLike | null | undefined,
  clinicians: readonly ClinicianOption[],
): ClinicianOption | undefined {
  if (!user) return undefined
  const userKeys = keysOfUser(user)
  const matches = clinicians.filter((clinician) => {
    for (const key of keysOfClinician(clinician)) if (userKeys.has(key)) return true
    return false
  })
  return matches.length === 1 ? matches[0] : undefined
}

/** "Kellie Gomia, PT, DPT" for lists and messages. */
export function clinicianLabel(clinician: ClinicianOption): string {
  const name = clinician.name?.trim() || clinician.handle || clinician._id
  const credentials = (clinician.credentials ?? []).filter(Boolean)
  return credentials.length && !name.includes(',') ? `${name}, ${credentials.join(', ')}` : name
}
