// Unpublish from the draft view. The Studio's own Unpublish only shows in the Published view,
// where the form then turns into an empty "Untitled" document: editors work in the draft view and
// never found it. This one shows wherever the document is published (not inside a release), keeps
// the editor's draft (the lake copies the published document to a draft when there is none) and
// asks first. The lake refuses to unpublish a document other published documents reference; the
// refusal names them, and the Studio shows it as the action's error.
import { UnpublishIcon } from '@sanity/icons'
import type { DocumentActionComponent, DocumentActionProps } from 'sanity'
import { useDocumentOperation } from 'sanity'
import { useState } from 'react'

export const UnpublishFromDraftAction: DocumentActionComponent = (props: DocumentActionProps) => {
  const { unpublish } = useDocumentOperation(props.id, props.type)
  const [confirming, setConfirming] = useState(false)
  if (props.release || props.liveEdit || !props.published) return null
  const title = typeof props.published.title === 'string' ? props.published.title : 'this document'
  return {
    tone: 'critical',
    icon: UnpublishIcon,
    label: 'Unpublish',
    disabled: Boolean(unpublish.disabled),
    title: unpublish.disabled ? 'This document cannot be unpublished now' : 'Remove from the site and partner feeds',
    onHandle: () => setConfirming(true),
    dialog: confirming
      ? {
          type: 'confirm',
          tone: 'critical',
          message: `Unpublish "${title}"? It disappears from the website, the API and partner feeds. Your draft is kept, so you can publish it again later.`,
          onCancel: () => setConfirming(false),
          onConfirm: () => {
            setConfirming(false)
            unpublish.execute()
            props.onComplete()
          },
        }
      : null,
  }
}
UnpublishFromDraftAction.action = 'unpublish'
UnpublishFromDraftAction.displayName = 'UnpublishFromDraftAction'
