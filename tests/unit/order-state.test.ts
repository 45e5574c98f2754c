import { describe, expect, it } from 'vitest';
import { foldOrder, isFullyShipped } from '../../functions/domain/order-state.js';
import { STORE, anOrder, events } from '../support/builders.js';

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
