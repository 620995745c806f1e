// The reading grade of an article's body, shown above the Portable Text editor while the editor
// writes: the grade against the clinic's target (clinic settings, default 8) and the hardest
// sentences above it, each highlighted in its paragraph with why it is hard (long sentence, long
// words). Computed by the pure modules every layer shares (model/readability.ts,
// model/readingLevel.ts), so the Studio, `npm run validate` and the API agree.
import { type ReactNode, useDeferredValue, useEffect, useMemo, useState } from 'react'
import { CheckmarkCircleIcon, WarningOutlineIcon } from '@sanity/icons'
import { Box, Card, Flex, Stack, Text } from '@sanity/ui'
import { isArrayOfBlocksInputProps, useClient, useFormValue, type InputProps } from 'sanity'
import { analyseReadability, GRADE_WARNING_THRESHOLD, type Readability } from '../../model/readability.js'
import { analyseReadingLevel, type ParagraphLevel, type SentenceLevel } from '../../model/readingLevel.js'
import { analyseSpanishReadability, INFLESZ_BANDS, INFLESZ_TARGET } from '../../model/readability-es.js'
import { languageOf } from '../../model/languages.js'
import {
  READING_GRADE_SETTINGS_QUERY,
  readingGradeSettings,
  type ReadingGradeSettings,
} from '../../schemas/readingGrade.js'
import { SINGLETONS, STUDIO_API_VERSION } from '../constants.js'

/** How many of the hardest sentences the panel lists. */
const HARDEST_SHOWN = 3

/** The words an editor reads in the status line, e.g. "Reading grade 7.2 · 850 words · 5 min read". */
export function describeReadability(
  r: Readability,
  targetGrade: number = GRADE_WARNING_THRESHOLD,
): {
  tone: 'positive' | 'caution' | 'default'
  summary: string
  advice: string | null
} {
  if (r.words === 0) {
    return { tone: 'default', summary: 'Reading grade: write some text to see it.', advice: null }
  }
  const summary = `Reading grade ${r.grade.toFixed(1)} · ${r.words} words · ${r.readingTimeMinutes} min read`
  if (r.grade > targetGrade) {
    return {
      tone: 'caution',
      summary,
      advice: `Above grade ${targetGrade}, the clinic's target: patient education should be easy to read. Use shorter sentences and everyday words (e.g. "pain" rather than "discomfort").`,
    }
  }
  return { tone: 'positive', summary, advice: null }
}

/** The clinic's reading-grade settings, read once per mount (defaults until they arrive). */
function useReadingGradeSettings(): ReadingGradeSettings {
  const client = useClient({ apiVersion: STUDIO_API_VERSION })
  const [settings, setSettings] = useState<ReadingGradeSettings>(() => readingGradeSettings(null))
  useEffect(() => {
    let live = true
    client
      .fetch<unknown>(READING_GRADE_SETTINGS_QUERY, { id: SINGLETONS.clinic }, { perspective: 'published' })
      .then((clinic) => {
        if (live) setSettings(readingGradeSettings(clinic))
      })
      .catch(() => undefined)
    return () => {
      live = false
    }
  }, [client])
  return settings
}

/** A paragraph with one sentence marked. `<mark>` is announced as highlighted by screen readers. */
function HighlightedParagraph({ paragraph, sentence }: { paragraph: ParagraphLevel; sentence: SentenceLevel }) {
  const before = paragraph.text.slice(0, sentence.start)
  const after = paragraph.text.slice(sentence.end)
  return (
    <Text size={1} muted>
      {before}
      <mark
        data-testid="hardest-sentence-mark"
        style={{ background: '#fde68a', color: '#1d2433', padding: '0 2px', borderRadius: 2 }}
      >
        {sentence.text}
      </mark>
      {after}
    </Text>
  )
}

