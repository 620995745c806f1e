// FHIR R4 validation for the tests: the `fhir` npm package's validator (FHIR.js, R4 4.0.x
// StructureDefinitions and value sets shipped in the package: unknown elements, required elements,
// required-binding codes) plus a strict pass over the same R4 definitions for what that validator
// does not check: JSON types of every element, singletons vs arrays, and every primitive value
// against the R4 specification's regular expression anchored to the whole value (FHIR.js tests
// unanchored patterns and skips instant, uri, url, string, base64Binary and unsignedInt).
import fhirPackage from 'fhir'

interface ParsedProperty {
  _name: string
  _type: string
  _multiple?: boolean
  _required?: boolean | null
  _properties?: ParsedProperty[]
}
interface ParsedDefinition {
  _kind?: string
  _properties: ParsedProperty[]
}

const fhir = new fhirPackage.Fhir()
const definitions = (fhir.parser as unknown as { parsedStructureDefinitions: Record<string, ParsedDefinition> })
  .parsedStructureDefinitions

/** The R4 primitive types' regular expressions (http://hl7.org/fhir/R4/datatypes.html), whole-value. */
const PRIMITIVES: Record<string, { json: 'string' | 'number' | 'boolean'; pattern?: RegExp }> = {
  boolean: { json: 'boolean' },
  integer: { json: 'number', pattern: /^-?([0]|([1-9][0-9]*))$/ },
  unsignedInt: { json: 'number', pattern: /^([0]|([1-9][0-9]*))$/ },
  positiveInt: { json: 'number', pattern: /^\+?[1-9][0-9]*$/ },
  decimal: { json: 'number', pattern: /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/ },
  string: { json: 'string', pattern: /^[\s\S]*\S[\s\S]*$/ },
  markdown: { json: 'string', pattern: /^[\s\S]*\S[\s\S]*$/ },
  xhtml: { json: 'string' },
  code: { json: 'string', pattern: /^[^\s]+( [^\s]+)*$/ },
  id: { json: 'string', pattern: /^[A-Za-z0-9\-.]{1,64}$/ },
  uri: { json: 'string', pattern: /^\S*$/ },
  url: { json: 'string', pattern: /^\S+$/ },
  canonical: { json: 'string', pattern: /^\S+$/ },
  oid: { json: 'string', pattern: /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/ },
  uuid: { json: 'string', pattern: /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ },
  base64Binary: { json: 'string', pattern: /^(\s*([0-9a-zA-Z+/=]){4}\s*)+$/ },
  date: {
    json: 'string',
    pattern: /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$/,
  },
  dateTime: {
    json: 'string',
    pattern:
      /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$/,
  },
  instant: {
    json: 'string',
    pattern:
      /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$/,
  },
  time: { json: 'string', pattern: /^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?$/ },
}

function propertiesOf(type: string, resourceType: string): ParsedProperty[] | null {
  if (type.startsWith('#')) {
    // A content reference (`#Bundle.link`): the properties of that backbone element.
    const [root, ...path] = type.slice(1).split('.')
    let props: ParsedProperty[] | null = definitions[root!]?._properties ?? null
    for (const step of path) props = props?.find((p) => p._name === step)?._properties ?? null
    return props
  }
  return (
    definitions[type]?._properties ?? (type === 'Resource' ? (definitions[resourceType]?._properties ?? null) : null)
  )
}

function strict(value: unknown, props: ParsedProperty[], path: string, issues: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push(`${path}: expected an object`)
    return
  }
  const record = value as Record<string, unknown>
  for (const [key, child] of Object.entries(record)) {
    if (key === 'resourceType') continue
    const prop = props.find((p) => p._name === key)
    if (!prop) {
      issues.push(`${path}.${key}: not an element of R4`)
      continue
    }
    const items = prop._multiple ? child : [child]
    if (prop._multiple && (!Array.isArray(child) || child.length === 0)) {
      issues.push(`${path}.${key}: must be a non-empty array`)
      continue
    }
    if (!prop._multiple && Array.isArray(child)) {
      issues.push(`${path}.${key}: must not be an array`)
      continue
    }
    ;(items as unknown[]).forEach((item, i) => {
      const at = prop._multiple ? `${path}.${key}[${i}]` : `${path}.${key}`
      if (item === null || item === undefined) {
        issues.push(`${at}: null is not allowed`)
        return
      }
      const primitive = PRIMITIVES[prop._type]
      if (primitive) {
        if (typeof item !== primitive.json) issues.push(`${at}: ${prop._type} must be a JSON ${primitive.json}`)
        else if (primitive.pattern && !primitive.pattern.test(String(item)))
          issues.push(`${at}: "${String(item).slice(0, 60)}" is not a valid ${prop._type}`)
        return
      }
      if (prop._type === 'Resource') {
        const inner = item as { resourceType?: string }
        const innerProps = inner.resourceType ? definitions[inner.resourceType]?._properties : undefined
        if (!innerProps) issues.push(`${at}: unknown resourceType ${String(inner.resourceType)}`)
        else strict(item, innerProps, `${at}(${inner.resourceType})`, issues)
        return
      }
      const inner = prop._properties?.length ? prop._properties : propertiesOf(prop._type, '')
      if (!inner) {
        issues.push(`${at}: unknown type ${prop._type}`)
        return
      }
      strict(item, inner, at, issues)
    })
  }
  for (const prop of props) {
    if (prop._required && !(prop._name in record)) issues.push(`${path}.${prop._name}: required`)
  }
}

/** Every problem with `resource` as an R4 resource (empty when valid). */
export function r4Problems(resource: unknown): string[] {
  const issues: string[] = []
  const response = fhir.validate(resource as object, { errorOnUnexpected: true })
  for (const message of response.messages) {
    if (message.severity === 'error' || message.severity === 'fatal')
      issues.push(`fhir: ${message.location ?? ''}: ${message.message ?? ''}`)
  }
  const type = (resource as { resourceType?: string }).resourceType
  const props = type ? definitions[type]?._properties : undefined
  if (!props) issues.push(`unknown resourceType ${String(type)}`)
  else strict(resource, props, type!, issues)
  return issues
}
