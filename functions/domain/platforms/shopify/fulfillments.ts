/**
 * fulfillments/create and fulfillments/update → shipment.created, shipment.updated and, for a
 * carrier's "delayed", order.delayed.
 */
import type { ShipmentStatus } from '../../events.js';
import { shipmentSchema } from '../../events.js';
import { timestampSchema } from '../../order.js';
import { clip, event, fits, utc, type DomainEventInput, type ShopifyContext, type ShopifyMapping } from './common.js';
import type { ShopifyFulfillment } from './schemas.js';

/**
 * Shopify shipment_status → domain status. label_purchased and carrier_picked_up are newer
 * Shopify values that fit the same steps. A local pickup order's "ready_for_pickup" and
 * "picked_up" are not carrier statuses: they become pickup.ready and pickup.completed (below).
 */
export const shopifyShipmentStatuses: Readonly<Record<string, ShipmentStatus>> = {
  label_purchased: 'label_printed',
  label_printed: 'label_printed',
  confirmed: 'label_printed',
  carrier_picked_up: 'in_transit',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  attempted_delivery: 'attempted_delivery',
  delivered: 'delivered',
  failure: 'failure',
};

/** Local pickup statuses of a fulfillment: the order is ready to collect, or was collected. */
const PICKUP = { ready_for_pickup: 'pickup.ready', picked_up: 'pickup.completed' } as const;

/** The carrier status that becomes an order.delayed report rather than a shipment status. */
const DELAYED = 'delayed';

const carrierLimit = shipmentSchema.shape.carrier.unwrap().maxLength;
const trackingNumberSchema = shipmentSchema.shape.trackingNumber.unwrap().trim().min(1);
const trackingUrlSchema = shipmentSchema.shape.trackingUrl.unwrap();

export function mapFulfillmentTopic(topic: 'fulfillments/create' | 'fulfillments/update', f: ShopifyFulfillment, ctx: ShopifyContext): ShopifyMapping {
  if (f.status === 'cancelled') {
    return { kind: 'mapped', events: [], ignored: 'fulfillment is cancelled; shipments are not withdrawn' };
  }
  const shipment = toShipment(f);
  // Every fulfillment delivery carries shipment.created under the same id, so a lost or late
  // fulfillments/create cannot lose the shipment's line items; duplicates are deduplicated.
  const events: DomainEventInput[] = [
    event(ctx, 'shipment.created', `shopify:shipment.created:${f.id}`, f.created_at, { orderId: f.order_id, shipment }),
  ];
  const updatedAt = utc(f.updated_at ?? ctx.triggeredAt ?? f.created_at);
  const raw = f.shipment_status ?? undefined;
  // An own-property check: a status named "constructor" is unknown, not Object's constructor.
  const status = raw !== undefined && Object.hasOwn(shopifyShipmentStatuses, raw) ? shopifyShipmentStatuses[raw] : undefined;
  if (status) {
    events.push(
      event(ctx, 'shipment.updated', `shopify:shipment.updated:${f.id}:${status}:${updatedAt}`, updatedAt, {
        orderId: f.order_id,
        shipmentId: shipment.shipmentId,
        status,
        carrier: shipment.carrier,
        trackingNumber: shipment.trackingNumber,
        trackingUrl: shipment.trackingUrl,
        estimatedDelivery: shipment.estimatedDelivery,
      }),
    );
    return { kind: 'mapped', events };
  }
  if (raw !== undefined && Object.hasOwn(PICKUP, raw)) {
    const type = PICKUP[raw as keyof typeof PICKUP];
    // Once per fulfillment and step: a repeated delivery is the same event.
    events.push(event(ctx, type, `shopify:${type}:${f.id}`, updatedAt, { orderId: f.order_id, shipmentId: shipment.shipmentId }));
    return { kind: 'mapped', events };
  }
  if (raw === DELAYED) {
    // A new estimate is a new report; the same estimate repeated is the same delay.
    events.push(
      event(ctx, 'order.delayed', `shopify:order.delayed:${f.id}:${shipment.estimatedDelivery ?? 'no-estimate'}`, updatedAt, {
        orderId: f.order_id,
        reason: 'carrier_exception',
        shipmentId: shipment.shipmentId,
        newDeliverBy: shipment.estimatedDelivery,
      }),
    );
    return { kind: 'mapped', events };
  }
  if (topic === 'fulfillments/create') return { kind: 'mapped', events };
  const ignored = raw === undefined ? 'fulfillment update has no shipment status' : `shipment status "${raw}" is not mapped`;
  if (raw !== undefined || !hasTracking(shipment)) return { kind: 'mapped', events, ignored };
  // No status, but tracking (typically a carrier switch or a corrected number): a status-less
  // shipment.updated carries it, under an id no status update can have.
  events.push(
    event(ctx, 'shipment.updated', `shopify:shipment.updated:${f.id}:tracking:${updatedAt}`, updatedAt, {
      orderId: f.order_id,
      shipmentId: shipment.shipmentId,
      carrier: shipment.carrier,
      trackingNumber: shipment.trackingNumber,
      trackingUrl: shipment.trackingUrl,
      estimatedDelivery: shipment.estimatedDelivery,
    }),
  );
  return { kind: 'mapped', events };
}

function hasTracking(s: ShipmentInput): boolean {
  return [s.carrier, s.trackingNumber, s.trackingUrl, s.estimatedDelivery].some((v) => v !== undefined);
}

type ShipmentInput = Extract<DomainEventInput, { type: 'shipment.created' }>['data']['shipment'];

function toShipment(f: ShopifyFulfillment): ShipmentInput {
  const trackingNumber = [f.tracking_number, ...(f.tracking_numbers ?? [])].find((n) => fits(trackingNumberSchema, n));
  const trackingUrl = [f.tracking_url, ...(f.tracking_urls ?? [])].find((u) => fits(trackingUrlSchema, u));
  return {
    shipmentId: f.id,
    lineItems: (f.line_items ?? []).filter((li) => li.quantity > 0).map((li) => ({ lineItemId: li.id, quantity: li.quantity })),
    carrier: clip(f.tracking_company, carrierLimit),
    trackingNumber: trackingNumber ?? undefined,
    trackingUrl: trackingUrl ?? undefined,
    estimatedDelivery: fits(timestampSchema, f.estimated_delivery_at) ? (f.estimated_delivery_at ?? undefined) : undefined,
  };
}