export function ReadingGradeStatus({ value, targetGrade }: { value: unknown; targetGrade?: number }) {
  const deferred = useDeferredValue(value)
  const target = targetGrade ?? GRADE_WARNING_THRESHOLD
  const readability = useMemo(() => analyseReadability(deferred), [deferred])
  const level = useMemo(() => analyseReadingLevel(deferred, target, HARDEST_SHOWN), [deferred, target])
  const { tone, summary, advice } = describeReadability(readability, target)
  const above = readability.words > 0 && readability.grade > target
  const paragraphByPath = new Map(level.paragraphs.map((p) => [p.path.join('/'), p]))
  return (
    <ReadabilityCard
      tone={tone}
      warning={above}
      data={{ 'data-grade': readability.words > 0 ? readability.grade : '', 'data-target': target }}
    >
      <Text size={1} weight="medium">
        {summary} · target {target}
      </Text>
      {advice ? (
        <Text size={1} muted>
          {advice}
        </Text>
      ) : null}
      {level.hardest.length > 0 ? (
        <Stack
          space={3}
          as="ol"
          aria-label="Hardest sentences"
          style={{ margin: 0, paddingLeft: 0, listStyle: 'none' }}
        >
          {level.hardest.map((sentence) => {
            const paragraph = paragraphByPath.get(sentence.path.join('/'))
            return (
              <Box
                as="li"
                key={`${sentence.path.join('/')}:${sentence.start}`}
                data-testid="hardest-sentence"
                data-grade={sentence.grade}
                data-reasons={sentence.reasons.map((r) => r.kind).join(' ')}
              >
                <Stack space={2}>
                  <Text size={1} weight="medium">
                    Sentence at grade {sentence.grade.toFixed(1)}
                  </Text>
                  {paragraph ? <HighlightedParagraph paragraph={paragraph} sentence={sentence} /> : null}
                  {sentence.why.map((why) => (
                    <Text key={why} size={1} data-testid="hardest-sentence-reason">
                      {why}
                    </Text>
                  ))}
                </Stack>
              </Box>
            )
          })}
        </Stack>
      ) : null}
    </ReadabilityCard>
  )
}

/**
 * A Spanish body's readability on the INFLESZ scale (model/readability-es.ts): the score, its band
 * and the bands themselves, since Spanish editors read "normal" or "algo difícil", not US grades.
 */
export function SpanishReadabilityStatus({ value }: { value: unknown }) {
  const deferred = useDeferredValue(value)
  const r = useMemo(() => analyseSpanishReadability(deferred), [deferred])
  const tone = r.words === 0 ? 'default' : r.belowTarget ? 'caution' : 'positive'
  return (
    <ReadabilityCard
      tone={tone}
      warning={r.belowTarget}
      data={{ 'data-scale': 'inflesz', 'data-score': r.words > 0 ? r.inflesz : '' }}
    >
      <Text size={1} weight="medium">
        {r.words === 0
          ? 'Legibilidad INFLESZ: escriba texto para verla.'
          : `INFLESZ ${r.inflesz.toFixed(1)} · ${r.band} (${r.bandEn}) · ${r.words} palabras · ${r.readingTimeMinutes} min · objetivo ${INFLESZ_TARGET} o más`}
      </Text>
      {r.belowTarget ? (
        <Text size={1} muted>
          Below "normal" (INFLESZ {INFLESZ_TARGET}), the level Spanish patient education aims at: use shorter sentences
          and everyday words.
        </Text>
      ) : null}
      <Text size={1} muted>
        {INFLESZ_BANDS.map((b, i) => `${b.label} ${i === 0 ? `< ${INFLESZ_BANDS[1].min}` : `≥ ${b.min}`}`).join(' · ')}
      </Text>
    </ReadabilityCard>
  )
}

/** The frame of either language's readability: its tone, a warning or a check mark, then `children`. */
function ReadabilityCard(props: {
  tone: 'positive' | 'caution' | 'default'
  warning: boolean
  /** The figures the e2e tests read (`data-grade`, `data-score`, ...). */
  data: Record<`data-${string}`, string | number>
  children: ReactNode
}) {
  return (
    <Card
      padding={3}
      radius={2}
      tone={props.tone}
      border
      data-testid="reading-grade"
      {...props.data}
      data-warning={props.warning ? 'true' : 'false'}
    >
      <Flex gap={3} align="flex-start">
        <Text size={1}>
          {props.warning ? (
            <WarningOutlineIcon aria-label="Warning" role="img" />
          ) : (
            <CheckmarkCircleIcon aria-hidden="true" />
          )}
        </Text>
        <Stack space={3} flex={1}>
          {props.children}
        </Stack>
      </Flex>
    </Card>
  )
}

function ArticleBodyWithGrade(props: InputProps) {
  const documentType = useFormValue(['_type'])
  const language = useFormValue(['language'])
  const settings = useReadingGradeSettings()
  if (documentType !== 'article') return props.renderDefault(props)
  return (
    <Stack space={3}>
      {languageOf({ language }) === 'es' ? (
        <SpanishReadabilityStatus value={props.value} />
      ) : (
        <ReadingGradeStatus value={props.value} targetGrade={settings.targetGrade} />
      )}
      {props.renderDefault(props)}
    </Stack>
  )
}

/** Form input hook: wraps the article's top-level `body` field; every other input is untouched. */
export function ReadabilityInput(props: InputProps) {
  const isBody = props.path.length === 1 && props.path[0] === 'body' && isArrayOfBlocksInputProps(props)
  return isBody ? <ArticleBodyWithGrade {...props} /> : props.renderDefault(props)
}
