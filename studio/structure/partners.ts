// Partner clinics that syndicate the articles: active ones first.
//
// A partner document holds contact e-mails and webhook URLs, so it lives at a private id,
// `syndication.partner.<partnerId>` (dotted ids are never readable without a token; signed-in
// editors read and edit them as usual). The Studio would give a new document a random root id,
// readable by anyone once published: the list's child resolver turns the id the Studio picks for
// a new partner into its private id before the editor opens, so it is private from its first draft.
import { ShareIcon } from '@sanity/icons'
import type { ListItemBuilder, StructureBuilder, StructureResolverContext } from 'sanity/structure'
import { typeIcon } from './helpers.js'

/** Must equal PARTNER_ID_PREFIX of delivery/syndication/partners.ts (the Studio does not import delivery). */
export const PARTNER_DOCUMENT_PREFIX = 'syndication.partner.'

/** The private document id for an id the Studio hands the editor pane. */
export function partnerDocumentId(id: string): string {
  const bare = id.replace(/^drafts\./, '')
  return bare.startsWith(PARTNER_DOCUMENT_PREFIX) ? bare : `${PARTNER_DOCUMENT_PREFIX}${bare}`
}

export function partnersSection(S: StructureBuilder, context: StructureResolverContext): ListItemBuilder {
  return S.listItem()
    .id('partners')
    .title('Partners')
    .icon(typeIcon(context, 'partner', ShareIcon))
    .schemaType('partner')
    .child(
      S.documentTypeList('partner')
        .id('partners')
        .title('Partners')
        .defaultOrdering([
          { field: 'status', direction: 'asc' },
          { field: 'name', direction: 'asc' },
        ])
        .child((id) => S.document().schemaType('partner').documentId(partnerDocumentId(id))),
    )
}
