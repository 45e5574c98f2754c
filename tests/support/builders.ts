/** Builders for domain data in tests: realistic defaults, overridable per test. */
import type { DomainEvent } from '../../functions/domain/events.js';
import { orderSchema, type Order, type OrderInput } from '../../functions/domain/order.js';
import { storeConfigSchema, type StoreConfig, type StoreConfigInput } from '../../functions/domain/store-config.js';

export const STORE = 'acme.myshopify.com';

export function anOrder(overrides: Partial<OrderInput> = {}): Order {
  return orderSchema.parse({
    orderId: '1001',
    orderName: '#1001',
    placedAt: '2026-11-23T09:00:00Z', // a Monday
    currency: 'EUR',
    customer: { email: 'zoe@example.com', firstName: 'Zoë', lastName: 'Müller', locale: 'de-DE' },
    shippingAddress: { name: 'Zoë Müller', address1: 'Hauptstraße 1', city: 'Berlin', zip: '10115', country: 'Germany', countryCode: 'DE' },
    lineItems: [
      { id: 'li-1', title: 'Trail shoes', variant: '42', quantity: 1, unitPrice: '120.00', total: '120.00' },
      { id: 'li-2', title: 'Socks', quantity: 2, unitPrice: '9.50', total: '19.00' },
    ],
    subtotal: '139.00',
    shipping: { title: 'Standard', amount: '4.90' },
    taxTotal: '22.98',
    taxesIncluded: true,
    total: '143.90',
    paymentStatus: 'paid',
    ...overrides,
  });
}

export function aStoreConfig(overrides: Partial<StoreConfigInput> = {}): StoreConfig {
  return storeConfigSchema.parse({
    storeId: STORE,
    branding: { name: 'Acme Outdoor', supportEmail: 'help@acme.example', postalAddress: 'Acme GmbH, Hauptstraße 1, 10115 Berlin' },
    promises: { timeZone: 'Europe/Berlin', handlingDays: 2, transitDays: { default: 3 } },
    ...overrides,
  });
}

let seq = 0;
const envelope = (occurredAt: string, eventId?: string) => ({
  eventId: eventId ?? `evt-${++seq}`,
  store: STORE,
  source: 'generic' as const,
  occurredAt,
});

export const events = {
  placed: (order: Order = anOrder(), eventId?: string): DomainEvent => ({
    ...envelope(order.placedAt, eventId ?? `placed-${order.orderId}`),
    type: 'order.placed',
    data: { order },
  }),
  shipped: (at: string, shipmentId = 'f-1', lineItems = [{ lineItemId: 'li-1', quantity: 1 }, { lineItemId: 'li-2', quantity: 2 }], extra: Record<string, unknown> = {}): DomainEvent => ({
    ...envelope(at, `shipped-${shipmentId}`),
    type: 'shipment.created',
    data: { orderId: '1001', shipment: { shipmentId, lineItems, carrier: 'DHL', trackingNumber: `TRACK-${shipmentId}`, trackingUrl: 'https://www.dhl.de/track?id=1', ...extra } },
  }),
  status: (at: string, status: 'in_transit' | 'out_for_delivery' | 'delivered' | 'failure' | 'attempted_delivery', shipmentId = 'f-1'): DomainEvent => ({
    ...envelope(at, `status-${shipmentId}-${status}-${at}`),
    type: 'shipment.updated',
    data: { orderId: '1001', shipmentId, status },
  }),
  cancelled: (at: string, reason?: string): DomainEvent => ({ ...envelope(at, `cancel-${at}`), type: 'order.cancelled', data: { orderId: '1001', reason } }),
  refunded: (at: string, full = true): DomainEvent => ({ ...envelope(at, `refund-${at}`), type: 'order.refunded', data: { orderId: '1001', full } }),
  delayed: (at: string, data: Partial<{ reason: 'backorder' | 'carrier_exception' | 'weather' | 'other'; message: string; newShipBy: string; newDeliverBy: string; shipmentId: string }> = {}): DomainEvent => ({
    ...envelope(at, `delay-${at}`),
    type: 'order.delayed',
    data: { orderId: '1001', reason: data.reason ?? 'other', ...data },
  }),
};
