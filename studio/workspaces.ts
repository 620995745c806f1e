// The Studio's workspaces: the local Content Lake (default, signed in with a local editor token)
// and, when SANITY_STUDIO_PROJECT_ID and SANITY_STUDIO_DATASET are set, the hosted project
// (ready for `sanity deploy`). See runtimeConfig.ts for where the values come from.
import type { SchemaTypeDefinition, WorkspaceOptions } from 'sanity'
import { DatabaseIcon, EarthGlobeIcon } from '@sanity/icons'
import { clinicStudio } from './plugin.js'
import type { StudioRuntimeConfig } from './runtimeConfig.js'

export const STUDIO_TITLE = 'Dynamic Physical Therapy & Wellness'

/**
 * Features of the local workspace that need sanity.io's hosted services and cannot work with
 * only the local lake, switched off so that the Studio sends no request off the machine and
 * shows no control that can only fail: Canvas (sanity.io's AI writing app), the Media Library
 * (an organisation-wide asset service), the "Start in Create" flow, sanity.io's product
 * announcements, and the legacy Scheduled Publishing plugin (scheduling is done with releases).
 * The hosted workspace keeps them.
 */
const OFFLINE_FEATURES = {
  apps: { canvas: { enabled: false } },
  mediaLibrary: { enabled: false },
  announcements: { enabled: false },
  beta: { create: { startInCreateEnabled: false } },
  scheduledPublishing: { enabled: false },
} satisfies Partial<WorkspaceOptions>

export function clinicWorkspaces(config: StudioRuntimeConfig, schemaTypes: SchemaTypeDefinition[]): WorkspaceOptions[] {
  const workspaces: WorkspaceOptions[] = []
  if (config.localWorkspace) {
    workspaces.push({
      name: 'local',
      title: STUDIO_TITLE,
      subtitle: 'Local content lake',
      icon: DatabaseIcon,
      basePath: '/local',
      projectId: config.lakeProjectId,
      dataset: config.lakeDataset,
      // The Studio calls https://<projectId>.localhost:<port>; the lake answers over HTTP/2.
      apiHost: config.lakeUrl,
      // No sanity.io login offline: the Studio reads a local editor token from localStorage
      // (`npm start` prints a sign-in link that stores it; see platform/studio-server.ts).
      auth: { loginMethod: 'token', apiHost: config.lakeUrl },
      schema: { types: schemaTypes },
      plugins: [clinicStudio()],
      ...OFFLINE_FEATURES,
    })
  }
  if (config.hosted) {
    workspaces.push({
      name: 'hosted',
      title: STUDIO_TITLE,
      subtitle: `Hosted: ${config.hosted.projectId}/${config.hosted.dataset}`,
      icon: EarthGlobeIcon,
      basePath: '/hosted',
      projectId: config.hosted.projectId,
      dataset: config.hosted.dataset,
      schema: { types: schemaTypes },
      plugins: [clinicStudio()],
    })
  }
  if (workspaces.length === 0) {
    throw new Error(
      'No Studio workspace is configured: the local lake workspace is off (SANITY_STUDIO_LOCAL_LAKE=false or a ' +
        'non-local host) and SANITY_STUDIO_PROJECT_ID/SANITY_STUDIO_DATASET are not both set. Set them to use a hosted project.',
    )
  }
  return workspaces
}
