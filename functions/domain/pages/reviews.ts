/**
 * Review pages: the per-item review forms under the rating, the thank-you page with the
 * referral box, the public product page, the script-free snippet for an iframe, the referral
 * landing page, and the points section of the tracking page. Everything the shopper typed goes
 * through `html`, which escapes it.
 */
import { formatDate } from '../i18n/index.js';
import { ratings } from '../feedback.js';
import type { PublicReview, ReviewStatus } from '../reviews/review.js';
import { MAX_DISPLAY_NAME, MAX_REVIEW_TEXT, MAX_REVIEW_TITLE } from '../reviews/review.js';
import { html, type SafeHtml } from './html.js';
import { reviewPageText, type ReviewPageText } from './i18n/reviews.js';
import { renderLayout, type PageContext, type RenderedPage } from './layout.js';

export const MAX_PHOTO_MB = 4;

const t = (ctx: PageContext): ReviewPageText => reviewPageText[ctx.language];
const starsOf = (n: number) => '★'.repeat(n) + '☆'.repeat(5 - n);

export interface ReviewFormItem {
  lineItemId: string;
  title: string;
  /** Undefined: the item has no product id or SKU to publish a review under. */
  reviewable: boolean;
  reviewed?: ReviewStatus;
}

/** One form per item (each its own review), posted to /reviews with the signed feedback token. */
export function reviewForms(ctx: PageContext, o: { token: string; items: ReviewFormItem[]; photos: boolean }): SafeHtml {
  const p = t(ctx);
  const form = (it: ReviewFormItem, i: number) => {
    if (!it.reviewable) return html`<section class="review-form"><h3>${it.title}</h3><p class="muted">${p.notReviewable}</p></section>`;
    if (it.reviewed) return html`<section class="review-form" data-line-item="${it.lineItemId}"><h3>${it.title}</h3><p role="status">${p.reviewed(it.reviewed)}</p></section>`;
    const id = (f: string) => `r${i}-${f}`;
    return html`<section class="review-form" data-line-item="${it.lineItemId}" aria-labelledby="${id('h')}">
<h3 id="${id('h')}">${it.title}</h3>
<form method="post" action="reviews" enctype="multipart/form-data">
<input type="hidden" name="t" value="${o.token}">
<input type="hidden" name="lineItemId" value="${it.lineItemId}">
<fieldset class="choices"><legend>${p.ratingLegend}</legend>
${ratings.map((r) => html`<label><input type="radio" name="rating" value="${r}" required>${p.stars(r)}</label>`)}
</fieldset>
<label for="${id('title')}">${p.title}</label>
<input id="${id('title')}" name="title" type="text" required maxlength="${MAX_REVIEW_TITLE}">
<label for="${id('text')}">${p.text}</label>
<textarea id="${id('text')}" name="text" required maxlength="${MAX_REVIEW_TEXT}" rows="5"></textarea>
<label for="${id('name')}">${p.displayName}</label>
<p class="hint" id="${id('name-hint')}">${p.displayNameHint}</p>
<input id="${id('name')}" name="displayName" type="text" maxlength="${MAX_DISPLAY_NAME}" aria-describedby="${id('name-hint')}" autocomplete="nickname">
${
  o.photos
    ? html`<label for="${id('photo')}">${p.photo}</label>
<p class="hint" id="${id('photo-hint')}">${p.photoHint(MAX_PHOTO_MB)}</p>
<input id="${id('photo')}" name="photo" type="file" accept="image/jpeg,image/png,image/webp" aria-describedby="${id('photo-hint')}">`
    : ''
}
<button type="submit">${p.submit}</button>
</form>
</section>`;
  };
  return html`<h2>${p.reviewItems}</h2>
<p>${p.reviewIntro}</p>
${o.items.map(form)}`;
}

export interface ReferralView {
  code: string;
  link: string;
  pointsPerReferral: number;
}

export function referralBox(ctx: PageContext, r: ReferralView): SafeHtml {
  const p = t(ctx);
  return html`<section class="referral" aria-labelledby="referral-h">
<h2 id="referral-h">${p.referralTitle}</h2>
<p>${p.referralAsk(r.code, r.pointsPerReferral)}</p>
<p class="code" data-referral-code="${r.code}">${r.code}</p>
<p><a href="${r.link}" rel="noopener">${p.referralLink}</a></p>
</section>`;
}

export function renderReviewThanks(ctx: PageContext, o: { status: ReviewStatus; productName: string; referral?: ReferralView; back: string }): RenderedPage {
  const p = t(ctx);
  const body = html`<h1>${p.thanksTitle}</h1>
<p>${p.thanks}</p>
<p role="status" data-review-status="${o.status}">${o.productName}: ${o.status === 'published' ? p.published : p.held}</p>
<p><a href="${o.back}">${p.reviewItems}</a></p>
${o.referral ? referralBox(ctx, o.referral) : ''}`;
  return renderLayout(ctx, { status: 201, title: p.thanksTitle, body });
}

export type ReviewError =
  | { code: 'not_in_order' }
  | { code: 'already_reviewed' }
  | { code: 'invalid'; field: string; why: string }
  | { code: 'too_large' }
  | { code: 'not_image' };

const reviewErrorStatus: Record<ReviewError['code'], number> = { not_in_order: 422, already_reviewed: 409, invalid: 400, too_large: 413, not_image: 415 };

