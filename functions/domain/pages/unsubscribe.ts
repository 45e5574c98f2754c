/**
 * Unsubscribe: a confirmation page whose button posts back to the same URL, and the page
 * after. GET never unsubscribes, because mail scanners open every link in a message.
 */
import { html } from './html.js';
import { pageText, renderLayout, type PageContext, type RenderedPage } from './layout.js';

export function renderUnsubscribeConfirm(ctx: PageContext, o: { email: string; storeName: string }): RenderedPage {
  const p = pageText(ctx).unsubscribe;
  // No action attribute: the form posts to this page's own URL, token included, exactly
  // what a one-click unsubscribe posts to.
  const body = html`<h1>${p.title}</h1>
<p>${p.confirm(o.email, o.storeName)}</p>
<p class="muted">${p.stillTransactional}</p>
<form method="post">
<button type="submit">${p.button}</button>
</form>`;
  return renderLayout(ctx, { status: 200, title: p.title, body });
}

export function renderUnsubscribed(ctx: PageContext, o: { email: string; storeName: string }): RenderedPage {
  const p = pageText(ctx).unsubscribe;
  const body = html`<h1>${p.doneTitle}</h1>
<p role="status">${p.done(o.email, o.storeName)}</p>
<p class="muted">${p.stillTransactional}</p>`;
  return renderLayout(ctx, { status: 200, title: p.doneTitle, body });
}
