import type { KnownCancelReason } from '../../i18n/index.js';
import type { Block, EmailDoc } from '../document.js';
import { greeting, optional, orderedItems, trackingLink, type Env } from '../parts.js';

const KNOWN: ReadonlySet<string> = new Set<KnownCancelReason>(['customer', 'inventory', 'declined']);
// Platform codes that are for the merchant, not the shopper ("fraud" least of all).
const UNSAID: ReadonlySet<string> = new Set(['fraud', 'other', 'staff']);

function reasonText(env: Env, raw: string | undefined): string | undefined {
  const reason = raw?.trim();
  if (!reason) return undefined;
  const code = reason.toLowerCase();
  if (KNOWN.has(code)) return env.m.cancellation.knownReasons[code as KnownCancelReason];
  return UNSAID.has(code) ? undefined : reason;
}

export function cancellation(env: Env): EmailDoc {
  const { order, ctx } = env;
  const c = env.m.cancellation;
  const reason = reasonText(env, ctx.state.cancelled?.reason);
  const money =
    ctx.state.refunded === 'full' || order.paymentStatus === 'refunded'
      ? c.refunded
      : order.paymentStatus === 'pending' || order.paymentStatus === 'authorized' || order.paymentStatus === 'voided'
        ? c.notCharged
        : c.willRefund;
  const blocks: Block[] = [
    { type: 'heading', text: c.heading },
    greeting(env),
    { type: 'paragraph', text: c.intro(order.orderName, env.date(order.placedAt)) },
    ...optional(reason, (value) => ({ type: 'facts', rows: [{ label: c.reason, value }] })),
    { type: 'items', title: env.m.common.orderLabel(order.orderName), items: orderedItems(env) },
    { type: 'paragraph', text: money },
    { type: 'paragraph', text: c.support(ctx.branding.supportEmail) },
    ...trackingLink(env),
  ];
  return { subject: c.subject(order.orderName), preheader: c.preheader, blocks };
}
