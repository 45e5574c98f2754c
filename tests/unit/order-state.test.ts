import { describe, expect, it } from 'vitest';
import { foldOrder, isFullyShipped } from '../../functions/domain/order-state.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { STORE, anOrder, events } from '../support/builders.js';

/** A shipment.updated without a status: tracking details only. */
const tracking = (at: string, data: { carrier?: string; trackingNumber?: string; trackingUrl?: string; estimatedDelivery?: string }, shipmentId = 'f-1'): DomainEvent => ({
  eventId: `tracking-${shipmentId}-${at}`,
  store: STORE,
  source: 'generic',
  occurredAt: at,
  type: 'shipment.updated',
  data: { orderId: '1001', shipmentId, ...data },
});

describe('order fold', () => {
  it('orders events by the platform timestamps, not by arrival', () => {
    const arrival = [events.status('2026-11-26T12:00:00Z', 'delivered'), events.shipped('2026-11-24T10:00:00Z'), events.placed()];
    const state = foldOrder(STORE, '1001', arrival);
    expect(state.status).toBe('delivered');
    expect(state.timeline.map((t) => t.type)).toEqual(['placed', 'shipped', 'delivered']);
  });

  it('never moves a shipment backwards: a late "in transit" after "delivered" changes nothing', () => {
    const state = foldOrder(STORE, '1001', [
      events.placed(),
      events.shipped('2026-11-24T10:00:00Z'),
      events.status('2026-11-26T12:00:00Z', 'delivered'),
      events.status('2026-11-25T08:00:00Z', 'in_transit'),
      events.status('2026-11-26T13:00:00Z', 'in_transit'),
    ]);
    expect(state.shipments[0]!.status).toBe('delivered');
    expect(state.status).toBe('delivered');
  });

  it('keeps events that arrive before the order and applies them when it arrives', () => {
    const early = foldOrder(STORE, '1001', [events.shipped('2026-11-24T10:00:00Z')]);
    expect(early.status).toBe('awaiting_order');
    const later = foldOrder(STORE, '1001', [events.shipped('2026-11-24T10:00:00Z'), events.placed()]);
    expect(later.status).toBe('shipped');
  });

  it('treats duplicated events as one', () => {
    const shipped = events.shipped('2026-11-24T10:00:00Z');
    const state = foldOrder(STORE, '1001', [events.placed(), shipped, shipped]);
    expect(state.shipments).toHaveLength(1);
    expect(state.timeline.filter((t) => t.type === 'shipped')).toHaveLength(1);
  });

  it('is partially shipped until every line item quantity is covered', () => {
    const first = events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }]);
    const partial = foldOrder(STORE, '1001', [events.placed(), first]);
    expect(partial.status).toBe('partially_shipped');
    expect(isFullyShipped(partial)).toBe(false);
    const second = events.shipped('2026-11-25T10:00:00Z', 'f-2', [{ lineItemId: 'li-2', quantity: 2 }]);
    expect(foldOrder(STORE, '1001', [events.placed(), first, second]).status).toBe('shipped');
  });

  it('applies a tracking-only update to the tracking number and not to the status; the timeline says the tracking changed', () => {
    const before = foldOrder(STORE, '1001', [events.placed(), events.shipped('2026-11-24T10:00:00Z'), events.status('2026-11-25T08:00:00Z', 'in_transit')]);
    const state = foldOrder(STORE, '1001', [
      events.placed(),
      events.shipped('2026-11-24T10:00:00Z'),
      events.status('2026-11-25T08:00:00Z', 'in_transit'),
      tracking('2026-11-25T09:30:00Z', { trackingNumber: 'TRACK-f-1-corrected' }),
    ]);
    const shipment = state.shipments[0]!;
    expect(shipment).toMatchObject({ status: 'in_transit', statusAt: '2026-11-25T08:00:00Z', trackingNumber: 'TRACK-f-1-corrected', carrier: 'DHL' });
    expect(state.status).toBe('shipped');
    expect(state.timeline).toEqual([...before.timeline, { at: '2026-11-25T09:30:00Z', type: 'tracking_updated', shipmentId: shipment.shipmentId }]);
    expect(shipment.retrackedAt).toBe('2026-11-25T09:30:00Z');
  });

  it('adds no timeline entry for a tracking-only update that repeats what was known', () => {
    const known = [events.placed(), events.shipped('2026-11-24T10:00:00Z')];
    const before = foldOrder(STORE, '1001', known);
    const same = before.shipments[0]!;
    const state = foldOrder(STORE, '1001', [...known, tracking('2026-11-25T09:30:00Z', { carrier: same.carrier, trackingNumber: same.trackingNumber })]);
    expect(state.timeline).toEqual(before.timeline);
    expect(state.shipments[0]!.retrackedAt).toBeUndefined();
  });

  it('switches carrier with a tracking-only update, dropping the old carrier link when no new one is given', () => {
    const switched = foldOrder(STORE, '1001', [
      events.placed(),
      events.shipped('2026-11-24T10:00:00Z'),
      tracking('2026-11-25T09:30:00Z', { carrier: 'GLS', trackingNumber: 'GLS-123' }),
    ]).shipments[0]!;
    expect(switched).toMatchObject({ carrier: 'GLS', trackingNumber: 'GLS-123', status: 'created' });
    expect(switched.trackingUrl).toBeUndefined();

    const withUrl = foldOrder(STORE, '1001', [
      events.placed(),
      events.shipped('2026-11-24T10:00:00Z'),
      tracking('2026-11-25T09:30:00Z', { carrier: 'GLS', trackingNumber: 'GLS-123', trackingUrl: 'https://gls.example/track/GLS-123' }),
    ]).shipments[0]!;
    expect(withUrl.trackingUrl).toBe('https://gls.example/track/GLS-123');

    // Only a new estimate: the number and its link stay.
    const estimate = foldOrder(STORE, '1001', [
      events.placed(),
      events.shipped('2026-11-24T10:00:00Z'),
      tracking('2026-11-25T09:30:00Z', { estimatedDelivery: '2026-11-28T18:00:00Z' }),
    ]).shipments[0]!;
    expect(estimate).toMatchObject({ trackingNumber: 'TRACK-f-1', trackingUrl: 'https://www.dhl.de/track?id=1', estimatedDelivery: '2026-11-28T18:00:00Z' });
  });

  it('does not regress a delivered shipment with a tracking-only update', () => {
    const state = foldOrder(STORE, '1001', [
      events.placed(),
      events.shipped('2026-11-24T10:00:00Z'),
      events.status('2026-11-26T12:00:00Z', 'delivered'),
      tracking('2026-11-27T08:00:00Z', { trackingNumber: 'TRACK-f-1-late' }),
    ]);
    expect(state.shipments[0]).toMatchObject({ status: 'delivered', deliveredAt: '2026-11-26T12:00:00Z', statusAt: '2026-11-26T12:00:00Z', trackingNumber: 'TRACK-f-1-late' });
    expect(state.status).toBe('delivered');
    expect(state.timeline.map((t) => t.type)).toEqual(['placed', 'shipped', 'delivered']);
  });

  it('creates a bare shipment from a tracking-only update that arrives before its shipment.created, as a status update does', () => {
    const early = [events.placed(), tracking('2026-11-24T09:00:00Z', { carrier: 'DHL', trackingNumber: 'TRACK-f-1' })];
    const bare = foldOrder(STORE, '1001', early);
    const byStatus = foldOrder(STORE, '1001', [events.placed(), events.status('2026-11-24T09:00:00Z', 'in_transit')]);
    expect(bare.shipments).toEqual([
      {
        shipmentId: 'f-1',
        lineItems: [],
        shippedAt: '2026-11-24T09:00:00Z',
        status: 'created',
        statusAt: '2026-11-24T09:00:00Z',
        carrier: 'DHL',
        trackingNumber: 'TRACK-f-1',
        trackingUrl: undefined,
        estimatedDelivery: undefined,
        provisional: true,
      },
    ]);
    // Its items are not known yet: something has shipped, not (yet) the whole order, exactly as
    // for a status update that came first (a reordered webhook must not end the wait for the
    // other parcels; the timeline property suite found a feedback request lost that way).
    expect(bare.status).toBe(byStatus.status);
    expect(bare.status).toBe('partially_shipped');
    expect(bare.timeline.map((t) => t.type)).toEqual(['placed', 'shipped']);

    // The creation then fills in the line items and keeps the single "shipped" entry.
    const filled = foldOrder(STORE, '1001', [
      ...early,
      events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }]),
    ]);
    expect(filled.shipments).toHaveLength(1);
    expect(filled.shipments[0]!.lineItems).toEqual([{ lineItemId: 'li-1', quantity: 1 }]);
    expect(filled.status).toBe('partially_shipped');
    expect(filled.timeline.map((t) => t.type)).toEqual(['placed', 'shipped']);
  });

  it('ignores a cancellation that arrives after delivery', () => {
    const state = foldOrder(STORE, '1001', [
      events.placed(anOrder()),
      events.shipped('2026-11-24T10:00:00Z'),
      events.status('2026-11-26T12:00:00Z', 'delivered'),
      events.cancelled('2026-11-27T12:00:00Z'),
    ]);
    expect(state.status).toBe('delivered');
    expect(state.cancelled).toBeUndefined();
  });
});
