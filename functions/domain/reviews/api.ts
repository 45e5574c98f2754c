/**
 * The JSON contract of the review endpoints: the public product reviews and the merchant API
 * (docs/openapi.json is generated from these). The routes parse requests with the request
 * schemas and shape answers by the response types, so the document cannot drift from the code.
 */
import * as z from 'zod';
import { distributionSchema } from '../feedback.js';
import { OUTCOMES } from '../pages/points.js';
import { rejectReasonSchema, reviewSchema } from './review.js';

export const publicReviewSchema = z.object({
  reviewId: z.string().describe('Opaque id of the review'),
  rating: z.number().int().min(1).max(5),
  title: z.string(),
  text: z.string(),
  displayName: z.string().nullable().describe('The name the shopper chose; null shows as "Verified buyer"'),
  verifiedPurchase: z.literal(true).describe('Only the buyer, through the order\'s signed feedback link, can write a review'),
  publishedAt: z.iso.datetime({ offset: true }),
  reply: z.object({ text: z.string(), at: z.iso.datetime({ offset: true }) }).nullable().describe("The merchant's reply"),
  photos: z.array(z.object({ url: z.string().describe('Path on this API (GET /stores/{store}/photos/…)'), width: z.number().int(), height: z.number().int() })),
});

export const productReviewsResponseSchema = z.object({
  store: z.string(),
  productId: z.string(),
  name: z.string().describe('The product name from the orders it was bought in'),
  count: z.number().int().min(0).describe('Published reviews'),
  average: z.number().nullable().describe('Mean rating to two decimals; null while there are none'),
  distribution: distributionSchema,
  reviews: z.array(publicReviewSchema).describe('This page, newest first'),
  next: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last'),
});
export type ProductReviewsResponse = z.infer<typeof productReviewsResponseSchema>;

export const merchantReviewSchema = reviewSchema.extend({ productId: z.string() });
export const heldReviewsResponseSchema = z.object({ store: z.string(), status: z.literal('held'), reviews: z.array(merchantReviewSchema), next: z.string().nullable() });
export const reviewResponseSchema = z.object({ review: merchantReviewSchema, email: z.string().nullable().optional().describe('reply only: what became of the email to the reviewer (sent, already_sent, pending, not_sent, suppressed)') });

export const apiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) });

export const rejectRequestSchema = z.object({ reason: rejectReasonSchema.describe('Content reasons only: a rating or an opinion is never one') });
export const replyRequestSchema = z.object({ text: z.string().trim().min(1, 'the reply text is required').max(2000, 'at most 2000 characters') });
export const rewardCodesRequestSchema = z.object({
  codes: z.array(z.string().regex(/^[A-Za-z0-9_-]{3,64}$/, 'must be 3-64 letters, digits, "_" or "-"')).min(1).max(5000),
});
export const rewardCodesResponseSchema = z.object({ added: z.number().int(), skipped: z.number().int().describe('Already in the pool or already given out'), available: z.number().int() });
export const rewardPoolResponseSchema = z.object({ available: z.number().int(), lowPoolThreshold: z.number().int() });
export const feedbackResponseRequestSchema = z.object({
  reply: z.string().trim().min(1, 'the reply is required').max(2000, 'at most 2000 characters'),
  outcome: z.enum(OUTCOMES),
});
export const feedbackResponseSchema = z.object({ at: z.iso.datetime({ offset: true }), reply: z.string(), outcome: z.string() });
export const orderFeedbackResponseSchema = z.object({
  orderId: z.string(),
  orderName: z.string(),
  rating: z.number().int().nullable(),
  comment: z.string().nullable(),
  reviews: z.array(merchantReviewSchema),
  responses: z.array(feedbackResponseSchema),
});
