/**
 * The order fold, rule by rule: what each event does to the order, its shipments and its
 * timeline, including the orderings and repetitions platforms really produce. (The broad
 * scenarios are in order-state.test.ts; these pin down each rule so that no rewrite of one goes
 * unnoticed: see docs/MUTATION.md.)
 */
import { describe, expect, it } from 'vitest';
import { foldOrder, isDelivered, isFullyShipped } from '../../functions/domain/order-state.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { STORE, anOrder, events } from '../support/builders.js';

const SHIP = '2026-11-24T10:00:00Z';

/** A shipment.updated with any data, for the orderings the builders do not cover. */
const update = (at: string, data: Record<string, unknown>, shipmentId = 'f-1', eventId = `upd-${shipmentId}-${at}`): DomainEvent =>
  ({ eventId, store: STORE, source: 'generic', occurredAt: at, type: 'shipment.updated', data: { orderId: '1001', shipmentId, ...data } }) as DomainEvent;

const orderUpdated = (at: string, order = anOrder(), eventId = `updated-${at}`): DomainEvent => ({
  eventId,
  store: STORE,
  source: 'generic',
  occurredAt: at,
  type: 'order.updated',
  data: { order },
});

const fold = (...evts: DomainEvent[]) => foldOrder(STORE, '1001', evts);

describe('order fold: the order itself', () => {
  it('knows nothing before any event: awaiting the order, nothing shipped, refunded or delayed', () => {
    const state = fold();

    expect(state).toEqual({ store: STORE, orderId: '1001', status: 'awaiting_order', shipments: [], refunded: 'none', delays: [], timeline: [] });
    expect(isFullyShipped(state)).toBe(false);
    expect(isDelivered(state)).toBe(false);
  });

  it('is placed, with a "placed" entry at the order time, until something ships', () => {
    const state = fold(events.placed());

    expect(state.status).toBe('placed');
    expect(state.refunded).toBe('none');
    expect(state.timeline).toEqual([{ at: '2026-11-23T09:00:00Z', type: 'placed' }]);
  });

  it('takes the order details from a later update', () => {
    const changed = anOrder({ shippingAddress: { name: 'Zoë Müller', address1: 'Neue Straße 5', city: 'Hamburg', zip: '20095', country: 'Germany', countryCode: 'DE' } });

    const state = fold(events.placed(), orderUpdated('2026-11-23T11:00:00Z', changed));

    expect(state.order?.shippingAddress?.city).toBe('Hamburg');
    expect(state.status).toBe('placed');
  });

  it('keeps an update stamped before the order.placed it belongs to: the placed copy is older', () => {
    const changed = anOrder({ orderName: '#1001-B' });

    const state = fold(events.placed(), orderUpdated('2026-11-23T08:59:59Z', changed));

    expect(state.order?.orderName).toBe('#1001-B');
  });

  it('folds events of the same instant the same way, whatever order they arrive in: by event id', () => {
    const at = '2026-11-23T11:00:00Z';
    const a = orderUpdated(at, anOrder({ orderName: '#A' }), 'evt-a');
    const b = orderUpdated(at, anOrder({ orderName: '#B' }), 'evt-b');
    const c = orderUpdated(at, anOrder({ orderName: '#C' }), 'evt-c');
    const arrivals = [
      [a, b, c],
      [a, c, b],
      [b, a, c],
      [b, c, a],
      [c, a, b],
      [c, b, a],
    ];

    const names = arrivals.map((arrival) => fold(events.placed(), ...arrival).order?.orderName);

    expect(names).toEqual(Array(6).fill('#C'));
  });

  it('records a cancellation with its time and reason, once', () => {
    const state = fold(events.placed(), events.cancelled('2026-11-23T12:00:00Z', 'customer'), events.cancelled('2026-11-23T13:00:00Z', 'fraud'));

    expect(state.status).toBe('cancelled');
    expect(state.cancelled).toEqual({ at: '2026-11-23T12:00:00Z', reason: 'customer' });
    expect(state.timeline.slice(1)).toEqual([{ at: '2026-11-23T12:00:00Z', type: 'cancelled', message: 'customer' }]);
  });

  it('is cancelled even when shipped: the cancellation decides the status', () => {
    expect(fold(events.placed(), events.shipped(SHIP), events.cancelled('2026-11-24T12:00:00Z')).status).toBe('cancelled');
  });

  it('counts a partial refund as partial, a full one as full, and a later partial one keeps it full', () => {
    const partial = fold(events.placed(), events.refunded('2026-11-23T12:00:00Z', false));
    const full = fold(events.placed(), events.refunded('2026-11-23T12:00:00Z', true));
    const fullThenPartial = fold(events.placed(), events.refunded('2026-11-23T12:00:00Z', true), events.refunded('2026-11-23T13:00:00Z', false));

    expect([partial.refunded, full.refunded, fullThenPartial.refunded]).toEqual(['partial', 'full', 'full']);
    expect(fullThenPartial.timeline.slice(1)).toEqual([
      { at: '2026-11-23T12:00:00Z', type: 'refunded' },
      { at: '2026-11-23T13:00:00Z', type: 'refunded' },
    ]);
  });

  it('keeps each delay report, with its event id, on the order and the timeline', () => {
    const report = events.delayed('2026-11-24T08:00:00Z', { reason: 'backorder', message: 'Socks back in stock Friday', newShipBy: '2026-11-27T17:00:00Z' });

    const state = fold(events.placed(), report);

    expect(state.delays).toEqual([{ id: report.eventId, at: '2026-11-24T08:00:00Z', reason: 'backorder', message: 'Socks back in stock Friday', newShipBy: '2026-11-27T17:00:00Z' }]);
    expect(state.timeline.slice(1)).toEqual([{ at: '2026-11-24T08:00:00Z', type: 'delayed', shipmentId: undefined, message: 'Socks back in stock Friday' }]);
  });

  it('counts a redelivered event once: one delay report, one refund entry', () => {
    const report = events.delayed('2026-11-24T08:00:00Z', { reason: 'weather' });
    const refund = events.refunded('2026-11-24T09:00:00Z', false);

    const state = fold(events.placed(), report, refund, report, refund);

    expect(state.delays).toHaveLength(1);
    expect(state.timeline.map((t) => t.type)).toEqual(['placed', 'delayed', 'refunded']);
  });
});

