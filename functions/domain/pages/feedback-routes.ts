/**
 * The feedback routes: the star click (`GET /feedback`: records the first rating, offers a
 * comment and a review form per item), and the comment (`POST /feedback`). Served by the reviews
 * function with the review routes (functions/reviews.ts), so the pages function stays small.
 */
import {
  commentSchema,
  MAX_COMMENT_LENGTH,
  ratingParamSchema,
} from '../feedback.js';
import type { Order } from '../order.js';
import type { StoreConfig } from '../store-config.js';
import { renderFeedbackPage } from './feedback.js';
import { claimsOf, contextFor, errorPage, form, loadOrder, page, type PageRoute, type PagesDeps, type PagesRequest, type PagesResponse } from './http.js';
import { html } from './html.js';
import type { PageContext } from './layout.js';
import { referralBox, reviewForms } from './reviews.js';

async function getFeedback(req: PagesRequest, deps: PagesDeps): Promise<PagesResponse> {
  const link = claimsOf(deps, req.query.t, 'feedback');
  if (!link) return errorPage(req, deps, 'forbidden');
  const rating = ratingParamSchema.safeParse(req.query.rating ?? '');
  const { store, claims } = link;
  if (!rating.success) {
    const view = await loadOrder(deps, store.storeId, claims.orderId);
    return errorPage(req, deps, 'bad_rating', store, view?.state.order);
  }
  const [view, result] = await Promise.all([
    loadOrder(deps, store.storeId, claims.orderId),
    deps.feedback.recordRating(store.storeId, claims.orderId, rating.data, deps.now()),
  ]);
  if (result.recorded) {
    try {
      await deps.onFeedback(store.storeId, claims.orderId);
    } catch (error) {
      // The rating is stored; a waiting workflow also sees it when its own deadline fires.
      deps.logger?.warn('could not wake the workflow after feedback', { store: store.storeId, orderId: claims.orderId, error });
    }
  }
  const order = view?.state.order;
  const ctx = contextFor(req, deps, store, order);
  return page(
    renderFeedbackPage(ctx, {
      rating: result.feedback.rating,
      recorded: result.recorded,
      orderName: order?.orderName,
      token: req.query.t!,
      comment: result.feedback.comment !== undefined ? 'already_commented' : 'open',
      extra: order ? await participationPart(ctx, deps, store, order, result.feedback.rating, result.recorded, req.query.t!) : undefined,
    }),
  );
}

/** The item reviews and the referral box under the rating; nothing if reviews are off or fail. */
async function participationPart(ctx: PageContext, deps: PagesDeps, store: StoreConfig, order: Order, rating: number, recorded: boolean, token: string) {
  if (!deps.participation?.afterRating) return undefined;
  try {
    const part = await deps.participation.afterRating(store, order, rating, recorded);
    return html`${reviewForms(ctx, { token, items: part.items, photos: part.photos })}${part.referral ? referralBox(ctx, part.referral) : ''}`;
  } catch (error) {
    // The rating is recorded either way; the shopper can come back to review.
    deps.logger?.warn('review forms unavailable', { store: store.storeId, orderId: order.orderId, error });
    return undefined;
  }
}

async function postFeedback(req: PagesRequest, deps: PagesDeps): Promise<PagesResponse> {
  const fields = form(req);
  const token = fields.get('t') ?? req.query.t;
  const link = claimsOf(deps, token, 'feedback');
  if (!link) return errorPage(req, deps, 'forbidden');
  const { store, claims } = link;
  const [view, existing] = await Promise.all([
    loadOrder(deps, store.storeId, claims.orderId),
    deps.feedback.getFeedback(store.storeId, claims.orderId),
  ]);
  const order = view?.state.order;
  if (!existing) return errorPage(req, deps, 'not_rated', store, order);
  const ctx = contextFor(req, deps, store, order);
  const base = { rating: existing.rating, recorded: true, orderName: order?.orderName, token: token! };
  if (existing.comment !== undefined) return page(renderFeedbackPage(ctx, { ...base, comment: 'already_commented' }));

  const raw = fields.get('comment') ?? '';
  const comment = commentSchema.safeParse(raw);
  if (!comment.success) {
    const reason = raw.trim().length === 0 ? 'empty' : 'too_long';
    // Echo back what was typed (bounded) so the shopper can shorten it rather than retype it.
    const draft = raw.slice(0, MAX_COMMENT_LENGTH * 2);
    return page(renderFeedbackPage(ctx, { ...base, comment: 'open', rejected: { reason, draft } }));
  }
  const outcome = await deps.feedback.addComment(store.storeId, claims.orderId, comment.data, deps.now());
  if (outcome === 'not_rated') return errorPage(req, deps, 'not_rated', store, order);
  return page(renderFeedbackPage(ctx, { ...base, comment: outcome === 'stored' ? 'stored' : 'already_commented' }));
}

export const feedbackRoutes: readonly PageRoute[] = [
  { method: 'GET', path: '/feedback', handle: getFeedback },
  { method: 'POST', path: '/feedback', handle: postFeedback },
];
