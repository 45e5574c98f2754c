/**
 * Feedback: one star rating per order (the first click wins), an optional comment, and the
 * store-wide summary ops read. The summary is kept as per-star counters so that it can be
 * updated with atomic increments and recomputed here without reading any order.
 */
import * as z from 'zod';

export const ratingSchema = z.literal([1, 2, 3, 4, 5]);
export type Rating = z.infer<typeof ratingSchema>;
export const ratings: readonly Rating[] = [1, 2, 3, 4, 5];

/** A rating as it arrives in a query string ("4"). */
export const ratingParamSchema = z
  .string()
  .regex(/^[1-5]$/)
  .transform((s) => Number(s))
  .pipe(ratingSchema);

export const MAX_COMMENT_LENGTH = 2000;
export const commentSchema = z.string().trim().min(1).max(MAX_COMMENT_LENGTH);

export const feedbackRecordSchema = z.object({
  rating: ratingSchema,
  ratedAt: z.string(),
  comment: z.string().optional(),
  commentedAt: z.string().optional(),
});
export type FeedbackRecord = z.infer<typeof feedbackRecordSchema>;

export const distributionSchema = z.object({
  1: z.number().int().min(0),
  2: z.number().int().min(0),
  3: z.number().int().min(0),
  4: z.number().int().min(0),
  5: z.number().int().min(0),
});
export type Distribution = z.infer<typeof distributionSchema>;

export const feedbackSummarySchema = z.object({
  store: z.string(),
  count: z.number().int().min(0),
  /** Mean rating to two decimals; null while there are no ratings (0 would read as "terrible"). */
  average: z.number().nullable(),
  distribution: distributionSchema,
});
export type FeedbackSummary = z.infer<typeof feedbackSummarySchema>;

export function emptyDistribution(): Distribution {
  return { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
}

/** Counts per star for a list of ratings. */
export function tally(values: Iterable<Rating>): Distribution {
  const d = emptyDistribution();
  for (const r of values) d[r] += 1;
  return d;
}

/** Count and average follow from the distribution, so the three can never disagree. */
export function summarize(store: string, distribution: Distribution): FeedbackSummary {
  let count = 0;
  let sum = 0;
  for (const r of ratings) {
    count += distribution[r];
    sum += r * distribution[r];
  }
  return {
    store,
    count,
    average: count === 0 ? null : Math.round((sum / count) * 100) / 100,
    distribution: { ...distribution },
  };
}

export type RecordRatingResult =
  /** This click recorded the rating (and counted it in the summary). */
  | { recorded: true; feedback: FeedbackRecord }
  /** A rating was already there: it is returned unchanged. */
  | { recorded: false; feedback: FeedbackRecord };

export type AddCommentResult = 'stored' | 'already_commented' | 'not_rated';

/** What the pages need from storage for feedback and unsubscribes. */
export interface FeedbackRepository {
  /** Records the rating unless one exists; counts it in the store summary only when it does. */
  recordRating(store: string, orderId: string, rating: Rating, at: Date): Promise<RecordRatingResult>;
  getFeedback(store: string, orderId: string): Promise<FeedbackRecord | undefined>;
  /** Stores the comment once, and only beside a rating. */
  addComment(store: string, orderId: string, comment: string, at: Date): Promise<AddCommentResult>;
  readSummary(store: string): Promise<FeedbackSummary>;
  /** Idempotent: a second unsubscribe keeps the first record. */
  suppress(store: string, email: string, reason: 'unsubscribed', at: Date): Promise<void>;
  isSuppressed(store: string, email: string): Promise<boolean>;
  /** Orders with this shopper-facing number in the store (usually one), from the lookup index. */
  findOrdersByName(store: string, orderName: string): Promise<Array<{ orderId: string; email: string }>>;
}