describe('order fold: shipments', () => {
  it('keeps each shipment of a split order apart: an update moves only its own shipment', () => {
    const state = fold(
      events.placed(),
      events.shipped(SHIP, 'f-1', [{ lineItemId: 'li-1', quantity: 1 }]),
      events.shipped('2026-11-24T11:00:00Z', 'f-2', [{ lineItemId: 'li-2', quantity: 2 }]),
      events.status('2026-11-25T08:00:00Z', 'in_transit', 'f-2'),
      update('2026-11-25T09:00:00Z', { trackingNumber: 'TRACK-f-2-new' }, 'f-2'),
    );

    const [first, second] = state.shipments;
    expect(first).toMatchObject({ shipmentId: 'f-1', status: 'created', statusAt: SHIP, trackingNumber: 'TRACK-f-1' });
    expect(second).toMatchObject({ shipmentId: 'f-2', status: 'in_transit', statusAt: '2026-11-25T08:00:00Z', trackingNumber: 'TRACK-f-2-new' });
  });

  it('fills in a shipment whose status arrived first, keeping that status and leaving other shipments alone', () => {
    const state = fold(
      events.placed(),
      events.shipped(SHIP, 'f-1', [{ lineItemId: 'li-1', quantity: 1 }]),
      events.status('2026-11-24T11:00:00Z', 'in_transit', 'f-2'),
      events.shipped('2026-11-24T12:00:00Z', 'f-2', [{ lineItemId: 'li-2', quantity: 2 }]),
    );

    expect(state.shipments).toHaveLength(2);
    expect(state.shipments[0]).toMatchObject({ shipmentId: 'f-1', lineItems: [{ lineItemId: 'li-1', quantity: 1 }], shippedAt: SHIP, status: 'created' });
    expect(state.shipments[1]).toMatchObject({
      shipmentId: 'f-2',
      lineItems: [{ lineItemId: 'li-2', quantity: 2 }],
      shippedAt: '2026-11-24T12:00:00Z',
      status: 'in_transit',
      statusAt: '2026-11-24T11:00:00Z',
      carrier: 'DHL',
      trackingNumber: 'TRACK-f-2',
    });
    expect(state.timeline.map((t) => [t.type, t.shipmentId])).toEqual([
      ['placed', undefined],
      ['shipped', 'f-1'],
      ['shipped', 'f-2'],
      ['in_transit', 'f-2'],
    ]);
  });

  it('drops the carrier link when only the carrier changes, or only the number', () => {
    const carrierOnly = fold(events.placed(), events.shipped(SHIP), update('2026-11-25T09:00:00Z', { carrier: 'GLS' })).shipments[0]!;
    const numberOnly = fold(events.placed(), events.shipped(SHIP), update('2026-11-25T09:00:00Z', { trackingNumber: 'TRACK-f-1-B' })).shipments[0]!;

    expect(carrierOnly).toMatchObject({ carrier: 'GLS', trackingNumber: 'TRACK-f-1' });
    expect(carrierOnly.trackingUrl).toBeUndefined();
    expect(numberOnly).toMatchObject({ carrier: 'DHL', trackingNumber: 'TRACK-f-1-B' });
    expect(numberOnly.trackingUrl).toBeUndefined();
  });

  it('keeps the carrier link when an update repeats the same carrier and number', () => {
    const shipment = fold(events.placed(), events.shipped(SHIP), update('2026-11-25T09:00:00Z', { carrier: 'DHL', trackingNumber: 'TRACK-f-1', status: 'in_transit' })).shipments[0]!;

    expect(shipment).toMatchObject({ status: 'in_transit', trackingUrl: 'https://www.dhl.de/track?id=1' });
  });

  it('moves between statuses of the same stage: out for delivery, then a delivery attempt', () => {
    const state = fold(
      events.placed(),
      events.shipped(SHIP),
      events.status('2026-11-26T08:00:00Z', 'out_for_delivery'),
      events.status('2026-11-26T15:00:00Z', 'attempted_delivery'),
    );

    expect(state.shipments[0]).toMatchObject({ status: 'attempted_delivery', statusAt: '2026-11-26T15:00:00Z' });
    expect(state.timeline.map((t) => t.type)).toEqual(['placed', 'shipped', 'out_for_delivery', 'attempted_delivery']);
  });

  it('shows a carrier failure as "delivery_failure" on the timeline', () => {
    const state = fold(events.placed(), events.shipped(SHIP), events.status('2026-11-25T08:00:00Z', 'in_transit'), events.status('2026-11-25T18:00:00Z', 'failure'));

    expect(state.shipments[0]!.status).toBe('failure');
    expect(state.timeline.at(-1)).toEqual({ at: '2026-11-25T18:00:00Z', type: 'delivery_failure', shipmentId: 'f-1', message: undefined });
  });

  it('sets the delivery time only on delivery', () => {
    const inTransit = fold(events.placed(), events.shipped(SHIP), events.status('2026-11-25T08:00:00Z', 'in_transit'));
    const delivered = fold(events.placed(), events.shipped(SHIP), events.status('2026-11-26T12:00:00Z', 'delivered'));

    expect(inTransit.shipments[0]!.deliveredAt).toBeUndefined();
    expect(delivered.shipments[0]!.deliveredAt).toBe('2026-11-26T12:00:00Z');
  });

  it('adds no timeline entry for a status that goes backwards or repeats', () => {
    const state = fold(
      events.placed(),
      events.shipped(SHIP),
      events.status('2026-11-25T08:00:00Z', 'in_transit'),
      update('2026-11-25T20:00:00Z', { status: 'in_transit', message: 'Arrived at hub' }),
      events.status('2026-11-26T12:00:00Z', 'delivered'),
      events.status('2026-11-26T13:00:00Z', 'in_transit'),
    );

    expect(state.timeline.map((t) => t.type)).toEqual(['placed', 'shipped', 'in_transit', 'delivered']);
    expect(state.shipments[0]).toMatchObject({ status: 'delivered', statusAt: '2026-11-26T12:00:00Z' });
  });

  it('counts a shipment known only from an update as nothing shipped until its creation names its items', () => {
    const state = fold(events.placed(), events.shipped(SHIP, 'f-1', [{ lineItemId: 'li-1', quantity: 1 }]), update('2026-11-24T11:00:00Z', { carrier: 'UPS', trackingNumber: '1Z' }, 'f-2'));

    expect(isFullyShipped(state)).toBe(false);
    expect(state.status).toBe('partially_shipped');
    // A shipment.created without line items (a tracking-only platform) still ships the whole order.
    const trackingOnly = fold(events.placed(), events.shipped(SHIP, 'f-1', [{ lineItemId: 'li-1', quantity: 1 }]), events.shipped('2026-11-24T11:00:00Z', 'f-2', []));
    expect(isFullyShipped(trackingOnly)).toBe(true);
  });

  it('is delivered only when every shipment is', () => {
    const split = [
      events.placed(),
      events.shipped(SHIP, 'f-1', [{ lineItemId: 'li-1', quantity: 1 }]),
      events.shipped(SHIP, 'f-2', [{ lineItemId: 'li-2', quantity: 2 }]),
      events.status('2026-11-26T12:00:00Z', 'delivered', 'f-1'),
    ];

    const one = fold(...split);
    const both = fold(...split, events.status('2026-11-26T13:00:00Z', 'delivered', 'f-2'));

    expect([isDelivered(one), one.status]).toEqual([false, 'shipped']);
    expect([isDelivered(both), both.status]).toEqual([true, 'delivered']);
  });
});
