/** refunds/create → a partial order.refunded. */
import { event, type ShopifyContext, type ShopifyMapping } from './common.js';
import type { ShopifyRefund } from './schemas.js';

export function mapRefundTopic(r: ShopifyRefund, ctx: ShopifyContext): ShopifyMapping {
  // A refund alone does not say whether it covers the whole order; orders/updated with
  // financial_status "refunded" reports the full refund (under its own event id).
  return {
    kind: 'mapped',
    events: [event(ctx, 'order.refunded', `shopify:order.refunded:${r.id}`, r.processed_at ?? r.created_at, { orderId: r.order_id, full: false })],
  };
}
