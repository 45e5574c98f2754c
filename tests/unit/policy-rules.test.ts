/**
 * The shopper-experience policy (functions/domain/policy.ts), rule by rule, as a shopper would
 * hold us to it: which promise is in force after a delay notice, what a delay notice says, and
 * when one is news. Each rule on its own, so that none can be dropped or inverted unnoticed
 * (docs/MUTATION.md); whole timelines are in timeline-properties.test.ts.
 *
 * The store: Berlin, 2 business days of handling, 3 in transit, cutoff 17:00. The order is placed
 * Monday 23 November 2026 09:00 UTC: ship-by Wednesday 25 November 17:00 Berlin (16:00 UTC),
 * deliver-by Monday 30 November 17:00 Berlin.
 */
import { describe, expect, it } from 'vitest';
import { currentShipBy, dueDelayNotice, shipmentEstimate } from '../../functions/domain/policy.js';
import type { DecisionContext, EmailKind, LedgerEntry } from '../../functions/domain/lifecycle.js';
import { foldOrder } from '../../functions/domain/order-state.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { STORE, aStoreConfig, events } from '../support/builders.js';

const SHIP_BY = '2026-11-25T16:00:00.000Z';

function ctx(evts: DomainEvent[], now: string, ledger: LedgerEntry[] = [], config = aStoreConfig()): DecisionContext {
  return { state: foldOrder(STORE, '1001', evts), ledger, unsubscribed: false, suppressed: false, config, now: new Date(now) };
}

const sent = (kind: EmailKind, ref: string, at: string, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  kind,
  ref,
  status: 'sent',
  claimId: `c-${kind}-${ref}`,
  claimedAt: at,
  sentAt: at,
  messageId: `m-${kind}-${ref}`,
  ...extra,
});

/** A delay notice as notify records it on its claim. */
const notice = (n: number, at: string, what: 'shipment' | 'delivery', newEstimate: string, extra: Partial<LedgerEntry> = {}) =>
  sent('delay_notice', `late:${n}`, at, { what, newEstimate, missedPromise: SHIP_BY, ...extra });

const placed = events.placed();
const receipt = sent('receipt', 'order', '2026-11-23T09:00:02Z');

describe('promises after a delay notice', () => {
  const moved = '2026-12-02T16:00:00.000Z';

  it('a notice moves the promise it told the shopper about once SES accepted it, not while its outcome is unknown, not if it was never sent', () => {
    const shipping = notice(1, '2026-11-26T10:00:00Z', 'shipment', moved);
    const at = '2026-11-27T10:00:00Z';

    expect(currentShipBy(ctx([placed], at, [receipt, shipping]))).toBe(moved);
    expect(currentShipBy(ctx([placed], at, [receipt, { ...shipping, status: 'claimed', sentAt: undefined }]))).toBe(SHIP_BY);
    expect(currentShipBy(ctx([placed], at, [receipt, { ...shipping, status: 'skipped', sentAt: undefined }]))).toBe(SHIP_BY);
  });

  it('a notice about shipping moves the ship-by before it passed; a notice about one parcel moves that parcel only', () => {
    const shipped = [placed, events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }], { estimatedDelivery: '2026-11-27T16:00:00Z' }), events.shipped('2026-11-24T11:00:00Z', 'f-2', [{ lineItemId: 'li-2', quantity: 2 }], { estimatedDelivery: '2026-12-01T16:00:00Z' })];
    const early = '2026-11-24T12:00:00Z';

    // Sent the day before the ship-by: it moved what it was about, and nothing it was not about.
    expect(currentShipBy(ctx([placed], '2026-11-24T13:00:00Z', [receipt, notice(1, early, 'shipment', moved)]))).toBe(moved);
    expect(currentShipBy(ctx([placed], '2026-11-24T13:00:00Z', [receipt, notice(1, early, 'delivery', moved)]))).toBe(SHIP_BY);

    const parcel = notice(1, '2026-11-28T10:00:00Z', 'delivery', moved, { shipmentIds: ['f-1'] });
    const c = ctx(shipped, '2026-11-29T10:00:00Z', [receipt, parcel]);
    expect(shipmentEstimate(c, c.state.shipments.find((s) => s.shipmentId === 'f-1')!)).toBe(moved);
    // f-2's estimate had not passed when the notice went out, and the notice was not about it.
    expect(shipmentEstimate(c, c.state.shipments.find((s) => s.shipmentId === 'f-2')!)).toBe('2026-12-01T16:00:00Z');
  });
});

