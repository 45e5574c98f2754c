/**
 * Product reviews: what a shopper may write about an item of their order, what is stored, and
 * the moderation rules. Pure; storage is functions/adapters/review-store.ts.
 *
 * A review belongs to one line item of one order (a verified purchase by construction: only the
 * holder of the order's signed feedback link can write it), so "one review per item" is the key
 * of the stored item. It is published under the item's product id.
 */
import * as z from 'zod';
import { ratingSchema, summarize, emptyDistribution, type Distribution, type FeedbackSummary } from '../feedback.js';
import type { LineItem, Order } from '../order.js';
import type { Participation } from '../store-config.js';

export const MAX_REVIEW_TITLE = 120;
export const MAX_REVIEW_TEXT = 5000;
export const MAX_DISPLAY_NAME = 60;

/** Text a shopper typed: trimmed, control characters (other than line breaks) removed. */
const shopperText = (max: number) =>
  z
    .string()
    .transform((s) => s.replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/g, '').trim())
    .pipe(z.string().max(max, `at most ${max} characters`));

/** The review form, as posted (field names are the form's). */
export const reviewFormSchema = z.object({
  lineItemId: z.string().min(1, 'which item the review is about').max(100),
  rating: z
    .string()
    .regex(/^[1-5]$/, 'a whole number of stars from 1 to 5')
    .transform(Number)
    .pipe(ratingSchema),
  title: shopperText(MAX_REVIEW_TITLE).pipe(z.string().min(1, 'a title is required')),
  text: shopperText(MAX_REVIEW_TEXT).pipe(z.string().min(1, 'the review text is required')),
  displayName: shopperText(MAX_DISPLAY_NAME).optional(),
});
export type ReviewForm = z.infer<typeof reviewFormSchema>;

export const reviewStatusSchema = z.enum(['held', 'published', 'rejected']);
export type ReviewStatus = z.infer<typeof reviewStatusSchema>;

/**
 * Why a merchant may reject a review: content reasons only. A rating or an opinion is never a
 * reason (the FTC's 2024 rule, 16 CFR 465.7, forbids suppressing reviews for their sentiment).
 */
export const rejectReasonSchema = z.enum(['abusive', 'off_topic', 'personal_data', 'spam', 'not_about_product', 'content_policy']);
export type RejectReason = z.infer<typeof rejectReasonSchema>;

export const photoSchema = z.object({
  key: z.string().min(1),
  /** Served by the pages function (a path on its origin): the bucket itself is private. */
  url: z.string().startsWith('/'),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type ReviewPhoto = z.infer<typeof photoSchema>;

/** The product a review is published under, with every identifier the order had. */
export const productRefSchema = z.object({
  productId: z.string().min(1).max(100),
  name: z.string().min(1).max(500),
  sku: z.string().optional(),
  gtin: z.string().optional(),
  mpn: z.string().optional(),
  brand: z.string().optional(),
  url: z.string().optional(),
});
export type ProductRef = z.infer<typeof productRefSchema>;

export const reviewSchema = z.object({
  reviewId: z.string().min(1),
  store: z.string(),
  orderId: z.string(),
  lineItemId: z.string(),
  product: productRefSchema,
  rating: ratingSchema,
  title: z.string(),
  text: z.string(),
  displayName: z.string().optional(),
  /** Always true: only the order's own signed link can write a review. */
  verifiedPurchase: z.literal(true),
  status: reviewStatusSchema,
  language: z.string().optional(),
  createdAt: z.string(),
  publishedAt: z.string().optional(),
  moderatedAt: z.string().optional(),
  rejectReason: rejectReasonSchema.optional(),
  reply: z.object({ text: z.string(), at: z.string() }).optional(),
  photos: z.array(photoSchema).max(4).default([]),
});
export type Review = z.infer<typeof reviewSchema>;

/** A review id names its order and item: base64url of `[orderId, lineItemId]`, opaque to readers. */
export function reviewIdOf(orderId: string, lineItemId: string): string {
  return Buffer.from(JSON.stringify([orderId, lineItemId])).toString('base64url');
}

export function parseReviewId(reviewId: string): { orderId: string; lineItemId: string } | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(reviewId)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(reviewId, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((p) => typeof p === 'string' && p.length > 0 && p.length <= 100)) {
      return { orderId: parsed[0] as string, lineItemId: parsed[1] as string };
    }
  } catch {
    /* not ours */
  }
  return undefined;
}

/** The product a line item is reviewed as: its product id, else its SKU; neither: not reviewable. */
export function productOf(item: LineItem): ProductRef | undefined {
  const productId = item.productId ?? (item.sku && /^[A-Za-z0-9._:-]{1,96}$/.test(item.sku) ? `sku:${item.sku}` : undefined);
  if (!productId) return undefined;
  return {
    productId,
    name: item.title,
    ...(item.sku ? { sku: item.sku } : {}),
    ...(item.gtin ? { gtin: item.gtin } : {}),
    ...(item.mpn ? { mpn: item.mpn } : {}),
    ...(item.brand ? { brand: item.brand } : {}),
    ...(item.productUrl ? { url: item.productUrl } : {}),
  };
}

/** The items of an order a shopper can review: one per product (two lines of one product are one review). */
export function reviewableItems(order: Order): Array<{ item: LineItem; product: ProductRef }> {
  const seen = new Set<string>();
  const out: Array<{ item: LineItem; product: ProductRef }> = [];
  for (const item of order.lineItems) {
    const product = productOf(item);
    if (!product || seen.has(product.productId)) continue;
    seen.add(product.productId);
    out.push({ item, product });
  }
  return out;
}

/** Moderation on arrival: published at once at or above the store's rating, else held for the merchant. */
export function initialStatus(rating: number, rules: Pick<Participation, 'autoPublishMinRating'>): ReviewStatus {
  return rating >= rules.autoPublishMinRating ? 'published' : 'held';
}

/** A low order rating alerts the merchant: at or below the threshold (0 turns it off). */
export function isLowRating(rating: number, rules: Pick<Participation, 'lowRatingThreshold'>): boolean {
  return rating <= rules.lowRatingThreshold;
}

/** What the public sees of a review: no order id, no email, nothing that identifies the shopper but the name they chose. */
export interface PublicReview {
  reviewId: string;
  rating: number;
  title: string;
  text: string;
  /** The name the shopper chose, or null: pages then say "Verified buyer". */
  displayName: string | null;
  verifiedPurchase: true;
  publishedAt: string;
  reply: { text: string; at: string } | null;
  photos: Array<{ url: string; width: number; height: number }>;
}

export function publicReview(r: Review): PublicReview {
  return {
    reviewId: r.reviewId,
    rating: r.rating,
    title: r.title,
    text: r.text,
    displayName: r.displayName ?? null,
    verifiedPurchase: true,
    publishedAt: r.publishedAt ?? r.createdAt,
    reply: r.reply ?? null,
    photos: r.photos.map((p) => ({ url: p.url, width: p.width, height: p.height })),
  };
}

/** A product's published reviews in summary: the same arithmetic as the store's feedback summary. */
export function productSummary(productId: string, distribution: Distribution): Omit<FeedbackSummary, 'store'> & { productId: string } {
  const { count, average, distribution: d } = summarize(productId, distribution);
  return { productId, count, average, distribution: d };
}

export { emptyDistribution };
