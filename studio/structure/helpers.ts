// Small helpers the structure sections share.
import { ActivityIcon, BookIcon } from '@sanity/icons'
import type { ComponentType, ReactNode } from 'react'
import type { DocumentListBuilder, ListItemBuilder, StructureBuilder, StructureResolverContext } from 'sanity/structure'

type Icon = ComponentType | ReactNode

/** The schema type's own icon (schemas/ sets one per document type), or a fallback. */
export function typeIcon(context: StructureResolverContext, typeName: string, fallback: ComponentType): Icon {
  return context.schema.get(typeName)?.icon ?? fallback
}

/** The schema type's title ("Care instruction"), or the type name. */
export function typeTitle(context: StructureResolverContext, typeName: string): string {
  return context.schema.get(typeName)?.title ?? typeName
}

const TOPICS = {
  treatment: { id: 'by-treatment', title: 'By treatment', icon: ActivityIcon },
  condition: { id: 'by-condition', title: 'By condition', icon: BookIcon },
} as const

/**
 * "By treatment" / "By condition": the topic's documents by name, each opening `child(S, id)`
 * (the documents about that one treatment or condition).
 */
export function byTopic(
  S: StructureBuilder,
  context: StructureResolverContext,
  topic: keyof typeof TOPICS,
  listTitle: string,
  child: (S: StructureBuilder, topicId: string) => DocumentListBuilder,
): ListItemBuilder {
  const { id, title, icon } = TOPICS[topic]
  return S.listItem()
    .id(id)
    .title(title)
    .icon(typeIcon(context, topic, icon))
    .child(
      S.documentTypeList(topic)
        .id(id)
        .title(listTitle)
        .defaultOrdering([{ field: 'name', direction: 'asc' }])
        .child((topicId: string) => child(S, topicId)),
    )
}
