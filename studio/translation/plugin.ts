// English and Spanish versions of patient education with Sanity's document-internationalization
// plugin: documents of their own, linked by a translation.metadata document (model/languages.ts).
// Its references stay weak until a translation is published, so an unpublished draft never blocks
// deleting anything. `npm run validate` loads the same plugin, so it knows the metadata type.
import { documentInternationalization } from '@sanity/document-internationalization'
import { LANGUAGES, TRANSLATABLE_TYPES } from '../../model/languages.js'
import { STUDIO_API_VERSION } from '../constants.js'

export const translationsPlugin = () =>
  documentInternationalization({
    supportedLanguages: LANGUAGES.map((l) => ({ id: l.id, title: l.title })),
    schemaTypes: [...TRANSLATABLE_TYPES],
    languageField: 'language',
    apiVersion: STUDIO_API_VERSION,
    // No "English Article" / "Español Article" create templates: a new document is English (the
    // field's initial value) and a translation is made from its source with the Translations
    // menu, so it is linked and copied from the start. The create menus stay one item per type.
    addTemplates: false,
  })
