/**
 * An order that arrives cancelled, voided or refunded in full is never confirmed to the shopper,
 * and a shopper who was never told about an order is not told it was cancelled. Shopify's own
 * published orders/create sample is such an order: cancelled_at set, financial_status voided.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { domainEventSchema, type DomainEvent } from '../../functions/domain/events.js';
import { plannedEmails, type DecisionContext, type LedgerEntry } from '../../functions/domain/lifecycle.js';
import { foldOrder } from '../../functions/domain/order-state.js';
import { mapShopifyWebhook } from '../../functions/domain/platforms/shopify.js';
import { parseJsonKeepingBigInts } from '../../functions/domain/webhooks/json.js';
import { STORE, aStoreConfig, anOrder, events } from '../support/builders.js';

const fixture = (name: string) => parseJsonKeepingBigInts(readFileSync(new URL(`../fixtures/shopify/${name}.json`, import.meta.url), 'utf8')) as Record<string, any>;

function mapped(topic: string, body: unknown): DomainEvent[] {
  const result = mapShopifyWebhook(topic, body, { store: STORE });
  if (result.kind !== 'mapped') throw new Error(`${topic} did not map: ${result.kind}`);
  return result.events.map((e) => domainEventSchema.parse(e));
}

function ctx(evts: DomainEvent[], ledger: LedgerEntry[] = []): DecisionContext {
  const orderId = evts.find((e) => e.type === 'order.placed')?.data.order.orderId ?? '1001';
  return { state: foldOrder(STORE, orderId, evts), ledger, unsubscribed: false, suppressed: false, config: aStoreConfig(), now: new Date('2026-11-23T10:00:00Z') };
}

const sent = (kind: LedgerEntry['kind'], status: LedgerEntry['status'] = 'sent', ref = 'order'): LedgerEntry => ({ kind, ref, status, claimId: 'c', claimedAt: '2026-11-23T09:00:01Z' });

describe("Shopify's published orders/create sample: cancelled and voided", () => {
  const sample = fixture('orders-create-shopify-sample');

  it('maps to the order and its cancellation, the same cancellation orders/cancelled would bring', () => {
    const list = mapped('orders/create', sample);
    expect(list.map((e) => e.type)).toEqual(['order.placed', 'order.cancelled']);
    const fromCancelTopic = mapped('orders/cancelled', { id: sample.id, cancelled_at: sample.cancelled_at, cancel_reason: sample.cancel_reason });
    // Same event id: whichever delivery comes second is a duplicate.
    expect(fromCancelTopic).toEqual([list[1]]);
  });

  it('gets no receipt and no cancellation notice: the shopper was never told about it', () => {
    const c = ctx(mapped('orders/create', sample));
    expect(plannedEmails('receipt', c)).toEqual([]);
    expect(plannedEmails('cancellation', c)).toEqual([]);
  });
});

describe('an order that arrives closed gets no confirmation', () => {
  it('voided but not cancelled', () => {
    const body = fixture('orders-create');
    body.financial_status = 'voided';
    const list = mapped('orders/create', body);
    expect(list.map((e) => e.type)).toEqual(['order.placed']);
    expect(plannedEmails('receipt', ctx(list))).toEqual([]);
  });

  it('refunded in full at creation: the full refund is mapped alongside the order', () => {
    const body = fixture('orders-create');
    body.financial_status = 'refunded';
    const list = mapped('orders/create', body);
    expect(list.map((e) => e.type)).toEqual(['order.placed', 'order.refunded']);
    expect(list[1]).toMatchObject({ eventId: `shopify:order.refunded:${body.id}:full`, data: { full: true } });
    expect(plannedEmails('receipt', ctx(list))).toEqual([]);
  });

  it.each(['voided', 'refunded'] as const)('a generic order whose payment status is %s', (paymentStatus) => {
    expect(plannedEmails('receipt', ctx([events.placed(anOrder({ paymentStatus }))]))).toEqual([]);
  });

  it('still confirms an open order, paid, pending or partly refunded', () => {
    for (const paymentStatus of ['paid', 'pending', 'authorized', 'partially_refunded'] as const) {
      expect(plannedEmails('receipt', ctx([events.placed(anOrder({ paymentStatus }))]))).toEqual([{ kind: 'receipt', ref: 'order' }]);
    }
  });
});

describe('a cancellation is told only to a shopper who was told about the order', () => {
  const cancelled = [events.placed(), events.cancelled('2026-11-23T09:30:00Z', 'customer')];

  it('after a receipt went out, or may have (an unsettled claim)', () => {
    expect(plannedEmails('cancellation', ctx(cancelled, [sent('receipt')]))).toEqual([{ kind: 'cancellation', ref: 'order' }]);
    expect(plannedEmails('cancellation', ctx(cancelled, [sent('receipt', 'claimed')]))).toHaveLength(1);
  });

  it('after a shipping confirmation even if the receipt never reached them', () => {
    expect(plannedEmails('cancellation', ctx(cancelled, [sent('receipt', 'skipped'), sent('shipping_confirmation', 'sent', 'f-1')]))).toHaveLength(1);
  });

  it('not when nothing reached them (the receipt was rejected, or never sent)', () => {
    expect(plannedEmails('cancellation', ctx(cancelled))).toEqual([]);
    expect(plannedEmails('cancellation', ctx(cancelled, [sent('receipt', 'skipped')]))).toEqual([]);
  });
});
