import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  analyseSpanishReadability,
  countSpanishSentences,
  countSpanishSyllables,
  INFLESZ_TARGET,
  infleszBand,
  szigrisztPazos,
} from '../../model/readability-es.js'
import { paragraph } from '../render/fixtures.js'

const r = suite('Spanish readability (INFLESZ)')

// Syllables as the Real Academia's spelling rules divide them: diphthongs and triphthongs one,
// hiatuses (two strong vowels, or an accented í/ú) two, silent u in que/gui nothing.
const SYLLABLES: Record<string, number> = {
  tratamiento: 4, // tra-ta-mien-to
  idea: 3, // i-de-a
  día: 2, // dí-a
  leer: 2, // le-er
  aire: 2, // ai-re
  punción: 2, // pun-ción
  muy: 1,
  y: 1,
  hoy: 1,
  ahumado: 4, // a-hu-ma-do
  rehúso: 3, // re-hú-so
  que: 1,
  guitarra: 3,
  pingüino: 3, // pin-güi-no
  buey: 1,
  músculo: 3,
  dolor: 2,
  seca: 2,
  fisioterapia: 5, // fi-sio-te-ra-pia
  después: 2,
  agua: 2,
  ciudad: 2,
  huevo: 2,
  país: 2, // pa-ís
  poeta: 3,
  cuello: 2,
  rodilla: 3,
  hombro: 2,
  aguja: 3,
  paciente: 3, // pa-cien-te
  sesión: 2,
  ayuda: 3, // a-yu-da: y before a vowel is a consonant
  caer: 2,
  oído: 3,
  reúne: 3,
  integrativa: 5,
  '2024': 1,
}

r('counts Spanish syllables by the spelling rules', () => {
  for (const [word, expected] of Object.entries(SYLLABLES)) {
    assert.is(countSpanishSyllables(word), expected, word)
  }
})

r('counts sentences with ¿…? and ¡…!, not at abbreviations', () => {
  assert.is(countSpanishSentences('¿Duele? ¡No mucho! Puede sentir una molestia.'), 3)
  assert.is(countSpanishSentences('Consulte a la Dra. Gómez antes de la sesión.'), 1)
  assert.is(countSpanishSentences('Evite el ejercicio intenso, p. ej. correr, durante un día.'), 1)
  assert.is(countSpanishSentences('Cuidados después de la sesión'), 1)
})

r('scores by Szigriszt-Pazos and reads the INFLESZ band', () => {
  assert.is(szigrisztPazos({ words: 0, sentences: 0, syllables: 0 }), 0)
  // 100 words, 5 sentences, 200 syllables: 206.835 - 124.6 - 20
  assert.ok(Math.abs(szigrisztPazos({ words: 100, sentences: 5, syllables: 200 }) - 62.235) < 1e-9)
  assert.is(infleszBand(39.9).label, 'muy difícil')
  assert.is(infleszBand(40).label, 'algo difícil')
  assert.is(infleszBand(55).label, 'normal')
  assert.is(infleszBand(65).label, 'bastante fácil')
  assert.is(infleszBand(80).label, 'muy fácil')
})

r('plain patient education reads "normal" or easier; dense clinical prose does not', () => {
  const plain = analyseSpanishReadability(
    'La punción seca es un tratamiento. Un fisioterapeuta usa una aguja muy fina. ¿Duele? Puede sentir una pequeña molestia.',
  )
  assert.is(plain.words, 19)
  assert.is(plain.sentences, 4)
  assert.is(plain.syllables, 42)
  assert.is(plain.inflesz, 64.4)
  assert.is(plain.band, 'normal')
  assert.is(plain.belowTarget, false)

  const dense = analyseSpanishReadability(
    'La estimulación neuromuscular intramuscular mediante agujas filiformes constituye una intervención terapéutica fundamentada en la desactivación de puntos gatillo miofasciales, caracterizados por hipersensibilidad localizada y contracturas musculares persistentes asociadas a disfunción biomecánica.',
  )
  assert.ok(dense.inflesz < INFLESZ_TARGET, `dense text scored ${dense.inflesz}`)
  assert.is(dense.belowTarget, true)
  assert.is(dense.bandEn, dense.inflesz < 40 ? 'very difficult' : 'somewhat difficult')
})

r('reads Portable Text block by block, and an empty text is not flagged', () => {
  const pt = [paragraph('Cuidados después de la sesión'), paragraph('Beba agua. Camine un poco.')]
  const result = analyseSpanishReadability(pt)
  assert.is(result.sentences, 3)
  assert.is(result.readingTimeMinutes, 1)
  const empty = analyseSpanishReadability([])
  assert.is(empty.words, 0)
  assert.is(empty.inflesz, 0)
  assert.is(empty.belowTarget, false)
})

r.run()
