// Whether an article's medical review is independent: reviewed by a clinician other than its
// author. The Studio warns when author and reviewer are the same (schemas/validation.ts
// checkIndependentReview); the API exposes the same fact so partners and frontends can see it.

export interface MedicalReviewFacts {
  /** A medical reviewer is set. */
  reviewed: boolean
  /** Reviewed, by a clinician other than the author. */
  independent: boolean
}

type Person = { _id?: unknown } | null | undefined

export function medicalReviewOf(article: { author?: Person; medicalReviewer?: Person }): MedicalReviewFacts {
  const reviewer = typeof article.medicalReviewer?._id === 'string' ? article.medicalReviewer._id : null
  const author = typeof article.author?._id === 'string' ? article.author._id : null
  return { reviewed: reviewer !== null, independent: reviewer !== null && reviewer !== author }
}
