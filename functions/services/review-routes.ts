/**
 * Routes for reviews, rewards and referrals: the shopper's review form post, the public product
 * reviews (HTML or JSON by Accept, a script-free snippet, Google's XML feed), the referral page,
 * review photos, and the merchant API (moderation, replies, the reward-code pool, responses to
 * feedback).
 *
 * The merchant API is JSON under /stores/{store}/…, authenticated like the ops summary (bearer
 * ops token) through one function, `authorizeMerchant`, so a console signed in another way
 * (issue 17: Cognito) replaces that function and keeps the routes and their answers.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { BadCursor, type ReviewStore } from '../adapters/review-store.js';
import { alertLowRating, notifyReply, referralFor, rewardReview, type ParticipationDeps } from './participation.js';
import { trackingToken } from '../domain/links.js';
import { feedbackResponseRequestSchema, rejectRequestSchema, replyRequestSchema, rewardCodesRequestSchema, type ProductReviewsResponse } from '../domain/reviews/api.js';
import { renderReviewFeed } from '../domain/reviews/feed.js';
import { pointsAccount, referralCodeSchema } from '../domain/reviews/referrals.js';
import {
  initialStatus,
  isLowRating,
  parseReviewId,
  productSummary,
  publicReview,
  rejectReasonSchema,
  reviewFormSchema,
  reviewIdOf,
  reviewableItems,
  type Review,
  type ReviewPhoto,
} from '../domain/reviews/review.js';
import { reviewPageText } from '../domain/pages/i18n/reviews.js';
import {
  bearerMatches,
  claimsOf,
  contextFor,
  errorPage,
  form,
  header,
  json,
  loadOrder,
  page,
  storeById,
  type PageRoute,
  type PagesDeps,
  type ParticipationHooks,
  type PagesRequest,
  type PagesResponse,
} from '../domain/pages/http.js';
import { OUTCOMES, type ReviewFormItem, renderProductPage, renderReferralPage, renderReviewError, renderReviewThanks, renderSnippet, MAX_PHOTO_MB, type ReviewError } from '../domain/pages/reviews.js';

/** What a photo upload needs: checking and re-encoding (sharp), and an S3 bucket. */
export interface PhotoService {
  /** Decodes, checks and re-encodes an upload; the result carries none of the original's metadata. */
  process(bytes: Uint8Array): Promise<{ ok: true; bytes: Uint8Array; contentType: string; width: number; height: number } | { ok: false; error: 'not_image' | 'too_large' }>;
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined>;
}

export interface ReviewsDeps {
  reviews: ReviewStore;
  participation: ParticipationDeps;
  photos?: PhotoService;
}

const MAX_UPLOAD_BYTES = MAX_PHOTO_MB * 1024 * 1024;
/** The whole form: the photo plus its text fields and multipart framing. */
const MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024;
const PRODUCT_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const PUBLIC_CACHE = { 'Cache-Control': 'public, max-age=300' };


// ---------------------------------------------------------------------------------------------
// Request bodies

interface FormFields {
  get(name: string): string | undefined;
  file?: { bytes: Uint8Array; type: string; name: string };
}

