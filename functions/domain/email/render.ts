/**
 * Renders the emails shoppers get. Pure: no AWS, no I/O, no template compiler; a render is a
 * few string concatenations, so it costs nothing at cold start and well under a millisecond warm.
 */
import {
  formatDate,
  formatMoney,
  formatPercent,
  formattingLocale,
  messagesFor,
  resolveLocale,
} from '../i18n/index.js';
import { NON_ESSENTIAL_KINDS, type EmailContext, type EmailKind, type RenderedEmail } from './context.js';
import { brandingFrame, type EmailDoc, type Frame } from './document.js';
import { renderHtml } from './html-part.js';
import { cancellation } from './kinds/cancellation.js';
import { delayNotice } from './kinds/delay-notice.js';
import { feedback } from './kinds/feedback.js';
import { orderEdited, refund } from './kinds/order-changes.js';
import { pickedUp, pickupReady } from './kinds/pickup.js';
import { delivered, deliveryAttemptFailed, deliveryException, outForDelivery, shippingUpdate } from './kinds/parcel.js';
import { receipt } from './kinds/receipt.js';
import { shippingConfirmation } from './kinds/shipping-confirmation.js';
import { endSentence, type Env } from './parts.js';
import { cleanText, headerText, plainEmail, safeUrl } from './safe.js';
import { renderText } from './text-part.js';

export { EMAIL_KINDS, KIND_SPECS, NON_ESSENTIAL_KINDS, UPDATE_KINDS } from './context.js';
export type { DelayNoticeInfo, EmailContext, EmailKind, FeedbackLinks, RenderedEmail } from './context.js';

const builders: Record<EmailKind, (env: Env) => EmailDoc> = {
  receipt,
  shipping_confirmation: shippingConfirmation,
  delay_notice: delayNotice,
  feedback_request: (env) => feedback(env, false),
  feedback_reminder: (env) => feedback(env, true),
  cancellation,
  shipping_update: shippingUpdate,
  out_for_delivery: outForDelivery,
  delivery_attempt_failed: deliveryAttemptFailed,
  delivery_exception: deliveryException,
  delivered,
  refund,
  order_edited: orderEdited,
  pickup_ready: pickupReady,
  picked_up: pickedUp,
};

function frameFor(env: Env): Frame {
  const { ctx, m } = env;
  const b = ctx.branding;
  const frame: Frame = {
    ...brandingFrame(b, env.locale),
    colon: m.common.colon,
    footerWhy: endSentence(m.common.footerWhy(b.name)),
    questions: m.common.questions(b.supportEmail),
  };
  if (NON_ESSENTIAL_KINDS.has(ctx.kind)) {
    const page = safeUrl(ctx.links.unsubscribe);
    frame.unsubscribe = page ? { label: m.common.unsubscribe, href: page } : { text: m.common.unsubscribeByMail(b.supportEmail) };
  }
  return frame;
}

/**
 * RFC 2369 / RFC 8058 headers for the kinds a shopper may opt out of; none for transactional
 * mail, where mailbox providers would offer an unsubscribe that must not apply. The one-click
 * POST header is only sent with a URL to POST to; mailto alone still lets clients unsubscribe.
 */
function headersFor(ctx: EmailContext): RenderedEmail['headers'] {
  if (!NON_ESSENTIAL_KINDS.has(ctx.kind)) return [];
  const oneClick = safeUrl(ctx.links.unsubscribeOneClick);
  const mail = plainEmail(ctx.branding.supportEmail);
  const targets = [...(oneClick ? [oneClick] : []), ...(mail ? [`mailto:${mail}?subject=unsubscribe`] : [])];
  const headers: RenderedEmail['headers'] = [];
  if (targets.length) headers.push({ name: 'List-Unsubscribe', value: cleanText(targets.map((t) => `<${t}>`).join(', ')) });
  if (oneClick) headers.push({ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' });
  return headers;
}

/** Subject, HTML and text parts, and headers for one email. Throws when the context lacks what the kind needs. */
export function renderEmail(ctx: EmailContext): RenderedEmail {
  const order = ctx.state.order;
  if (!order) throw new Error(`renderEmail: ${ctx.kind} for order ${ctx.state.orderId} needs state.order, which is not known yet`);
  const build = Object.hasOwn(builders, ctx.kind) ? builders[ctx.kind] : undefined;
  if (!build) throw new Error(`renderEmail: unknown email kind "${String(ctx.kind)}"`);
  const language = resolveLocale(ctx.locale);
  const locale = formattingLocale(ctx.locale, language);
  const env: Env = {
    ctx,
    order,
    m: messagesFor(language),
    locale,
    money: (amount) => formatMoney(amount, order.currency, locale),
    date: (iso) => formatDate(iso, locale, ctx.timeZone),
    percent: (rate) => formatPercent(rate, locale),
    tracking: safeUrl(ctx.links.tracking),
  };
  const doc = build(env);
  const frame = frameFor(env);
  return { subject: headerText(doc.subject), html: renderHtml(doc, frame), text: renderText(doc, frame), headers: headersFor(ctx) };
}
