// Document views: the form everywhere, plus "Preview" for types that have a page on the site.
import { EyeOpenIcon } from '@sanity/icons'
import type { DefaultDocumentNodeResolver } from 'sanity/structure'
import { PREVIEWABLE_TYPES } from './previewUrl.js'
import { PreviewPane } from './PreviewPane.js'

export const defaultDocumentNode: DefaultDocumentNodeResolver = (S, { schemaType }) =>
  PREVIEWABLE_TYPES.has(schemaType)
    ? S.document().views([
        S.view.form(),
        S.view.component(PreviewPane).id('preview').title('Preview').icon(EyeOpenIcon),
      ])
    : S.document().views([S.view.form()])
