// The reading grade of an article's body, shown above the Portable Text editor while the editor
// writes, computed by the same code delivery uses (model/readability.ts).
import { useDeferredValue, useMemo } from 'react'
import { CheckmarkCircleIcon, WarningOutlineIcon } from '@sanity/icons'
import { Card, Flex, Stack, Text } from '@sanity/ui'
import { isArrayOfBlocksInputProps, useFormValue, type InputProps } from 'sanity'
import { analyseReadability, GRADE_WARNING_THRESHOLD, type Readability } from '../../model/readability.js'

/** The words an editor reads in the status line, e.g. "Reading grade 7.2 · 850 words · 5 min read". */
export function describeReadability(r: Readability): {
  tone: 'positive' | 'caution' | 'default'
  summary: string
  advice: string | null
} {
  if (r.words === 0) {
    return { tone: 'default', summary: 'Reading grade: write some text to see it.', advice: null }
  }
  const summary = `Reading grade ${r.grade.toFixed(1)} · ${r.words} words · ${r.readingTimeMinutes} min read`
  if (r.aboveGradeTarget) {
    return {
      tone: 'caution',
      summary,
      advice: `Above grade ${GRADE_WARNING_THRESHOLD}: patient education should be easy to read. Use shorter sentences and everyday words (e.g. "pain" rather than "discomfort").`,
    }
  }
  return { tone: 'positive', summary, advice: null }
}

export function ReadingGradeStatus({ value }: { value: unknown }) {
  const deferred = useDeferredValue(value)
  const readability = useMemo(() => analyseReadability(deferred), [deferred])
  const { tone, summary, advice } = describeReadability(readability)
  return (
    <Card
      padding={3}
      radius={2}
      tone={tone}
      border
      data-testid="reading-grade"
      data-grade={readability.words > 0 ? readability.grade : ''}
      data-warning={readability.aboveGradeTarget ? 'true' : 'false'}
    >
      <Flex gap={3} align="flex-start">
        <Text size={1}>{readability.aboveGradeTarget ? <WarningOutlineIcon /> : <CheckmarkCircleIcon />}</Text>
        <Stack space={2} flex={1}>
          <Text size={1} weight="medium">
            {summary}
          </Text>
          {advice ? (
            <Text size={1} muted>
              {advice}
            </Text>
          ) : null}
        </Stack>
      </Flex>
    </Card>
  )
}

function ArticleBodyWithGrade(props: InputProps) {
  const documentType = useFormValue(['_type'])
  if (documentType !== 'article') return props.renderDefault(props)
  return (
    <Stack space={3}>
      <ReadingGradeStatus value={props.value} />
      {props.renderDefault(props)}
    </Stack>
  )
}

/** Form input hook: wraps the article's top-level `body` field; every other input is untouched. */
export function ReadabilityInput(props: InputProps) {
  const isBody = props.path.length === 1 && props.path[0] === 'body' && isArrayOfBlocksInputProps(props)
  return isBody ? <ArticleBodyWithGrade {...props} /> : props.renderDefault(props)
}
