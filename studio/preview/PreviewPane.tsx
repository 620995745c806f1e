// "Preview" document view: the document's page as the delivery server renders it, with the
// draft, in a frame, with a link to the published page in a new tab.
//
// The frame goes through delivery's preview mode, the same flow as the Presentation tool: a
// short-lived secret written to the dataset (`@sanity/preview-url-secret`), checked by delivery,
// which then sets its preview cookie and shows the page with drafts. The frame reloads a moment
// after the draft stops changing (the Studio saves edits about once a second).
import { useEffect, useState } from 'react'
import { LaunchIcon, RefreshIcon } from '@sanity/icons'
import { Box, Button, Card, Flex, Stack, Text } from '@sanity/ui'
import { useClient, useCurrentUser, useWorkspace } from 'sanity'
import type { UserViewComponent } from 'sanity/structure'
import { createPreviewSecret } from '@sanity/preview-url-secret/create-secret'
import { STUDIO_API_VERSION } from '../constants.js'
import { PREVIEW_MODE } from '../presentation/routes.js'
import { runtimeConfig } from '../runtimeConfig.js'
import { draftPreviewUrlFor, previewUrlFor, type PreviewTarget } from './previewUrl.js'

/** How long after the last change of the draft the frame reloads (edits are saved about every 1 s). */
const RELOAD_AFTER_EDIT_MS = 1_200
/** A secret lives an hour in the dataset; a new one is made this long before it expires. */
const SECRET_MARGIN_MS = 5 * 60_000

function asTarget(doc: unknown): PreviewTarget | null {
  return typeof doc === 'object' && doc !== null ? (doc as PreviewTarget) : null
}

type SecretState = { secret: string } | { error: string } | null

// One secret per Studio tab, reused while it is valid: a new secret document per opened pane would
// only fill the dataset (the library deletes expired ones when it writes a new one).
let shared: { key: string; secret: string; expiresAt: number } | null = null
let pending: { key: string; promise: Promise<string> } | null = null

function usePreviewSecret(): SecretState {
  const client = useClient({ apiVersion: STUDIO_API_VERSION })
  const user = useCurrentUser()
  const { basePath, projectId, dataset } = useWorkspace()
  const key = `${projectId}/${dataset}/${user?.id ?? ''}`
  const [state, setState] = useState<SecretState>(() =>
    shared && shared.key === key && shared.expiresAt - SECRET_MARGIN_MS > Date.now() ? { secret: shared.secret } : null,
  )
  useEffect(() => {
    if (state && 'secret' in state) return
    let cancelled = false
    if (!pending || pending.key !== key) {
      const studioUrl = `${window.location.origin}${basePath}`
      const promise = createPreviewSecret(client, 'clinic-preview-pane', studioUrl, user?.id).then((created) => {
        shared = { key, secret: created.secret, expiresAt: created.expiresAt.getTime() }
        return created.secret
      })
      promise.finally(() => {
        if (pending?.promise === promise) pending = null
      })
      pending = { key, promise }
    }
    pending.promise.then(
      (secret) => !cancelled && setState({ secret }),
      (error: unknown) =>
        !cancelled &&
        setState({
          error: `The preview could not be started: ${error instanceof Error ? error.message : String(error)}`,
        }),
    )
    return () => {
      cancelled = true
    }
  }, [client, basePath, key, user?.id, state])
  return state
}

/** `value`, once it has stayed the same for `delayMs`. */
function useSettled<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs)
    return () => clearTimeout(timer)
  }, [value, delayMs])
  return settled
}

export const PreviewPane: UserViewComponent = ({ document }) => {
  const [reloads, setReloads] = useState(0)
  const secret = usePreviewSecret()
  const displayed = asTarget(document.displayed)
  const publishedUrl = previewUrlFor(asTarget(document.published), runtimeConfig.previewUrl)
  const settledRev = useSettled((document.displayed as { _rev?: string } | undefined)?._rev ?? '', RELOAD_AFTER_EDIT_MS)

  if (!previewUrlFor(displayed, runtimeConfig.previewUrl)) {
    return (
      <Card padding={4} tone="transparent" height="fill" data-testid="preview-unavailable">
        <Text size={1}>There is nothing to preview yet: give the document a valid slug to give it a page.</Text>
      </Card>
    )
  }
  if (!secret || 'error' in secret) {
    return (
      <Card padding={4} tone={secret ? 'critical' : 'transparent'} height="fill" data-testid="preview-starting">
        <Text size={1}>{secret ? secret.error : 'Starting the preview…'}</Text>
      </Card>
    )
  }
  const url = draftPreviewUrlFor(displayed, runtimeConfig.previewUrl, PREVIEW_MODE.enable, secret.secret)
  return (
    <Flex direction="column" height="fill" data-testid="preview-pane">
      <Card padding={2} borderBottom>
        <Stack space={2}>
          <Flex align="center" gap={2}>
            <Box flex={1} paddingLeft={1}>
              <Text size={1} muted textOverflow="ellipsis">
                {previewUrlFor(displayed, runtimeConfig.previewUrl)}
              </Text>
            </Box>
            <Button
              mode="bleed"
              icon={RefreshIcon}
              title="Reload the preview"
              onClick={() => setReloads((n) => n + 1)}
            />
            {publishedUrl ? (
              <Button
                as="a"
                href={publishedUrl}
                target="_blank"
                rel="noopener noreferrer"
                mode="ghost"
                icon={LaunchIcon}
                text="Open published page"
                data-testid="preview-open"
              />
            ) : null}
          </Flex>
          {document.draft ? (
            <Card padding={2} radius={2} tone="primary" data-testid="preview-draft-note">
              <Text size={1}>
                This shows your unpublished changes. Patients see the published version until you publish.
              </Text>
            </Card>
          ) : null}
        </Stack>
      </Card>
      <Box flex={1}>
        <iframe
          key={`${reloads}:${settledRev}`}
          title="Page preview"
          src={url ?? undefined}
          style={{ border: 0, width: '100%', height: '100%', display: 'block' }}
          data-testid="preview-frame"
        />
      </Box>
    </Flex>
  )
}
