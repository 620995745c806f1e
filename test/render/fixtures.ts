// Test fixtures for the render layer, shaped exactly like the delivery queries' results (TypeGen
// types), built to docs/content-model.md from the clinic's first post (content/source/first-post.txt).
// Used until / alongside content/production.ndjson (the seed test prefers the real seed when present).

import type { ArticleInput, ClinicInput, ConditionInput, TreatmentInput } from '../../delivery/render/index.js'

let keyCounter = 0
const k = (prefix = 'k') => `${prefix}${(keyCounter++).toString(36)}`

type Span = { _type: 'span'; _key: string; text: string; marks: string[] }
export const span = (text: string, marks: string[] = []): Span => ({ _type: 'span', _key: k('s'), text, marks })

export function paragraph(text: string) {
  return { _type: 'block' as const, _key: k('b'), style: 'normal' as const, markDefs: [], children: [span(text)] }
}
export function heading(text: string, style: 'h2' | 'h3' = 'h2') {
  return { _type: 'block' as const, _key: k('b'), style, markDefs: [], children: [span(text)] }
}
export function bullet(text: string) {
  return {
    _type: 'block' as const,
    _key: k('b'),
    style: 'normal' as const,
    listItem: 'bullet' as const,
    level: 1,
    markDefs: [],
    children: [span(text)],
  }
}

export const clinic: ClinicInput = {
  name: 'Dynamic Physical Therapy & Wellness',
  siteUrl: 'https://www.dynamicptwellness.example',
  bookingUrl: 'https://www.dynamicptwellness.example/book',
  phone: '+1 (555) 010-2030',
  email: 'hello@dynamicptwellness.example',
  address: {
    _type: 'postalAddress',
    street: '100 Main Street',
    city: 'Springfield',
    region: 'IL',
    postalCode: '62701',
    country: 'US',
  },
  logo: null,
  medicalDisclaimer:
    'This article is for general education and is not medical advice. Talk to your physical therapist or doctor about your own condition.',
}

export const CITATION_KEY = 'gattie2017'
export const DOI = '10.2519/jospt.2017.7096'

const evidence = {
  _type: 'block' as const,
  _key: k('b'),
  style: 'normal' as const,
  markDefs: [{ _type: 'citationRef' as const, _key: 'cite1', citationKey: CITATION_KEY }],
  children: [
    span(
      'Evidence suggests dry needling performed by physical therapists can reduce pain and improve pressure-pain threshold in those with musculoskeletal pain immediately following and for 12-weeks after treatment ',
    ),
    span('(1)', ['cite1']),
    span('.'),
  ],
}

const conditionsParagraph = {
  _type: 'block' as const,
  _key: k('b'),
  style: 'normal' as const,
  markDefs: [
    { _type: 'internalLink' as const, _key: 'tennis', target: { _type: 'condition' as const, slug: 'tennis-elbow' } },
    { _type: 'internalLink' as const, _key: 'gone', target: null },
  ],
  children: [
    span(
      'There are a multitude of musculoskeletal conditions that may benefit from integrative dry needling with a physical therapist. Some conditions that may benefit include, but are not limited to: neck, back and shoulder pain, arm pain (',
    ),
    span('tennis elbow', ['tennis']),
    span(', '),
    span('carpal tunnel', ['gone']),
    span(
      ', golfer’s elbow), headache, jaw pain, buttock pain, leg pain (sciatica, hamstring strain, calf tightness, spasm).',
    ),
  ],
}

/** The treatment the article and the condition link to (as a reference and as a listed card). */
const DRY_NEEDLING = {
  _id: 'treatment-dry-needling',
  name: 'Integrative Dry Needling',
  slug: 'integrative-dry-needling',
}

const faq = (question: string, answer: string[], order: number) => ({
  _id: k('faq-'),
  _type: 'faq' as const,
  question,
  answer: answer.map((t) => ({ ...paragraph(t), style: 'normal' as const })),
  order,
  language: 'en' as const,
  treatments: null,
  conditions: null,
})

