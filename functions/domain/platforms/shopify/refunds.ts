/**
 * refunds/create → order.refunded with the refund's amount, items and method (issue 13: the
 * shopper gets a refund email); orders/edited → order.edited with what the edit changed.
 */
import { isDecimal, sumDecimals } from '../../webhooks/decimal.js';
import { currencySchema } from '../../order.js';
import { clip, event, fits, type ShopifyContext, type ShopifyMapping } from './common.js';
import type { ShopifyOrderEdit, ShopifyRefund } from './schemas.js';

export function mapRefundTopic(r: ShopifyRefund, ctx: ShopifyContext): ShopifyMapping {
  const money = (r.transactions ?? []).filter((t) => t.kind === 'refund' && t.status === 'success' && t.amount && isDecimal(t.amount));
  const amount = money.length ? sumDecimals(money.map((t) => t.amount!)) : undefined;
  const currency = money.map((t) => t.currency).find((c) => fits(currencySchema, c)) ?? undefined;
  const card = money.map((t) => t.payment_details).find((p) => p?.credit_card_company || p?.credit_card_number);
  // "•••• •••• •••• 4242" → "•••• 4242": the card's last digits, as the shopper knows the card.
  const last = card?.credit_card_number?.replace(/\s+/g, ' ').trim().split(' ').at(-1);
  const method = card ? clip([card.credit_card_company, last ? `•••• ${last.replace(/\D/g, '')}` : undefined].filter(Boolean).join(' '), 100) : undefined;
  const lineItems = (r.refund_line_items ?? [])
    .filter((li) => li.quantity > 0)
    .map((li) => ({ lineItemId: li.line_item_id, quantity: li.quantity, ...(li.subtotal && isDecimal(li.subtotal) ? { amount: li.subtotal } : {}) }));
  // A refund alone does not say whether it covers the whole order; orders/updated with
  // financial_status "refunded" reports the full refund (under its own event id), and refunds
  // whose amounts add up to the total count as full in the fold.
  return {
    kind: 'mapped',
    events: [
      event(ctx, 'order.refunded', `shopify:order.refunded:${r.id}`, r.processed_at ?? r.created_at, {
        orderId: r.order_id,
        full: false,
        refundId: r.id,
        ...(amount !== undefined ? { amount, ...(currency ? { currency } : {}) } : {}),
        ...(lineItems.length ? { lineItems } : {}),
        ...(method ? { method } : {}),
      }),
    ],
  };
}

export function mapOrderEditTopic(body: ShopifyOrderEdit, ctx: ShopifyContext): ShopifyMapping {
  const e = body.order_edit;
  const changes = (list: Array<{ id: string; delta: number }> | null | undefined) =>
    (list ?? []).filter((c) => Math.abs(c.delta) > 0).map((c) => ({ lineItemId: c.id, quantity: Math.abs(c.delta) }));
  return {
    kind: 'mapped',
    events: [
      event(ctx, 'order.edited', `shopify:order.edited:${e.id}`, e.created_at, {
        orderId: e.order_id,
        editId: e.id,
        added: changes(e.line_items?.additions),
        removed: changes(e.line_items?.removals),
        notifyCustomer: e.notify_customer !== false,
      }),
    ],
  };
}
