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