export const article: ArticleInput = {
  _id: 'article-why-needles',
  _updatedAt: '2024-06-02T09:30:00Z',
  title: 'Why you shouldn’t be afraid of needles',
  slug: 'why-you-shouldnt-be-afraid-of-needles',
  excerpt:
    'Integrative Dry Needling is a safe, evidence-based physical therapy treatment for musculoskeletal pain. Here is what to expect.',
  heroImage: {
    _type: 'accessibleImage',
    asset: { _id: 'image-Tb9Ew8CXIwaY6R1kjMvI0uRR-2000x1333-jpg', url: null, metadata: null },
    alt: 'A physical therapist placing a fine filament needle in a patient’s shoulder',
    caption: 'Dry needling uses very thin, sterile, single-use needles.',
  },
  body: [
    paragraph(
      'Integrative Dry Needling is a highly effective form of physical therapy for the treatment of a variety of different musculoskeletal and neuromuscular conditions. It is not the same as acupuncture. It is the use of a fine filament needle inserted through the skin and into deeper tissues that are considered trigger points to your pain. Integrative dry needling is based on neuroanatomy and modern scientific study of musculoskeletal and neuromuscular systems to help promote tissue healing and control pain.',
    ),
    evidence,
    heading('What conditions can be treated?'),
    conditionsParagraph,
    {
      _type: 'callout',
      _key: k('c'),
      tone: 'tip',
      title: 'Trained and certified',
      body: [
        paragraph(
          'Not all medical or physical therapy professionals are trained to perform Integrative Dry Needling. The physical therapists practicing at Dynamic Physical Therapy & Wellness have advanced training and have been certified to perform these techniques.',
        ),
      ],
    },
    {
      _type: 'accessibleImage',
      _key: k('i'),
      asset: { _id: 'image-a1b2c3d4e5-1200x800-png', url: null, metadata: null },
      alt: 'Diagram of trigger points in the upper back',
      caption: 'Trigger points are tight bands in a muscle.',
    },
    paragraph('Please let us know if you have any other question or would like to book an appointment today!'),
  ],
  author: {
    _id: 'clinician-kellie',
    _type: 'clinician',
    name: 'Kellie Gomia',
    handle: 'kelliegomia',
    slug: 'kellie-gomia',
    role: 'Physical Therapist',
    credentials: ['PT', 'DPT'],
    certifications: ['Integrative Dry Needling'],
    bio: null,
    photo: null,
  },
  medicalReviewer: {
    _id: 'clinician-reviewer',
    _type: 'clinician',
    name: 'Jordan Reyes',
    handle: 'jordanreyes',
    slug: 'jordan-reyes',
    role: 'Clinical Director',
    credentials: ['PT', 'DPT', 'OCS'],
    certifications: null,
    bio: null,
    photo: null,
  },
  lastReviewed: '2024-05-20',
  nextReviewDue: '2025-05-20',
  publishedAt: '2023-03-14T15:00:00Z',
  categories: [
    { _id: 'cat-treatments', _type: 'category', title: 'Treatments', slug: 'treatments', description: null },
  ],
  conditions: [
    {
      _id: 'condition-tennis-elbow',
      language: 'en',
      _type: 'condition',
      name: 'Tennis elbow',
      slug: 'tennis-elbow',
      alsoCalled: ['Lateral epicondylitis'],
      bodyRegion: 'arm-elbow',
      summary: 'Pain on the outside of the elbow from overused forearm muscles.',
      icd10Codes: ['M77.10'],
    },
  ],
  treatments: [
    {
      ...DRY_NEEDLING,
      language: 'en',
      _type: 'treatment',
      summary: 'Fine filament needles placed in trigger points to ease pain.',
    },
  ],
  faqs: [
    faq('Are the needles sterile?', ['Yes, only sterile, disposable needles are used.'], 1),
    faq(
      'Is the procedure painful?',
      [
        'The goal is for minimal discomfort with the treatment. The fine filament needle is very thin, solid and flexible, which allows for the needle to be pushed through the skin versus cutting the skin. When the needle is inserted into the tissue, a “twitch response” is normal and may be felt momentarily. Other common symptoms can include a temporary little electric shock, cramp or ache.',
        'Response to treatment varies between individuals. Some individuals will report immediate relief of symptoms and increased range of motion of the tissue and/or joint. Soreness after treatment is not uncommon, and may be described as immediate achiness or delayed soreness the next day.',
        'Soreness typically does not last more than 24-48 hours. Mild bruising may occur at the needling site and is more prevalent in certain body parts (base of neck, head/face, arms and legs). Larger bruising may also occur, but is rare.',
        'It is uncommon, but possible, that treatment can cause a temporary increase in your symptoms. If symptom increase persists for more than 1-2 days, inform your physical therapist to allow for adjustment of your program to optimize comfort. This does not mean that Integrative Dry Needling will not be beneficial to your condition.',
      ],
      2,
    ),
    faq(
      'Are other treatments received in conjunction with Integrative Dry Needling?',
      [
        'Yes, Integrative Dry Needling works best when incorporated with traditional physical therapy methods including manual therapy, therapeutic exercise, endurance training, stabilization and postural training.',
      ],
      3,
    ),
  ],
  careInstructions: [
    {
      _id: 'care-after',
      language: 'en',
      _type: 'careInstruction',
      title: 'What should I do after treatment?',
      slug: 'after-dry-needling',
      phase: 'after',
      steps: [
        {
          _key: k('st'),
          _type: 'careStep',
          instruction:
            'It is recommended to increase water intake for 24 hours following treatment to help avoid soreness',
          timing: 'for 24 hours',
        },
        { _key: k('st'), _type: 'careStep', instruction: 'Ice can help if bruising results' },
        {
          _key: k('st'),
          _type: 'careStep',
          instruction: 'Heat application can help to decrease compliant of soreness',
        },
        {
          _key: k('st'),
          _type: 'careStep',
          instruction: 'Gentle stretches or light massage may help decrease soreness',
        },
      ],
      contactTherapistWhen: 'your symptoms are still worse after 1-2 days.',
      treatment: DRY_NEEDLING,
    },
    {
      _id: 'care-before',
      language: 'en',
      _type: 'careInstruction',
      title: 'What should I do to prepare for the treatment?',
      slug: 'before-dry-needling',
      phase: 'before',
      steps: [
        {
          _key: k('st'),
          _type: 'careStep',
          instruction: 'Do not eat 30 minutes before treatment',
          timing: '30 minutes before',
        },
        {
          _key: k('st'),
          _type: 'careStep',
          instruction: 'Be well hydrated, but empty your bladder prior to treatment',
        },
        {
          _key: k('st'),
          _type: 'careStep',
          instruction: 'Wear loose fitting clothing, shorts or bathing suit to allow access your painful areas',
        },
      ],
      contactTherapistWhen: null,
      treatment: DRY_NEEDLING,
    },
  ],
  citations: [
    {
      _key: CITATION_KEY,
      _type: 'citation',
      authors: ['Gattie E', 'Cleland JA', 'Snodgrass S'],
      title:
        'The Effectiveness of Trigger Point Dry Needling for Musculoskeletal Conditions by Physical Therapists: A Systematic Review and Meta-analysis',
      journal: 'J Orthop Sports Phys Ther',
      year: 2017,
      volume: '47',
      issue: '3',
      pages: '133-149',
      doi: DOI,
      pmid: '28158962',
    },
  ],
  callToAction: {
    _type: 'callToAction',
    heading: 'Ready to feel better?',
    text: 'Please let us know if you have any other question or would like to book an appointment today!',
    buttonLabel: 'Book an appointment',
  },
  seo: {
    _type: 'seo',
    metaTitle: 'Dry needling: why you shouldn’t be afraid',
    metaDescription: 'What integrative dry needling is, what it treats, and how to prepare.',
    noIndex: false,
  },
}

