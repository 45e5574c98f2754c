import { describe, expect, it } from 'vitest';
import { orderTallies } from '../../functions/domain/console/tallies.js';
import { foldOrder } from '../../functions/domain/order-state.js';
import type { DecisionContext } from '../../functions/domain/lifecycle.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { storeConfigSchema } from '../../functions/domain/store-config.js';

const config = storeConfigSchema.parse({ storeId: 'generic-dev', branding: { name: 'Shop', supportEmail: 's@example.com', postalAddress: 'x' } });
const ev = (type: string, occurredAt: string, data: Record<string, unknown>, id = `${type}-${occurredAt}`) =>
  ({ type, store: 'generic-dev', source: 'generic', eventId: id, occurredAt, data }) as unknown as DomainEvent;
const order = {
  orderId: 'O1', orderName: '#1', placedAt: '2026-11-02T10:00:00Z', currency: 'EUR',
  customer: { email: 'a@example.com' }, lineItems: [{ id: 'l', title: 't', quantity: 1, unitPrice: '1.00', total: '1.00' }],
  subtotal: '1.00', total: '1.00', paymentStatus: 'paid', promises: { shipBy: '2026-11-04T17:00:00Z', deliverBy: '2026-11-09T17:00:00Z' },
};
const ctx = (events: DomainEvent[]): DecisionContext => ({ state: foldOrder('generic-dev', 'O1', events), ledger: [], unsubscribed: false, suppressed: false, config, now: new Date('2026-12-01T00:00:00Z') });

describe("an order's tallies for the console's counters", () => {
  it('counts a shipment before the ship-by and a delivery before the deliver-by as kept, with the days it took', () => {
    const t = orderTallies(ctx([
      ev('order.placed', '2026-11-02T10:00:00Z', { order }),
      ev('shipment.created', '2026-11-03T10:00:00Z', { orderId: 'O1', shipment: { shipmentId: 'S1', lineItems: [] } }),
      ev('shipment.updated', '2026-11-06T10:00:00Z', { orderId: 'O1', shipmentId: 'S1', status: 'delivered' }),
    ]));
    expect(t).toEqual([
      { key: 'shipped', day: '2026-11-03', counters: { 'ship.onTime': 1 } },
      { key: 'delivered', day: '2026-11-06', counters: { 'delivery.onTime': 1, 'days.4': 1 } },
    ]);
  });

  it('counts a collected pickup order (no parcel) as delivered on the day it was collected', () => {
    const t = orderTallies(ctx([
      ev('order.placed', '2026-11-02T10:00:00Z', { order }),
      ev('pickup.ready', '2026-11-03T10:00:00Z', { orderId: 'O1' }),
      ev('pickup.completed', '2026-11-05T12:00:00Z', { orderId: 'O1' }),
    ]));
    expect(t).toEqual([{ key: 'delivered', day: '2026-11-05', counters: { 'delivery.onTime': 1, 'days.3': 1 } }]);
  });

  it('counts promises missed against what the receipt promised, and each reported delay by reason', () => {
    const t = orderTallies(ctx([
      ev('order.placed', '2026-11-02T10:00:00Z', { order }),
      ev('order.delayed', '2026-11-04T09:00:00Z', { orderId: 'O1', reason: 'backorder', newShipBy: '2026-11-20T00:00:00Z' }, 'd1'),
      ev('shipment.created', '2026-11-18T10:00:00Z', { orderId: 'O1', shipment: { shipmentId: 'S1', lineItems: [] } }),
      ev('shipment.updated', '2026-12-10T10:00:00Z', { orderId: 'O1', shipmentId: 'S1', status: 'delivered' }),
    ]));
    expect(t).toEqual(expect.arrayContaining([
      { key: 'shipped', day: '2026-11-18', counters: { 'ship.late': 1 } },
      { key: 'delivered', day: '2026-12-10', counters: { 'delivery.late': 1, 'days.30': 1 } },
      { key: 'delay:d1', day: '2026-11-04', counters: { 'delay.backorder': 1 } },
    ]));
  });

  it('counts nothing before the order is known, and no delivery that was only assumed', () => {
    expect(orderTallies(ctx([ev('shipment.created', '2026-11-03T10:00:00Z', { orderId: 'O1', shipment: { shipmentId: 'S1', lineItems: [] } })]))).toEqual([]);
    const t = orderTallies(ctx([ev('order.placed', '2026-11-02T10:00:00Z', { order }), ev('shipment.created', '2026-11-03T10:00:00Z', { orderId: 'O1', shipment: { shipmentId: 'S1', lineItems: [] } })]));
    expect(t.map((x) => x.key)).toEqual(['shipped']);
  });
});