export function renderReviewError(ctx: PageContext, e: ReviewError, back?: string): RenderedPage {
  const p = t(ctx);
  const fieldName: Record<string, string> = { rating: p.ratingLegend, title: p.title, text: p.text, displayName: p.displayName, lineItemId: p.reviewItems, photo: p.photo };
  const text =
    e.code === 'not_in_order'
      ? p.errors.notInOrder
      : e.code === 'already_reviewed'
        ? p.errors.alreadyReviewed
        : e.code === 'too_large'
          ? p.errors.tooLarge(MAX_PHOTO_MB)
          : e.code === 'not_image'
            ? p.errors.notImage
            : p.errors.invalid(fieldName[e.field] ?? e.field, e.why);
  const body = html`<h1>${p.errors.title}</h1>
<p class="error" role="alert" data-error="${e.code}">${text}</p>
${back ? html`<p><a href="${back}">${p.reviewItems}</a></p>` : ''}`;
  return renderLayout(ctx, { status: reviewErrorStatus[e.code], title: p.errors.title, body });
}

export interface ProductPageView {
  productName: string;
  storeName: string;
  summary: { count: number; average: number | null; distribution: Record<1 | 2 | 3 | 4 | 5, number> };
  reviews: PublicReview[];
  /** Relative links to the first and the next page. */
  first?: string;
  next?: string;
}

function reviewList(ctx: PageContext, v: ProductPageView): SafeHtml {
  const p = t(ctx);
  const avg = v.summary.average === null ? undefined : new Intl.NumberFormat(ctx.locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(v.summary.average);
  const item = (r: PublicReview) => html`<article class="review" data-review-id="${r.reviewId}">
<p class="stars" role="img" aria-label="${p.stars(r.rating)}">${starsOf(r.rating)}</p>
<h3>${r.title}</h3>
<p class="muted">${r.displayName ?? p.verifiedBuyer} · ${p.verifiedPurchase} · <time datetime="${r.publishedAt}">${formatDate(r.publishedAt, ctx.locale, ctx.timeZone)}</time></p>
<p>${r.text}</p>
${r.photos.map((ph) => html`<img class="photo" src="${ph.url}" width="${ph.width}" height="${ph.height}" alt="">`)}
${r.reply ? html`<div class="reply"><strong>${p.storeReply(v.storeName)}</strong><p>${r.reply.text}</p></div>` : ''}
</article>`;
  return html`<p class="status" data-average="${v.summary.average ?? ''}" data-count="${v.summary.count}">${avg ? html`<span class="stars" aria-hidden="true">${starsOf(Math.round(v.summary.average!))}</span> ${p.average(avg, v.summary.count)}` : p.noReviews}</p>
${
  v.summary.count > 0
    ? html`<table class="dist"><caption class="muted">${p.distribution}</caption>${[5, 4, 3, 2, 1].map(
        (n) => html`<tr><th scope="row">${p.starsRow(n)}</th><td>${v.summary.distribution[n as 1]}</td></tr>`,
      )}</table>`
    : ''
}
${v.reviews.map(item)}`;
}

export function renderProductPage(ctx: PageContext, v: ProductPageView): RenderedPage {
  const p = t(ctx);
  const body = html`<h1>${p.productTitle(v.productName)}</h1>
${reviewList(ctx, v)}
<p>${v.first ? html`<a href="${v.first}">${p.newer}</a> ` : ''}${v.next ? html`<a href="${v.next}" rel="next">${p.older}</a>` : ''}</p>`;
  return renderLayout(ctx, { status: 200, title: p.productTitle(v.productName), body });
}

/** For an iframe on the store's own site: no scripts, any site may frame it, links open outside the frame. */
export function renderSnippet(ctx: PageContext, v: ProductPageView & { all: string }): RenderedPage {
  const p = t(ctx);
  const body = html`${reviewList(ctx, v)}
<p><a href="${v.all}" target="_top">${p.allReviews}</a></p>`;
  return renderLayout({ ...ctx, brand: { accentColor: ctx.brand.accentColor } }, { status: 200, title: p.productTitle(v.productName), body, frameAncestors: '*' });
}

export function renderReferralPage(ctx: PageContext, o: { storeName: string; status: number; code?: string; error?: 'own_code' | 'unknown_code'; email?: string }): RenderedPage {
  const p = t(ctx);
  const body = html`<h1>${p.referralPageTitle}</h1>
${o.error ? html`<p class="error" role="alert" data-error="${o.error}">${o.error === 'own_code' ? p.errors.ownCode : p.errors.unknownCode}</p>` : ''}
${
  o.code && !o.error
    ? html`<p role="status">${p.referralUse(o.code)}</p><p class="code">${o.code}</p>`
    : o.error === 'unknown_code'
      ? ''
      : html`<p>${p.referralPageIntro(o.storeName)}</p>
<form method="post">
<label for="email">${p.referralEmailLabel}</label>
<input id="email" name="email" type="email" required maxlength="320" autocomplete="email" value="${o.email ?? ''}">
<button type="submit">${p.referralCheck}</button>
</form>`
}`;
  return renderLayout(ctx, { status: o.status, title: p.referralPageTitle, body });
}

export { OUTCOMES, type FeedbackOutcome } from './points.js';