/** The review form: urlencoded, or multipart when it carries a photo. */
async function formFields(req: PagesRequest): Promise<FormFields | { error: 'too_large' }> {
  const type = header(req, 'content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    const f = form(req);
    return { get: (n) => f.get(n) ?? undefined };
  }
  const raw = req.rawBody ?? (req.body !== undefined ? Buffer.from(req.body, 'utf8') : new Uint8Array());
  if (raw.byteLength > MAX_BODY_BYTES) return { error: 'too_large' };
  let data: FormData;
  try {
    // undici's multipart parser, built into Node: no dependency for a standard format.
    data = await new Request('http://form.invalid/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
  } catch {
    return { get: () => undefined };
  }
  const photo = data.get('photo');
  const file = photo && typeof photo !== 'string' && photo.size > 0 ? { bytes: new Uint8Array(await photo.arrayBuffer()), type: photo.type, name: photo.name } : undefined;
  return {
    get: (n) => {
      const v = data.get(n);
      return typeof v === 'string' ? v : undefined;
    },
    ...(file ? { file } : {}),
  };
}

type JsonBody = { ok: true; value: unknown } | { ok: false; response: PagesResponse };

function jsonBody(req: PagesRequest): JsonBody {
  const type = (header(req, 'content-type') ?? '').toLowerCase();
  if (!type.startsWith('application/json')) return { ok: false, response: apiError(415, 'unsupported_media_type', 'send application/json') };
  try {
    return { ok: true, value: JSON.parse(req.body ?? '') };
  } catch {
    return { ok: false, response: apiError(400, 'invalid_json', 'the body is not JSON') };
  }
}

function apiError(status: number, code: string, message: string, field?: string, extra: Record<string, string> = {}): PagesResponse {
  return json(status, { error: { code, message, ...(field !== undefined ? { field } : {}) } }, extra);
}

function zodError(error: z.ZodError): PagesResponse {
  const issue = error.issues[0]!;
  return apiError(400, 'invalid_request', issue.message, issue.path.join('.'));
}

const wantsJson = (req: PagesRequest) => /\bapplication\/json\b/i.test(header(req, 'accept') ?? '');

// ---------------------------------------------------------------------------------------------
// The shopper's review

async function postReview(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps): Promise<PagesResponse> {
  const fields = await formFields(req);
  if ('error' in fields) return page(renderReviewError(contextFor(req, deps), { code: 'too_large' }));
  const token = fields.get('t') ?? req.query.t;
  const link = claimsOf(deps, token, 'feedback');
  if (!link) return errorPage(req, deps, 'forbidden');
  const { store, claims } = link;
  const view = await loadOrder(deps, store.storeId, claims.orderId);
  const order = view?.state.order;
  if (!order) return errorPage(req, deps, 'order_gone', store);
  const ctx = contextFor(req, deps, store, order);
  // Back to the rating page, which shows the order's first rating whatever star the link names.
  const rated = await deps.feedback.getFeedback(store.storeId, order.orderId);
  const back = `feedback?t=${encodeURIComponent(token!)}&rating=${rated?.rating ?? 5}`;
  const fail = (e: ReviewError) => page(renderReviewError(ctx, e, back));

  const lineItemId = fields.get('lineItemId') ?? '';
  const target = reviewableItems(order).find((x) => x.item.id === lineItemId);
  if (!target) return fail({ code: 'not_in_order' });
  if (await r.reviews.getReview(store.storeId, order.orderId, lineItemId)) return fail({ code: 'already_reviewed' });
  const parsed = reviewFormSchema.safeParse({
    lineItemId,
    rating: fields.get('rating') ?? '',
    title: fields.get('title') ?? '',
    text: fields.get('text') ?? '',
    displayName: fields.get('displayName')?.trim() ? fields.get('displayName') : undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail({ code: 'invalid', field: String(issue.path[0] ?? 'form'), why: issue.message });
  }

  const reviewId = reviewIdOf(order.orderId, lineItemId);
  const photos: ReviewPhoto[] = [];
  let upload: { key: string; bytes: Uint8Array; contentType: string } | undefined;
  if (fields.file) {
    if (!r.photos) return fail({ code: 'not_image' });
    if (fields.file.bytes.byteLength > MAX_UPLOAD_BYTES) return fail({ code: 'too_large' });
    const processed = await r.photos.process(fields.file.bytes);
    if (!processed.ok) return fail({ code: processed.error });
    const key = `${store.storeId}/${reviewId}/${randomUUID()}.${processed.contentType === 'image/webp' ? 'webp' : 'jpg'}`;
    upload = { key, bytes: processed.bytes, contentType: processed.contentType };
    photos.push({ key, url: `/stores/${encodeURIComponent(store.storeId)}/photos/${key.split('/').slice(1).join('/')}`, width: processed.width, height: processed.height });
  }

  const now = deps.now();
  const status = initialStatus(parsed.data.rating, store.participation);
  const review: Review = {
    reviewId,
    store: store.storeId,
    orderId: order.orderId,
    lineItemId,
    product: target.product,
    rating: parsed.data.rating,
    title: parsed.data.title,
    text: parsed.data.text,
    ...(parsed.data.displayName ? { displayName: parsed.data.displayName } : {}),
    verifiedPurchase: true,
    status,
    language: ctx.language,
    createdAt: now.toISOString(),
    ...(status === 'published' ? { publishedAt: now.toISOString() } : {}),
    photos,
  };
  // The photo first: a review that lost a race leaves at most an unreferenced object behind,
  // never a review pointing at a photo that is not there.
  if (upload) await r.photos!.put(upload.key, upload.bytes, upload.contentType);
  if ((await r.reviews.putReview(review, now)) === 'exists') return fail({ code: 'already_reviewed' });

  let referral;
  try {
    const trackingUrl = `${r.participation.publicBaseUrl.replace(/\/+$/, '')}/track?t=${encodeURIComponent(signTrack(deps, store.storeId, order.orderId))}`;
    await rewardReview(r.participation, store, order, { trackingUrl });
    referral = await referralFor(r.participation, store, { email: order.customer.email, orderId: order.orderId, ...(order.customer.locale ? { locale: order.customer.locale } : {}) });
  } catch (error) {
    // The review is stored; the reward completes on the next visit of the feedback page.
    deps.logger?.warn('review reward not completed', { store: store.storeId, orderId: order.orderId, error });
  }
  return page(renderReviewThanks(ctx, { status, productName: target.item.title, referral, back }));
}

const signTrack = (deps: PagesDeps, store: string, orderId: string) => trackingToken(deps.linkSecret, store, orderId);

// ---------------------------------------------------------------------------------------------
// Public: product reviews, snippet, feed, photos, referral page

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(10),
  cursor: z.string().max(2000).optional(),
});

