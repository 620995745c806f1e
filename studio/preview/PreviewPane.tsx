// "Preview" document view: the document's page as the delivery server renders it, in a frame,
// with a link to open it in a new tab. The delivery serves published content, so the pane says
// when the document has unpublished changes that the page does not show yet.
import { useState } from 'react'
import { LaunchIcon, RefreshIcon } from '@sanity/icons'
import { Box, Button, Card, Flex, Stack, Text } from '@sanity/ui'
import type { UserViewComponent } from 'sanity/structure'
import { runtimeConfig } from '../runtimeConfig.js'
import { previewUrlFor, type PreviewTarget } from './previewUrl.js'

function asTarget(doc: unknown): PreviewTarget | null {
  return typeof doc === 'object' && doc !== null ? (doc as PreviewTarget) : null
}

export const PreviewPane: UserViewComponent = ({ document }) => {
  const [reloads, setReloads] = useState(0)
  const published = asTarget(document.published)
  const displayed = asTarget(document.displayed)
  const url = previewUrlFor(published, runtimeConfig.previewUrl)

  if (!url) {
    const draftUrl = previewUrlFor(displayed, runtimeConfig.previewUrl)
    return (
      <Card padding={4} tone="transparent" height="fill" data-testid="preview-unavailable">
        <Text size={1}>
          {draftUrl
            ? 'This document is not published yet, so it has no page on the site. Publish it to preview it here.'
            : 'There is nothing to preview yet: give the document a slug and publish it.'}
        </Text>
      </Card>
    )
  }

  return (
    <Flex direction="column" height="fill" data-testid="preview-pane">
      <Card padding={2} borderBottom>
        <Stack space={2}>
          <Flex align="center" gap={2}>
            <Box flex={1} paddingLeft={1}>
              <Text size={1} muted textOverflow="ellipsis">
                {url}
              </Text>
            </Box>
            <Button
              mode="bleed"
              icon={RefreshIcon}
              title="Reload the preview"
              onClick={() => setReloads((n) => n + 1)}
            />
            <Button
              as="a"
              href={url}
              target="_blank"
              rel="noopener noreferrer"
              mode="ghost"
              icon={LaunchIcon}
              text="Open in new tab"
              data-testid="preview-open"
            />
          </Flex>
          {document.draft ? (
            <Card padding={2} radius={2} tone="caution">
              <Text size={1}>This shows the published version. Publish your changes to see them on the page.</Text>
            </Card>
          ) : null}
        </Stack>
      </Card>
      <Box flex={1}>
        <iframe
          key={reloads}
          title="Page preview"
          src={url}
          style={{ border: 0, width: '100%', height: '100%', display: 'block' }}
          data-testid="preview-frame"
        />
      </Box>
    </Flex>
  )
}
