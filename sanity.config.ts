// The Studio configuration: the editors' workspaces (studio/workspaces.ts) over the content model
// (schemas/). Everything Studio-specific lives in studio/; this file only wires it up.
import { defineConfig } from 'sanity'
import { schemaTypes } from './schemas/index.js'
import { runtimeConfig } from './studio/runtimeConfig.js'
import { clinicWorkspaces } from './studio/workspaces.js'

export default defineConfig(clinicWorkspaces(runtimeConfig, schemaTypes))
