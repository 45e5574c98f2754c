/**
 * Shopify webhooks (REST-shaped JSON payloads) mapped to domain events, one module per topic
 * family under `shopify/`: orders (and their money), fulfillments, refunds. Optional display data
 * that does not fit the domain (a tracking URL that is not http(s), an over-long company name) is
 * dropped or clipped instead of rejected, because a 400 makes Shopify retry for hours and then
 * drop the subscription.
 */
import { mapFulfillmentTopic } from './shopify/fulfillments.js';
import { cancelledEvent, mapOrderTopic } from './shopify/orders.js';
import { mapOrderEditTopic, mapRefundTopic } from './shopify/refunds.js';
import { shopifyCancelledOrderSchema, shopifyFulfillmentSchema, shopifyOrderEditSchema, shopifyOrderSchema, shopifyRefundSchema } from './shopify/schemas.js';
import type { ShopifyContext, ShopifyMapping } from './shopify/common.js';

export type { DomainEventInput, ShopifyContext, ShopifyMapping } from './shopify/common.js';
export { shopifyShipmentStatuses } from './shopify/fulfillments.js';
export {
  shopifyCancelledOrderSchema,
  shopifyFulfillmentSchema,
  shopifyOrderSchema,
  shopifyOrderEditSchema,
  shopifyRefundSchema,
  type ShopifyFulfillment,
  type ShopifyOrder,
} from './shopify/schemas.js';

export const shopifyTopics = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'fulfillments/create',
  'fulfillments/update',
  'refunds/create',
  'orders/edited',
] as const;
export type ShopifyTopic = (typeof shopifyTopics)[number];

/** Whether a topic is one this service maps; others are acknowledged and ignored. */
export function isShopifyTopic(topic: string): topic is ShopifyTopic {
  return (shopifyTopics as readonly string[]).includes(topic);
}

/** Validates a Shopify payload for its topic and maps it to domain event inputs. */
export function mapShopifyWebhook(topic: string, payload: unknown, ctx: ShopifyContext): ShopifyMapping {
  if (!isShopifyTopic(topic)) return { kind: 'unknown_topic' };
  switch (topic) {
    case 'orders/create':
    case 'orders/updated': {
      const parsed = shopifyOrderSchema.safeParse(payload);
      return parsed.success ? mapOrderTopic(topic, parsed.data, ctx) : { kind: 'invalid', error: parsed.error };
    }
    case 'orders/cancelled': {
      const parsed = shopifyCancelledOrderSchema.safeParse(payload);
      if (!parsed.success) return { kind: 'invalid', error: parsed.error };
      const o = parsed.data;
      return { kind: 'mapped', events: [cancelledEvent(ctx, o.id, o.cancelled_at, o.cancel_reason)] };
    }
    case 'fulfillments/create':
    case 'fulfillments/update': {
      const parsed = shopifyFulfillmentSchema.safeParse(payload);
      return parsed.success ? mapFulfillmentTopic(topic, parsed.data, ctx) : { kind: 'invalid', error: parsed.error };
    }
    case 'refunds/create': {
      const parsed = shopifyRefundSchema.safeParse(payload);
      return parsed.success ? mapRefundTopic(parsed.data, ctx) : { kind: 'invalid', error: parsed.error };
    }
    case 'orders/edited': {
      const parsed = shopifyOrderEditSchema.safeParse(payload);
      return parsed.success ? mapOrderEditTopic(parsed.data, ctx) : { kind: 'invalid', error: parsed.error };
    }
  }
}
