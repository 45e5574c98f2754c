/**
 * Domain events: what a platform told us, normalized. Every adapter (Shopify, the generic
 * Standard Webhooks format) maps its payloads to these; everything downstream reads only these.
 * The generic webhook format is `{ type, timestamp, store, eventId?, data }` with `data` one of
 * the payloads below (functions/domain/platforms/generic.ts), so these payload schemas are also
 * the published contract (docs/webhook-event.schema.json, docs/openapi.json).
 */
import * as z from 'zod';
import { currencySchema, lineItemSchema, moneySchema, orderSchema, timestampSchema } from './order.js';
import { canonicalStoreIdSchema } from './store-id.js';

export const shipmentStatusSchema = z.enum([
  'label_printed',
  'in_transit',
  'out_for_delivery',
  'attempted_delivery',
  'delivered',
  'failure',
]);
export type ShipmentStatus = z.infer<typeof shipmentStatusSchema>;

const trackingUrlSchema = z.url({ protocol: /^https?$/ });

export const shipmentSchema = z.object({
  shipmentId: z.string().min(1).max(100),
  /** Which line items (by line item id) and how many of each are in this shipment. */
  lineItems: z
    .array(z.object({ lineItemId: lineItemSchema.shape.id, quantity: z.number().int().positive() }))
    .max(500)
    .default([]),
  carrier: z.string().max(100).optional(),
  trackingNumber: z.string().max(100).optional(),
  trackingUrl: trackingUrlSchema.optional(),
  estimatedDelivery: timestampSchema.optional(),
});
export type Shipment = z.infer<typeof shipmentSchema>;

export const delayReasonSchema = z.enum(['backorder', 'carrier_exception', 'weather', 'other']);

/** Payloads by event type. */
export const eventPayloads = {
  'order.placed': z.object({ order: orderSchema }),
  'order.updated': z.object({ order: orderSchema }),
  'order.cancelled': z.object({
    orderId: z.string().min(1).max(100),
    reason: z.string().max(300).optional(),
  }),
  'order.refunded': z.object({
    orderId: z.string().min(1).max(100),
    /** True when the whole order was refunded: no feedback request goes out for it. */
    full: z.boolean(),
    /** The platform's id of this refund: one refund email per refund (default: the event id). */
    refundId: z.string().min(1).max(100).optional(),
    /** The amount refunded, a decimal string; a refund email goes only for a refund with an amount. */
    amount: moneySchema.optional(),
    /** Currency of `amount`, when not the order's. */
    currency: currencySchema.optional(),
    /** The items refunded, by line item id. */
    lineItems: z
      .array(z.object({ lineItemId: lineItemSchema.shape.id, quantity: z.number().int().positive(), amount: moneySchema.optional() }))
      .max(500)
      .optional(),
    /** How the money goes back, as the shopper knows it ("Visa ending 4242", "store credit"). */
    method: z.string().max(100).optional(),
  }),
  'order.delayed': z.object({
    orderId: z.string().min(1).max(100),
    reason: delayReasonSchema.default('other'),
    /** Shown to the shopper as the reason, if given. */
    message: z.string().max(500).optional(),
    shipmentId: z.string().min(1).max(100).optional(),
    newShipBy: timestampSchema.optional(),
    newDeliverBy: timestampSchema.optional(),
  }),
  'shipment.created': z.object({
    orderId: z.string().min(1).max(100),
    shipment: shipmentSchema,
  }),
  /**
   * A local pickup order is ready to collect (issue 13). `shipmentId` names the platform's
   * fulfillment for it, if any, so it is not confirmed as shipped; where and when to collect it
   * comes from the store's `pickup` configuration unless `location` is given.
   */
  'pickup.ready': z.object({
    orderId: z.string().min(1).max(100),
    shipmentId: z.string().min(1).max(100).optional(),
    /** Where to collect it, as the shopper should read it (default: the store's `pickup.location`). */
    location: z.string().max(300).optional(),
  }),
  /** The shopper collected a local pickup order: it counts as delivered. */
  'pickup.completed': z.object({
    orderId: z.string().min(1).max(100),
    shipmentId: z.string().min(1).max(100).optional(),
  }),
  /**
   * Items were added, removed or changed in quantity (issue 13): the shopper hears of it with
   * the new total. `order`, when given, is the order as it stands after the edit (as in
   * order.updated); Shopify's orders/edited gives only the changes, its orders/updated the order.
   */
  'order.edited': z.object({
    orderId: z.string().min(1).max(100),
    /** The platform's id of the edit: one email per edit (default: the event id). */
    editId: z.string().min(1).max(100).optional(),
    order: orderSchema.optional(),
    added: z.array(z.object({ lineItemId: lineItemSchema.shape.id, quantity: z.number().int().positive() })).max(500).default([]),
    removed: z.array(z.object({ lineItemId: lineItemSchema.shape.id, quantity: z.number().int().positive() })).max(500).default([]),
    /** The merchant chose not to tell the shopper (Shopify's "notify customer" unchecked). */
    notifyCustomer: z.boolean().default(true),
  }),
  /**
   * A carrier status, newer tracking details, or both. Without a status only the tracking
   * details given change (a carrier switch, a corrected number); `message` goes with a status.
   */
  'shipment.updated': z.object({
    orderId: z.string().min(1).max(100),
    shipmentId: z.string().min(1).max(100),
    status: shipmentStatusSchema.optional(),
    carrier: z.string().max(100).optional(),
    trackingNumber: z.string().max(100).optional(),
    trackingUrl: trackingUrlSchema.optional(),
    estimatedDelivery: timestampSchema.optional(),
    message: z.string().max(500).optional(),
  }),
} as const;

