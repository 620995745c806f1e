// Everything the editors' Studio adds to a workspace, as one plugin: structure, document
// views, templates, actions, badges, the readability input, translations, Presentation and Vision.
import { definePlugin } from 'sanity'
import { structureTool } from 'sanity/structure'
import { visionTool } from '@sanity/vision'
import { STUDIO_API_VERSION } from './constants.js'
import { resolveDocumentActions, resolveDocumentBadges, resolveNewDocumentOptions } from './documentOptions.js'
import { defaultDocumentNode } from './preview/documentViews.js'
import { clinicPresentationTool } from './presentation/tool.js'
import { previewUrlFor } from './preview/previewUrl.js'
import { ReadabilityInput } from './readability/ReadingGrade.js'
import { runtimeConfig } from './runtimeConfig.js'
import { structure } from './structure/index.js'
import { resolveTemplates } from './templates.js'
import { translationsPlugin } from './translation/plugin.js'

export const clinicStudio = definePlugin({
  name: 'clinic-studio',
  plugins: [
    structureTool({ name: 'content', title: 'Content', structure, defaultDocumentNode }),
    // The pages in a frame beside the form, showing the draft, with click-to-edit overlays.
    clinicPresentationTool(runtimeConfig),
    // Vision: the GROQ playground for developers.
    visionTool({ name: 'vision', title: 'Vision', defaultApiVersion: STUDIO_API_VERSION }),
    translationsPlugin(),
  ],
  schema: { templates: resolveTemplates },
  document: {
    actions: resolveDocumentActions,
    badges: resolveDocumentBadges,
    newDocumentOptions: resolveNewDocumentOptions,
    // "Open preview" in the document menu, next to the Preview view.
    productionUrl: async (previous, { document }) =>
      previewUrlFor(
        { _type: document._type, slug: (document as { slug?: { current?: string } }).slug },
        runtimeConfig.previewUrl,
      ) ?? previous,
  },
  form: { components: { input: ReadabilityInput } },
})
