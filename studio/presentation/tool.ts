// The Presentation tool: the clinic's pages, as delivery renders them in preview mode, in a frame
// beside the form, with click-to-edit overlays (delivery's /preview/visual-editing.js) and a
// reload of the frame whenever the open draft changes.
//
// The frame opens delivery's enable route with a short-lived secret the Studio writes to the
// dataset (`@sanity/preview-url-secret`); delivery checks it there, sets its preview cookie and
// redirects to the page, which then shows drafts. Offline this is the same flow as hosted: the
// secret document lives in the local lake, and delivery's URL is the runtime `previewUrl`.
import { map } from 'rxjs'
import type { DocumentLocationResolver } from 'sanity/presentation'
import { presentationTool } from 'sanity/presentation'
import { getDraftId, getPublishedId } from 'sanity'
import { STUDIO_API_VERSION } from '../constants.js'
import type { StudioRuntimeConfig } from '../runtimeConfig.js'
import { hasLocations, LOCATIONS, type LocationsResult, locationsOf, MAIN_DOCUMENTS, PREVIEW_MODE } from './routes.js'

/** Where a document is shown, kept current as the document and the pages listing it change. */
const resolveLocations: DocumentLocationResolver = ({ id, type, perspectiveStack }, { documentStore }) => {
  if (!hasLocations(type)) return null
  return documentStore
    .listenQuery(
      LOCATIONS,
      { id: getPublishedId(id), draftId: getDraftId(id) },
      { perspective: perspectiveStack, apiVersion: STUDIO_API_VERSION, tag: 'clinic.presentation.locations' },
    )
    .pipe(map((result: LocationsResult | null) => locationsOf(type, result)))
}

export function clinicPresentationTool(config: Pick<StudioRuntimeConfig, 'previewUrl'>) {
  return presentationTool({
    name: 'presentation',
    title: 'Presentation',
    previewUrl: {
      initial: config.previewUrl,
      previewMode: { enable: PREVIEW_MODE.enable, disable: PREVIEW_MODE.disable },
    },
    resolve: { mainDocuments: MAIN_DOCUMENTS, locations: resolveLocations },
  })
}