export type EventType = keyof typeof eventPayloads;
export const eventTypes = Object.keys(eventPayloads) as EventType[];
export type EventPayload<T extends EventType> = z.infer<(typeof eventPayloads)[T]>;

const envelope = {
  /** Unique per business event; duplicates with the same id change nothing. */
  eventId: z.string().min(1).max(200),
  /** Store id, canonical (trimmed, lower-case; see store-id.ts): the Shopify shop domain, or the generic source id. */
  store: canonicalStoreIdSchema,
  source: z.enum(['shopify', 'generic']),
  /** When it happened at the platform: events are ordered by this, not by arrival. */
  occurredAt: timestampSchema,
};

export const domainEventSchema = z.discriminatedUnion('type', [
  z.object({ ...envelope, type: z.literal('order.placed'), data: eventPayloads['order.placed'] }),
  z.object({ ...envelope, type: z.literal('order.updated'), data: eventPayloads['order.updated'] }),
  z.object({ ...envelope, type: z.literal('order.cancelled'), data: eventPayloads['order.cancelled'] }),
  z.object({ ...envelope, type: z.literal('order.refunded'), data: eventPayloads['order.refunded'] }),
  z.object({ ...envelope, type: z.literal('order.delayed'), data: eventPayloads['order.delayed'] }),
  z.object({ ...envelope, type: z.literal('shipment.created'), data: eventPayloads['shipment.created'] }),
  z.object({ ...envelope, type: z.literal('order.edited'), data: eventPayloads['order.edited'] }),
  z.object({ ...envelope, type: z.literal('pickup.ready'), data: eventPayloads['pickup.ready'] }),
  z.object({ ...envelope, type: z.literal('pickup.completed'), data: eventPayloads['pickup.completed'] }),
  z.object({ ...envelope, type: z.literal('shipment.updated'), data: eventPayloads['shipment.updated'] }),
]);
export type DomainEvent = z.infer<typeof domainEventSchema>;

/** Whether the order's placed event is among its events (an event may come before its order). */
export function hasPlacedEvent(events: readonly DomainEvent[]): boolean {
  return events.some((e) => e.type === 'order.placed');
}

/** The order id an event belongs to, whatever its type. */
export function orderIdOf(event: DomainEvent): string {
  return 'orderId' in event.data ? event.data.orderId : event.data.order.orderId;
}