export const condition: ConditionInput = {
  _updatedAt: '2024-04-01T00:00:00Z',
  name: 'Tennis elbow',
  slug: 'tennis-elbow',
  alsoCalled: ['Lateral epicondylitis'],
  bodyRegion: 'arm-elbow',
  summary: 'Pain on the outside of the elbow from overused forearm muscles.',
  symptoms: ['Pain on the outside of the elbow', 'Weak grip'],
  icd10Codes: ['M77.10', 'M77.11'],
  sections: [
    {
      _key: k('sec'),
      aspect: 'self-care',
      body: [paragraph('Rest from the movements that hurt and use ice for 15 minutes.')],
    },
    {
      _key: k('sec'),
      aspect: 'overview',
      body: [paragraph('Tennis elbow is an overuse injury of the tendons on the outside of the elbow.')],
    },
  ],
  treatments: [{ ...DRY_NEEDLING, language: 'en', _type: 'treatment', summary: 'Fine needles in trigger points.' }],
  articles: [
    {
      _id: 'article-why-needles',
      language: 'en',
      _type: 'article',
      _updatedAt: '2024-06-02T09:30:00Z',
      title: 'Why you shouldn’t be afraid of needles',
      slug: 'why-you-shouldnt-be-afraid-of-needles',
      excerpt: 'What to expect from dry needling.',
      publishedAt: '2023-03-14T15:00:00Z',
      heroImage: null,
      author: null,
      categories: null,
    },
  ],
  faqs: [],
}

export const treatment: TreatmentInput = {
  _updatedAt: '2024-04-01T00:00:00Z',
  name: 'Integrative Dry Needling',
  slug: 'integrative-dry-needling',
  summary: 'Fine filament needles placed in trigger points to ease pain and help tissue heal.',
  howItWorks: [paragraph('A fine filament needle is inserted through the skin into trigger points.')],
  differsFrom: [
    {
      _key: k('d'),
      _type: 'treatmentComparison',
      comparedTo: 'Acupuncture',
      difference: 'Dry needling is based on neuroanatomy, not meridians.',
    },
  ],
  whoMayPerform: 'Physical therapists with advanced training and certification in dry needling.',
  conditions: article.conditions,
  whatToExpect: [paragraph('A twitch response is normal and may be felt momentarily.')],
  sideEffects: ['Soreness for 24-48 hours', 'Mild bruising'],
  complementaryTreatments: ['Manual therapy', 'Therapeutic exercise'],
  faqs: (article.faqs ?? []).filter((f) => f !== null),
  careInstructions: article.careInstructions ?? [],
  articles: condition.articles,
}
