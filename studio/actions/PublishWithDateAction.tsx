// Publish for articles that stamps `publishedAt` on the first publish. The date is when the
// editor published, not when the draft was created; an editor who set a date keeps it.
import type { DocumentActionComponent, DocumentActionProps } from 'sanity'
import { useDocumentOperation } from 'sanity'

/** One wrapper per original action, so every resolve returns the same component (hook state stays). */
const wrappers = new WeakMap<DocumentActionComponent, DocumentActionComponent>()

/** Wraps the Studio's own Publish action (its validation, shortcuts and states stay). */
export function withPublishedAtOnFirstPublish(publish: DocumentActionComponent): DocumentActionComponent {
  const known = wrappers.get(publish)
  if (known) return known
  // biome-ignore lint/correctness/noComponentHookFactories: Sanity's way to extend a built-in action; cached above
  const PublishWithDate: DocumentActionComponent = (props: DocumentActionProps) => {
    const { patch } = useDocumentOperation(props.id, props.type)
    const description = publish(props)
    if (!description) return description
    const onHandle = description.onHandle
    return {
      ...description,
      onHandle: () => {
        const current = props.draft?.publishedAt ?? props.published?.publishedAt
        // The patch reaches the draft before the publish reads it: both go through one document pair.
        if (!current) patch.execute([{ setIfMissing: { publishedAt: new Date().toISOString() } }])
        onHandle?.()
      },
    }
  }
  PublishWithDate.action = publish.action
  PublishWithDate.displayName = 'PublishWithDateAction'
  wrappers.set(publish, PublishWithDate)
  return PublishWithDate
}
