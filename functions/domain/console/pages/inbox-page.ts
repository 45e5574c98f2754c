/** The feedback inbox: low ratings and comments to follow up, with a reply form each. */
import type { InboxEntry } from '../../../adapters/console-store.js';
import type { PendingReview } from '../../../services/console/deps.js';
import { html } from '../../pages/html.js';
import type { Principal } from '../access.js';
import { consoleShell, fmtTime } from './layout.js';

export { REPLY_MAX_CHARS as REPLY_MAX } from '../api.js';
import { REPLY_MAX_CHARS as REPLY_MAX } from '../api.js';

export function inboxPage(o: { principal: Principal; csrf: string; store: string; entries: InboxEntry[]; reviews?: PendingReview[]; notice?: string }): string {
  const enc = encodeURIComponent(o.store);
  const body = html`<h1>Feedback inbox</h1>
    ${o.notice === 'reply' ? html`<p role="status">Reply sent and recorded on the order's timeline.</p>` : ''}
    <p class="muted">Ratings of 3 stars or fewer, and every comment, newest first.</p>
    <section aria-labelledby="ratings-title"><h2 id="ratings-title">Ratings and comments</h2>
    ${o.entries.length === 0
      ? html`<p>Nothing to follow up.</p>`
      : html`<ul class="timeline">${o.entries.map((e, i) => html`<li>
          <span class="when">${fmtTime(e.ratedAt)}</span>
          <strong>${'★'.repeat(e.rating)}${'☆'.repeat(5 - e.rating)}</strong> <span class="muted">(${e.rating} of 5)</span>
          · <a href="/console/stores/${enc}/orders/${encodeURIComponent(e.orderId)}">order ${e.orderId}</a>
          ${e.comment ? html`<blockquote>${e.comment}</blockquote>` : ''}
          ${e.repliedAt
            ? html`<p>Replied by ${e.repliedBy} on ${fmtTime(e.repliedAt)}.</p>`
            : html`<form method="post" action="/console/stores/${enc}/feedback/${encodeURIComponent(e.orderId)}/reply" class="stack">
                <input type="hidden" name="csrf" value="${o.csrf}">
                <label for="reply-${i}">Reply to the shopper (sent once)</label>
                <textarea id="reply-${i}" name="message" maxlength="${REPLY_MAX}" required></textarea>
                <button type="submit">Send reply</button></form>`}
        </li>`)}</ul>`}
    </section>
    <section aria-labelledby="reviews-title"><h2 id="reviews-title">Reviews awaiting moderation</h2>
      ${o.notice === 'review' ? html`<p role="status">Decision recorded.</p>` : o.notice === 'review-reply' ? html`<p role="status">Reply recorded.</p>` : ''}
      ${o.reviews === undefined
        ? html`<p class="muted">Product reviews are not collected by this deployment yet; when they are, their moderation queue appears here.</p>`
        : o.reviews.length === 0
          ? html`<p>No review waits.</p>`
          : html`<ul class="timeline">${o.reviews.map((r, i) => {
              const action = `/console/stores/${enc}/reviews/${encodeURIComponent(r.id)}`;
              return html`<li><span class="when">${fmtTime(r.at)}</span>
                <strong>${'★'.repeat(r.rating)}${'☆'.repeat(Math.max(0, 5 - r.rating))}</strong> <span class="muted">(${r.rating} of 5)</span>${r.title ? html` · <strong>${r.title}</strong>` : ''}
                <blockquote>${r.body}</blockquote>
                <div class="actions">
                  <form method="post" action="${action}/decide"><input type="hidden" name="csrf" value="${o.csrf}"><input type="hidden" name="decision" value="approve"><button type="submit">Approve</button></form>
                  <form method="post" action="${action}/decide"><input type="hidden" name="csrf" value="${o.csrf}"><input type="hidden" name="decision" value="reject"><button type="submit" class="secondary">Reject</button></form>
                </div>
                <form method="post" action="${action}/reply" class="stack"><input type="hidden" name="csrf" value="${o.csrf}">
                  <label for="review-reply-${i}">Public reply (once)</label><textarea id="review-reply-${i}" name="message" maxlength="${REPLY_MAX}" required></textarea>
                  <button type="submit">Reply</button></form></li>`;
            })}</ul>`}
    </section>`;
  return consoleShell({ title: 'Feedback', principal: o.principal, store: o.store, section: 'feedback', csrf: o.csrf, body });
}