describe('what a delay notice says', () => {
  const twoParcels = (status?: 'failure') => [
    placed,
    events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }], { estimatedDelivery: '2026-12-01T16:00:00Z' }),
    events.shipped('2026-11-24T11:00:00Z', 'f-2', [{ lineItemId: 'li-2', quantity: 2 }], { estimatedDelivery: '2026-12-02T16:00:00Z' }),
    ...(status ? [events.status('2026-11-30T10:00:00Z', status, 'f-2')] : []),
  ];
  const confirmed = [receipt, sent('shipping_confirmation', 'f-1', '2026-11-24T10:00:05Z'), sent('shipping_confirmation', 'f-2', '2026-11-24T11:00:05Z')];

  it('one notice for every late parcel, naming the earliest promise missed, and no single parcel', () => {
    const due = dueDelayNotice(ctx(twoParcels(), '2026-12-03T10:00:00Z', confirmed))!;

    expect(due).toMatchObject({ ref: 'late:1', what: 'delivery', missedPromise: '2026-12-01T16:00:00Z', shipmentIds: ['f-1', 'f-2'] });
    expect(due.shipmentId).toBeUndefined();
    expect(due.reason).toBeUndefined();
    expect(due.reported).toBeUndefined();
  });

  it('names the parcel when only one is late, and a carrier failure as the reason', () => {
    const oneLate = dueDelayNotice(ctx(twoParcels(), '2026-12-01T18:00:00Z', confirmed))!;
    expect(oneLate).toMatchObject({ what: 'delivery', shipmentId: 'f-1', shipmentIds: ['f-1'], missedPromise: '2026-12-01T16:00:00Z' });
    expect(oneLate.reason).toBeUndefined();

    const failed = dueDelayNotice(ctx(twoParcels('failure'), '2026-12-03T10:00:00Z', confirmed))!;
    expect(failed.reason).toBe('carrier_exception');
    // The failure of a parcel that is not late says nothing about the late ones.
    const otherFailed = dueDelayNotice(ctx([...twoParcels(), events.status('2026-11-30T10:00:00Z', 'failure', 'f-2')], '2026-12-01T18:00:00Z', confirmed))!;
    expect(otherFailed).toMatchObject({ shipmentIds: ['f-1'] });
    expect(otherFailed.reason).toBeUndefined();
  });

  it('says a platform reported it when a report moved the promise, and gives the report reason', () => {
    const report = events.delayed('2026-11-24T08:00:00Z', { reason: 'backorder', newShipBy: '2026-12-02T16:00:00Z' });
    const due = dueDelayNotice(ctx([placed, report], '2026-11-24T09:00:00Z', [receipt]))!;

    expect(due).toMatchObject({ what: 'shipment', reported: true, reason: 'backorder', missedPromise: SHIP_BY, newEstimate: '2026-12-02T16:00:00Z' });
  });
});

describe('when a delay is news to the shopper', () => {
  const report = events.delayed('2026-11-23T09:00:01Z', { reason: 'backorder', newShipBy: '2026-12-02T16:00:00Z' });

  it('a report the receipt already reflected is not news; the same report is news if the receipt was not sent', () => {
    // The receipt went out after the report: it stated the moved ship-by.
    expect(dueDelayNotice(ctx([placed, report], '2026-11-24T09:00:00Z', [receipt]))).toBeUndefined();
    // No receipt sent (still unsettled): the shopper has heard nothing, the report is news.
    expect(dueDelayNotice(ctx([placed, report], '2026-11-24T09:00:00Z', [{ ...receipt, status: 'claimed', sentAt: undefined }]))).toMatchObject({ reported: true });
    // A receipt line of another order ref, or another kind, is not the receipt.
    expect(dueDelayNotice(ctx([placed, report], '2026-11-24T09:00:00Z', [{ ...receipt, ref: 'other' }]))).toMatchObject({ reported: true });
    expect(dueDelayNotice(ctx([placed, report], '2026-11-24T09:00:00Z', [{ ...receipt, kind: 'cancellation' }]))).toMatchObject({ reported: true });
  });

  it('spaces notices from the latest one sent, not the first', () => {
    const config = aStoreConfig({ policy: { delayNotices: { maxPerOrder: 3, minSpacingDays: 3 } } });
    const first = notice(1, '2026-11-26T10:00:00Z', 'shipment', '2026-11-27T16:00:00Z');
    const second = notice(2, '2026-11-30T10:00:00Z', 'shipment', '2026-12-01T16:00:00Z');
    // Both new estimates have passed by 2 December; the second notice went out two days before.
    expect(dueDelayNotice(ctx([placed], '2026-12-02T10:00:00Z', [receipt, first, second], config))).toBeUndefined();
    expect(dueDelayNotice(ctx([placed], '2026-12-03T10:00:01Z', [receipt, first, second], config))).toMatchObject({ ref: 'late:3' });
  });
});