async function productView(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps, limit?: number) {
  const store = storeById(deps, req.params?.store);
  const productId = req.params?.productId ?? '';
  if (!store || !PRODUCT_ID.test(productId)) return { error: 'not_found' as const };
  const q = pageQuery.safeParse({ limit: limit ?? req.query.limit, cursor: req.query.cursor });
  if (!q.success) return { error: 'bad_query' as const, issue: q.error };
  let pageOf;
  try {
    pageOf = await r.reviews.publishedReviews(store.storeId, productId, q.data.limit, q.data.cursor);
  } catch (e) {
    if (e instanceof BadCursor) return { error: 'bad_cursor' as const };
    throw e;
  }
  const { product, distribution } = await r.reviews.product(store.storeId, productId);
  const summary = productSummary(productId, distribution);
  return { store, productId, name: product?.name || pageOf.items[0]?.product.name || productId, summary, reviews: pageOf.items.map(publicReview), next: pageOf.next, limit: q.data.limit };
}

async function getProductReviews(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps): Promise<PagesResponse> {
  const v = await productView(req, deps, r);
  const asJson = wantsJson(req);
  if ('error' in v) {
    if (v.error === 'not_found') return asJson ? apiError(404, 'not_found', 'unknown store or product id') : errorPage(req, deps, 'not_found');
    if (v.error === 'bad_cursor') return asJson ? apiError(400, 'invalid_request', 'cursor does not belong to this list', 'cursor') : errorPage(req, deps, 'not_found');
    return asJson ? zodError(v.issue!) : errorPage(req, deps, 'not_found');
  }
  const base = `/stores/${encodeURIComponent(v.store.storeId)}/products/${encodeURIComponent(v.productId)}/reviews`;
  if (asJson) {
    const body: ProductReviewsResponse = { store: v.store.storeId, productId: v.productId, name: v.name, count: v.summary.count, average: v.summary.average, distribution: v.summary.distribution, reviews: v.reviews, next: v.next ?? null };
    return json(200, body, { ...PUBLIC_CACHE, Vary: 'Accept' });
  }
  const ctx = contextFor(req, deps, v.store);
  const rel = (cursor?: string) => `reviews?limit=${v.limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const res = page(
    renderProductPage(ctx, {
      productName: v.name,
      storeName: v.store.branding.name,
      summary: v.summary,
      reviews: v.reviews,
      ...(req.query.cursor ? { first: rel() } : {}),
      ...(v.next ? { next: rel(v.next) } : {}),
    }),
  );
  void base;
  return { ...res, headers: { ...res.headers, ...PUBLIC_CACHE, Vary: 'Accept', 'X-Robots-Tag': 'all' } };
}

async function getSnippet(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps): Promise<PagesResponse> {
  const v = await productView(req, deps, r, 5);
  if ('error' in v) return errorPage(req, deps, 'not_found');
  const ctx = contextFor(req, deps, v.store);
  const all = `${r.participation.publicBaseUrl.replace(/\/+$/, '')}/stores/${encodeURIComponent(v.store.storeId)}/products/${encodeURIComponent(v.productId)}/reviews`;
  const res = page(renderSnippet(ctx, { productName: v.name, storeName: v.store.branding.name, summary: v.summary, reviews: v.reviews, all }));
  return { ...res, headers: { ...res.headers, ...PUBLIC_CACHE } };
}

async function getFeed(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps): Promise<PagesResponse> {
  const store = storeById(deps, req.params?.store);
  if (!store) return errorPage(req, deps, 'not_found');
  const base = r.participation.publicBaseUrl.replace(/\/+$/, '');
  const productPage = (rv: Review) => `${base}/stores/${encodeURIComponent(store.storeId)}/products/${encodeURIComponent(rv.product.productId)}/reviews`;
  const xml = renderReviewFeed(await r.reviews.allPublished(store.storeId), {
    publisherName: store.branding.name,
    reviewUrl: productPage,
    productUrl: (rv) => rv.product.url ?? productPage(rv),
    anonymousName: reviewPageText[store.defaultLocale.slice(0, 2) as 'en'] ? reviewPageText[store.defaultLocale.slice(0, 2) as 'en'].verifiedBuyer : reviewPageText.en.verifiedBuyer,
  });
  return {
    status: 200,
    headers: { 'Content-Type': 'application/xml; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'public, max-age=900', 'Content-Security-Policy': "default-src 'none'" },
    body: xml,
  };
}

async function getPhoto(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps): Promise<PagesResponse> {
  const store = storeById(deps, req.params?.store);
  const reviewId = req.params?.reviewId ?? '';
  const file = req.params?.file ?? '';
  if (!r.photos || !store || !/^[0-9a-f-]{36}\.(jpg|webp)$/.test(file)) return errorPage(req, deps, 'not_found');
  const rest = `${reviewId}/${file}`;
  const id = parseReviewId(reviewId);
  const review = id && (await r.reviews.getReview(store.storeId, id.orderId, id.lineItemId));
  // Photos of held or rejected reviews are not public.
  if (!review || review.status !== 'published' || !review.photos.some((p) => p.key === `${store.storeId}/${rest}`)) return errorPage(req, deps, 'not_found');
  const obj = await r.photos.get(`${store.storeId}/${rest}`);
  if (!obj) return errorPage(req, deps, 'not_found');
  return {
    status: 200,
    headers: { 'Content-Type': obj.contentType, 'Cache-Control': 'public, max-age=86400, immutable', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'" },
    body: Buffer.from(obj.bytes).toString('base64'),
    isBase64Encoded: true,
  };
}

async function referralPage(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps, post: boolean): Promise<PagesResponse> {
  const store = storeById(deps, req.params?.store);
  if (!store) return errorPage(req, deps, 'not_found');
  const ctx = contextFor(req, deps, store);
  const code = (req.params?.code ?? '').toUpperCase();
  const owner = referralCodeSchema.safeParse(code).success ? await r.reviews.referrer(store.storeId, code) : undefined;
  if (!owner) return page(renderReferralPage(ctx, { storeName: store.branding.name, status: 404, error: 'unknown_code' }));
  if (!post) return page(renderReferralPage(ctx, { storeName: store.branding.name, status: 200 }));
  const email = z.email().safeParse((form(req).get('email') ?? '').trim().toLowerCase());
  if (!email.success) return page(renderReferralPage(ctx, { storeName: store.branding.name, status: 400 }));
  // A shopper's own code earns nothing: say so, store nothing.
  if (email.data === owner.email) return page(renderReferralPage(ctx, { storeName: store.branding.name, status: 422, error: 'own_code', email: email.data }));
  return page(renderReferralPage(ctx, { storeName: store.branding.name, status: 200, code }));
}

// ---------------------------------------------------------------------------------------------
// Merchant API

/**
 * The one place merchant requests are authenticated: today the ops bearer token (as the feedback
 * summary); a signed-in console replaces this function. Answers the store, or the error to send.
 */
export function authorizeMerchant(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps): { store: NonNullable<ReturnType<typeof storeById>>; r: ReviewsDeps } | { response: PagesResponse } {
  if (!bearerMatches(req, deps.opsToken)) return { response: json(401, { error: { code: 'unauthorized', message: 'a valid bearer token is required' } }, { 'WWW-Authenticate': 'Bearer' }) };
  const store = storeById(deps, req.params?.store);
  if (!store) return { response: apiError(404, 'not_found', 'unknown store') };
  return { store, r };
}

function merchantReview(rv: Review) {
  return { ...rv, productId: rv.product.productId };
}

async function listReviews(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps): Promise<PagesResponse> {
  const auth = authorizeMerchant(req, deps, r);
  if ('response' in auth) return auth.response;
  const q = pageQuery.extend({ status: z.literal('held').default('held') }).safeParse({ ...req.query });
  if (!q.success) return zodError(q.error);
  try {
    const held = await auth.r.reviews.heldReviews(auth.store.storeId, q.data.limit, q.data.cursor);
    return json(200, { store: auth.store.storeId, status: 'held', reviews: held.items.map(merchantReview), next: held.next ?? null });
  } catch (e) {
    if (e instanceof BadCursor) return apiError(400, 'invalid_request', 'cursor does not belong to this list', 'cursor');
    throw e;
  }
}

const rejectBody = rejectRequestSchema;
const replyBody = replyRequestSchema;

async function moderate(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps, approve: boolean): Promise<PagesResponse> {
  const auth = authorizeMerchant(req, deps, r);
  if ('response' in auth) return auth.response;
  const id = parseReviewId(req.params?.reviewId ?? '');
  if (!id) return apiError(404, 'not_found', 'unknown review');
  let decision: { approve: true } | { approve: false; reason: z.infer<typeof rejectReasonSchema> } = { approve: true };
  if (!approve) {
    const body = jsonBody(req);
    if (!body.ok) return body.response;
    const parsed = rejectBody.safeParse(body.value);
    if (!parsed.success) return zodError(parsed.error);
    decision = { approve: false, reason: parsed.data.reason };
  }
  const result = await auth.r.reviews.moderate(auth.store.storeId, id.orderId, id.lineItemId, decision, deps.now());
  if (result.result === 'not_found') return apiError(404, 'not_found', 'unknown review');
  if (result.result === 'not_held') return json(409, { error: { code: 'not_held', message: `the review is ${result.review.status}, not held` }, review: merchantReview(result.review) });
  return json(200, { review: merchantReview(result.review) });
}

async function reply(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps): Promise<PagesResponse> {
  const auth = authorizeMerchant(req, deps, r);
  if ('response' in auth) return auth.response;
  const id = parseReviewId(req.params?.reviewId ?? '');
  if (!id) return apiError(404, 'not_found', 'unknown review');
  const body = jsonBody(req);
  if (!body.ok) return body.response;
  const parsed = replyBody.safeParse(body.value);
  if (!parsed.success) return zodError(parsed.error);
  const result = await auth.r.reviews.reply(auth.store.storeId, id.orderId, id.lineItemId, parsed.data.text, deps.now());
  if (result.result === 'not_found') return apiError(404, 'not_found', 'unknown review');
  // A repeated call completes an email a crash left unsent; the ledger keeps it to one.
  const view = await loadOrder(deps, auth.store.storeId, id.orderId);
  let email: string | undefined;
  if (view?.state.order) email = await notifyReply(auth.r.participation, auth.store, view.state.order, result.review);
  if (result.result === 'already_replied') return json(409, { error: { code: 'already_replied', message: 'the review has a reply already' }, review: merchantReview(result.review), email: email ?? null });
  return json(200, { review: merchantReview(result.review), email: email ?? null });
}

const codesBody = rewardCodesRequestSchema;

async function postCodes(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps): Promise<PagesResponse> {
  const auth = authorizeMerchant(req, deps, r);
  if ('response' in auth) return auth.response;
  const body = jsonBody(req);
  if (!body.ok) return body.response;
  const parsed = codesBody.safeParse(body.value);
  if (!parsed.success) return zodError(parsed.error);
  const { added, skipped } = await auth.r.reviews.addCodes(auth.store.storeId, parsed.data.codes, deps.now());
  return json(200, { added, skipped, available: await auth.r.reviews.codesLeft(auth.store.storeId) });
}

async function getCodes(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps): Promise<PagesResponse> {
  const auth = authorizeMerchant(req, deps, r);
  if ('response' in auth) return auth.response;
  return json(200, { available: await auth.r.reviews.codesLeft(auth.store.storeId), lowPoolThreshold: auth.store.participation.lowPoolThreshold });
}

const responseBody = feedbackResponseRequestSchema;

async function postFeedbackResponse(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps): Promise<PagesResponse> {
  const auth = authorizeMerchant(req, deps, r);
  if ('response' in auth) return auth.response;
  const orderId = req.params?.orderId ?? '';
  const body = jsonBody(req);
  if (!body.ok) return body.response;
  const parsed = responseBody.safeParse(body.value);
  if (!parsed.success) return zodError(parsed.error);
  const view = await loadOrder(deps, auth.store.storeId, orderId);
  if (!view) return apiError(404, 'not_found', 'unknown order');
  const at = deps.now();
  const response = { at: at.toISOString(), reply: parsed.data.reply, outcome: parsed.data.outcome };
  await auth.r.reviews.addFeedbackResponse(auth.store.storeId, orderId, response, at);
  return json(201, { orderId, response });
}

async function getOrderFeedback(req: PagesRequest, deps: PagesDeps, r: ReviewsDeps): Promise<PagesResponse> {
  const auth = authorizeMerchant(req, deps, r);
  if ('response' in auth) return auth.response;
  const orderId = req.params?.orderId ?? '';
  const view = await loadOrder(deps, auth.store.storeId, orderId);
  if (!view) return apiError(404, 'not_found', 'unknown order');
  const [feedback, reviews, responses] = await Promise.all([
    deps.feedback.getFeedback(auth.store.storeId, orderId),
    auth.r.reviews.reviewsOfOrder(auth.store.storeId, orderId),
    auth.r.reviews.feedbackResponses(auth.store.storeId, orderId),
  ]);
  return json(200, {
    orderId,
    orderName: view.state.order!.orderName,
    rating: feedback?.rating ?? null,
    comment: feedback?.comment ?? null,
    reviews: reviews.map(merchantReview),
    responses,
  });
}

/** What the feedback page shows of reviews, rewards and referrals under the rating. */
export function participationHooks(r: ReviewsDeps, linkSecret: () => string | readonly string[]): ParticipationHooks {
  return {
    async afterRating(store, order, rating, recorded) {
      const p = r.participation;
      const reviews = await r.reviews.reviewsOfOrder(store.storeId, order.orderId);
      const trackingUrl = `${p.publicBaseUrl.replace(/\/+$/, '')}/track?t=${encodeURIComponent(trackingToken(linkSecret(), store.storeId, order.orderId))}`;
      // At the click, so someone works on it at once; a comment written after it is in the merchant API.
      if (recorded && isLowRating(rating, store.participation)) await alertLowRating(p, store, order, rating, { trackingUrl });
      // A reward a crash left half done completes here: every step of it is idempotent.
      if (reviews.length > 0) await rewardReview(p, store, order, { trackingUrl });
      const byItem = new Map(reviews.map((rv) => [rv.lineItemId, rv.status]));
      const reviewable = new Set(reviewableItems(order).map((x) => x.item.id));
      const items: ReviewFormItem[] = order.lineItems.map((li) => ({
        lineItemId: li.id,
        title: li.variant ? `${li.title} (${li.variant})` : li.title,
        reviewable: reviewable.has(li.id),
        ...(byItem.has(li.id) ? { reviewed: byItem.get(li.id)! } : {}),
      }));
      const referral = reviews.length > 0 ? await referralFor(p, store, { email: order.customer.email, orderId: order.orderId, ...(order.customer.locale ? { locale: order.customer.locale } : {}) }) : undefined;
      return { items, photos: !!r.photos, ...(referral ? { referral } : {}) };
    },
  };
}

/** The routes, bound to their dependencies (functions/pages.ts lists them after the shopper pages). */
export function reviewRoutes(r: ReviewsDeps): PageRoute[] {
  return [
  { method: 'POST', path: '/reviews', handle: (req, deps) => postReview(req, deps, r) },
  { method: 'GET', path: '/stores/{store}/products/{productId}/reviews', handle: (req, deps) => getProductReviews(req, deps, r) },
  { method: 'GET', path: '/stores/{store}/products/{productId}/reviews/snippet', handle: (req, deps) => getSnippet(req, deps, r) },
  { method: 'GET', path: '/stores/{store}/reviews.xml', handle: (req, deps) => getFeed(req, deps, r) },
  { method: 'GET', path: '/stores/{store}/photos/{reviewId}/{file}', handle: (req, deps) => getPhoto(req, deps, r) },
  { method: 'GET', path: '/stores/{store}/referrals/{code}', handle: (req, deps) => referralPage(req, deps, r, false) },
  { method: 'POST', path: '/stores/{store}/referrals/{code}', handle: (req, deps) => referralPage(req, deps, r, true) },
  { method: 'GET', path: '/stores/{store}/reviews', handle: (req, deps) => listReviews(req, deps, r) },
  { method: 'POST', path: '/stores/{store}/reviews/{reviewId}/approve', handle: (req, deps) => moderate(req, deps, r, true) },
  { method: 'POST', path: '/stores/{store}/reviews/{reviewId}/reject', handle: (req, deps) => moderate(req, deps, r, false) },
  { method: 'POST', path: '/stores/{store}/reviews/{reviewId}/reply', handle: (req, deps) => reply(req, deps, r) },
  { method: 'GET', path: '/stores/{store}/reward-codes', handle: (req, deps) => getCodes(req, deps, r) },
  { method: 'POST', path: '/stores/{store}/reward-codes', handle: (req, deps) => postCodes(req, deps, r) },
  { method: 'GET', path: '/stores/{store}/orders/{orderId}/feedback', handle: (req, deps) => getOrderFeedback(req, deps, r) },
  { method: 'POST', path: '/stores/{store}/orders/{orderId}/feedback-responses', handle: (req, deps) => postFeedbackResponse(req, deps, r) },
];
}
