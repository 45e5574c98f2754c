/** Error pages: short, in the shopper's language, and saying nothing an attacker could use. */
import { html } from './html.js';
import { pageText, renderLayout, type PageContext, type RenderedPage } from './layout.js';

export type PageError = 'forbidden' | 'bad_rating' | 'not_rated' | 'not_found' | 'order_gone' | 'server_error';

const statusOf: Record<PageError, number> = {
  forbidden: 403,
  bad_rating: 400,
  not_rated: 400,
  not_found: 404,
  order_gone: 404,
  server_error: 500,
};

export function renderErrorPage(ctx: PageContext, error: PageError): RenderedPage {
  const t = pageText(ctx);
  const e = t.errors;
  const pages: Record<PageError, [title: string, text: string]> = {
    forbidden: [e.forbiddenTitle, e.forbidden],
    bad_rating: [e.badRequestTitle, e.badRating],
    not_rated: [e.badRequestTitle, t.feedback.notRated],
    not_found: [e.notFoundTitle, e.notFound],
    order_gone: [e.orderGoneTitle, e.orderGone],
    server_error: [e.serverErrorTitle, e.serverError],
  };
  const [title, text] = pages[error];
  return renderLayout(ctx, { status: statusOf[error], title, body: html`<h1>${title}</h1>\n<p>${text}</p>` });
}
