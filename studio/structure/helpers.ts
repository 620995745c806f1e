// Small helpers the structure sections share.
import type { ComponentType, ReactNode } from 'react'
import type { StructureResolverContext } from 'sanity/structure'

type Icon = ComponentType | ReactNode

/** The schema type's own icon (schemas/ sets one per document type), or a fallback. */
export function typeIcon(context: StructureResolverContext, typeName: string, fallback: ComponentType): Icon {
  return context.schema.get(typeName)?.icon ?? fallback
}

/** The schema type's title ("Care instruction"), or the type name. */
export function typeTitle(context: StructureResolverContext, typeName: string): string {
  return context.schema.get(typeName)?.title ?? typeName
}

export interface ListOption {
  value: string
  title: string
}

function titleCase(value: string): string {
  return value
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(' / ')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/**
 * The `options.list` of a string field (`condition.bodyRegion`, `careInstruction.phase`) as
 * `{value, title}` pairs, read from the schema so the Studio never keeps its own copy; the
 * fallback values (docs/content-model.md) are used only when the schema has no list.
 */
export function fieldOptions(
  context: StructureResolverContext,
  typeName: string,
  fieldName: string,
  fallbackValues: readonly string[],
): ListOption[] {
  const type = context.schema.get(typeName)
  const fields: unknown = type && 'fields' in type ? type.fields : undefined
  const field = Array.isArray(fields) ? fields.find((f: unknown) => isRecord(f) && f.name === fieldName) : undefined
  const fieldType: unknown = isRecord(field) ? field.type : undefined
  const options: unknown = isRecord(fieldType) ? fieldType.options : undefined
  const list: unknown = isRecord(options) ? options.list : undefined
  if (Array.isArray(list) && list.length > 0) {
    const parsed: ListOption[] = []
    for (const item of list) {
      if (typeof item === 'string') parsed.push({ value: item, title: titleCase(item) })
      else if (isRecord(item) && typeof item.value === 'string') {
        parsed.push({ value: item.value, title: typeof item.title === 'string' ? item.title : titleCase(item.value) })
      }
    }
    if (parsed.length > 0) return parsed
  }
  return fallbackValues.map((value) => ({ value, title: titleCase(value) }))
}
