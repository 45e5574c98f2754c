/** The page after a rating click, with the optional comment form, and the page after a comment. */
import { MAX_COMMENT_LENGTH, type Rating } from '../feedback.js';
import { html, type SafeHtml } from './html.js';
import { pageText, renderLayout, type PageContext, type RenderedPage } from './layout.js';

export interface FeedbackPageOptions {
  rating: Rating;
  /** False when this click found an earlier rating: the page then says the first one counts. */
  recorded: boolean;
  orderName?: string;
  /** The signed feedback token, posted back with the comment. */
  token: string;
  comment: 'open' | 'stored' | 'already_commented';
  /** A rejected comment: shown again with the reason, so nothing typed is lost. */
  rejected?: { reason: 'empty' | 'too_long'; draft: string };
  /** Below the comment: the item reviews and the referral box (functions/domain/pages/reviews.ts). */
  extra?: SafeHtml;
}

export function renderFeedbackPage(ctx: PageContext, o: FeedbackPageOptions): RenderedPage {
  const p = pageText(ctx).feedback;
  const error = o.rejected ? (o.rejected.reason === 'empty' ? p.commentEmpty : p.commentTooLong(MAX_COMMENT_LENGTH)) : undefined;
  const stars = '★'.repeat(o.rating) + '☆'.repeat(5 - o.rating);
  const commentPart =
    o.comment === 'stored'
      ? html`<p role="status">${p.commentThanks}</p>`
      : o.comment === 'already_commented'
        ? html`<p role="status">${p.alreadyCommented}</p>`
        : html`<form method="post">
<input type="hidden" name="t" value="${o.token}">
${error ? html`<p class="error" role="alert" id="comment-error">${error}</p>` : ''}
<label for="comment">${p.commentLabel}</label>
<p class="hint" id="comment-hint">${p.commentHint(MAX_COMMENT_LENGTH)}</p>
<textarea id="comment" name="comment" maxlength="${MAX_COMMENT_LENGTH}" rows="6" aria-describedby="comment-hint${error ? ' comment-error' : ''}">${o.rejected?.draft ?? ''}</textarea>
<button type="submit">${p.submit}</button>
</form>`;
  const body = html`<h1>${p.title}</h1>
<p class="stars" role="img" aria-label="${p.ratingLabel(o.rating)}">${stars}</p>
<p>${o.recorded ? p.recorded(o.rating, o.orderName) : p.alreadyRecorded(o.rating, o.orderName)}</p>
${commentPart}
${o.extra ?? ''}`;
  return renderLayout(ctx, { status: o.rejected ? 400 : 200, title: p.title, body });
}
