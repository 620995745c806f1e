// ICD-10-CM codes, as conditions carry them (`condition.icd10Codes`) and as the API looks them up.
//
// Pure and browser-safe: no Node imports, no I/O.

/** A letter, two characters (a digit, then a digit or letter), optionally a dot and 1-4 more: "M77.1". */
const ICD10_CM = /^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$/

/** Whether `code` is an ICD-10-CM code exactly as stored (capitals, with its dot). */
export function isIcd10Code(code: string): boolean {
  return ICD10_CM.test(code)
}

/**
 * The code as stored, from how people type it: case, spaces and a missing dot ("m771" -> "M77.1");
 * null when it cannot be a code.
 */
export function toIcd10Code(input: string): string | null {
  const compact = String(input).trim().toUpperCase().replace(/\s+/g, '')
  const dotted = !compact.includes('.') && compact.length > 3 ? `${compact.slice(0, 3)}.${compact.slice(3)}` : compact
  return isIcd10Code(dotted) ? dotted : null
}
