// Word lists and sentence makers for the synthetic dataset. The words are the clinic's vocabulary
// (so `match` searches behave like real ones: common and rare terms, stems that prefix-match), but
// every title produced says "Synthetic" so nobody mistakes generated content for patient advice.
import type { Random } from './random.js'

export const CONDITION_WORDS = [
  'tendinopathy',
  'sprain',
  'strain',
  'bursitis',
  'impingement',
  'sciatica',
  'stenosis',
  'arthritis',
  'fasciitis',
  'tear',
  'instability',
  'stiffness',
  'neuropathy',
  'whiplash',
  'headache',
  'spasm',
  'syndrome',
  'dysfunction',
  'fracture recovery',
  'post-surgical weakness',
] as const

export const TREATMENT_WORDS = [
  'dry needling',
  'manual therapy',
  'therapeutic exercise',
  'joint mobilization',
  'cupping',
  'kinesio taping',
  'soft tissue massage',
  'postural training',
  'balance training',
  'gait training',
  'ultrasound therapy',
  'electrical stimulation',
  'heat therapy',
  'cold therapy',
  'traction',
  'stabilization training',
  'endurance training',
  'aquatic therapy',
  'vestibular rehabilitation',
] as const

const BODY_WORDS = [
  'neck',
  'back',
  'shoulder',
  'elbow',
  'wrist',
  'hip',
  'knee',
  'ankle',
  'foot',
  'jaw',
  'spine',
  'hamstring',
  'calf',
  'buttock',
  'forearm',
  'thumb',
  'heel',
  'rotator',
  'cuff',
  'pelvis',
] as const

const NOUNS = [
  'pain',
  'mobility',
  'strength',
  'recovery',
  'posture',
  'movement',
  'tissue',
  'muscle',
  'joint',
  'needle',
  'therapist',
  'exercise',
  'program',
  'session',
  'symptom',
  'flexibility',
  'function',
  'inflammation',
  'soreness',
  'bruising',
  'range',
  'motion',
  'healing',
  'trigger',
  'point',
  'nerve',
  'tendon',
  'ligament',
  'cartilage',
  'circulation',
  'endurance',
  'balance',
  'stability',
  'habit',
  'routine',
  'evidence',
  'study',
  'outcome',
  'threshold',
  'comfort',
  'response',
  'treatment',
  'patient',
  'activity',
  'stretch',
  'warmup',
  'ice',
  'water',
  'rest',
  'sleep',
  'desk',
  'runner',
] as const

const VERBS = [
  'reduces',
  'improves',
  'supports',
  'restores',
  'relieves',
  'targets',
  'strengthens',
  'loosens',
  'eases',
  'protects',
  'stabilizes',
  'guides',
  'measures',
  'tracks',
  'prevents',
  'promotes',
  'combines with',
  'complements',
  'follows',
  'precedes',
] as const

const ADJECTIVES = [
  'gentle',
  'gradual',
  'daily',
  'chronic',
  'acute',
  'mild',
  'persistent',
  'temporary',
  'deep',
  'superficial',
  'sterile',
  'evidence-based',
  'individual',
  'progressive',
  'common',
  'rare',
  'effective',
  'safe',
  'structured',
  'guided',
  'careful',
  'consistent',
  'short',
  'long-term',
] as const

const ADVERBS = ['often', 'usually', 'sometimes', 'gradually', 'quickly', 'safely', 'gently', 'rarely'] as const

const FIRST_NAMES = [
  'Avery',
  'Jordan',
  'Morgan',
  'Riley',
  'Casey',
  'Quinn',
  'Reese',
  'Rowan',
  'Skyler',
  'Emerson',
  'Harper',
  'Logan',
  'Parker',
  'Sawyer',
  'Taylor',
  'Dakota',
  'Hayden',
  'Jamie',
  'Kendall',
  'Peyton',
] as const

const LAST_NAMES = [
  'Synthwell',
  'Testmore',
  'Fakeley',
  'Placeholder',
  'Samplesen',
  'Mockford',
  'Dummington',
  'Generata',
  'Fixturo',
  'Stubbins',
  'Seedling',
  'Randall',
  'Pseudon',
  'Examplar',
  'Benchley',
] as const

export const CREDENTIALS = ['PT', 'DPT', 'OCS', 'SCS', 'CSCS', 'ATC', 'LMT', 'MS'] as const
export const ROLES = [
  'Physical Therapist',
  'Physical Therapist Assistant',
  'Massage Therapist',
  'Clinic Director',
] as const
export const CERTIFICATIONS = [
  'Integrative Dry Needling',
  'Certified Strength and Conditioning Specialist',
  'Orthopedic Clinical Specialist',
  'Vestibular Rehabilitation',
  'Kinesio Taping Practitioner',
  'Graston Technique',
] as const

export const JOURNALS = [
  'Journal of Synthetic Physiotherapy',
  'Archives of Generated Rehabilitation',
  'Bench Test Manual Therapy Review',
] as const

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tu', 'vos', 'zel', 'dra', 'pim', 'qua', 'sor', 'bex'] as const

/**
 * 600 made-up words ("kalomi", "renvos"...): each is rare in the text (a word is one of them 3% of
 * the time), so a search for one finds a handful of documents, as a patient's search for a
 * specific term does. Common words alone would make every search match most of the dataset.
 */
export const RARE_WORDS: readonly string[] = (() => {
  const out: string[] = []
  for (const a of SYLLABLES)
    for (const b of SYLLABLES) for (const c of SYLLABLES.slice(0, 5)) if (a !== b) out.push(a + b + c)
  return out.slice(0, 600)
})()

export class TextMaker {
  constructor(private readonly random: Random) {}

  word(): string {
    const r = this.random.next()
    if (r < 0.03) return this.random.pick(RARE_WORDS)
    if (r < 0.45) return this.random.pick(NOUNS)
    if (r < 0.6) return this.random.pick(ADJECTIVES)
    if (r < 0.75) return this.random.pick(BODY_WORDS)
    if (r < 0.9) return this.random.pick(VERBS)
    return this.random.pick(ADVERBS)
  }

  /** A sentence of 6-16 words, capitalised, ending in a full stop. */
  sentence(): string {
    const n = this.random.int(6, 16)
    const words: string[] = []
    for (let i = 0; i < n; i++) words.push(this.word())
    const text = words.join(' ')
    return `${text.charAt(0).toUpperCase() + text.slice(1)}.`
  }

  /** 1-`max` sentences. */
  paragraph(max = 3): string {
    const n = this.random.int(1, max)
    const out: string[] = []
    for (let i = 0; i < n; i++) out.push(this.sentence())
    return out.join(' ')
  }

  /** A short phrase of `min`-`max` words (titles, headings). */
  phrase(min: number, max: number): string {
    const n = this.random.int(min, max)
    const words: string[] = []
    for (let i = 0; i < n; i++) words.push(this.word())
    return words.join(' ')
  }

  personName(): string {
    return `${this.random.pick(FIRST_NAMES)} ${this.random.pick(LAST_NAMES)}`
  }

  bodyWord(): string {
    return this.random.pick(BODY_WORDS)
  }

  /** Text cut at a word boundary to at most `limit` characters. */
  clip(text: string, limit: number): string {
    if (text.length <= limit) return text
    const cut = text.slice(0, limit)
    const space = cut.lastIndexOf(' ')
    return (space > 0 ? cut.slice(0, space) : cut).replace(/[.,;:]$/, '')
  }
}

/** `"Knee pain after running"` -> `"knee-pain-after-running"`. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
}
