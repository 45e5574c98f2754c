/**
 * The shopper-experience policy (functions/domain/policy.ts), rule by rule, as a shopper would
 * hold us to it: which promise is in force after a platform's report or a delay notice, the
 * deliver-by of an order not yet shipped, what a delay notice says and when one is news, when
 * the next one is planned, and when delivery is assumed. Each rule on its own, so that none can
 * be dropped or inverted unnoticed (docs/MUTATION.md lists the few mutants no test can tell
 * apart, and why); whole timelines are in timeline-properties.test.ts.
 *
 * The store: Berlin, 2 business days of handling, 3 in transit, cutoff 17:00. The order is placed
 * Monday 23 November 2026 09:00 UTC: ship-by Wednesday 25 November 17:00 Berlin (16:00 UTC),
 * deliver-by Monday 30 November 17:00 Berlin.
 */
import { describe, expect, it } from 'vitest';
import { assumedDeliveryAt, currentDeliverBy, currentShipBy, deliveredAt, dueDelayNotice, earliestAssumedDeliveryAt, nextDelayNoticeAt, promiseInForce, shipmentEstimate } from '../../functions/domain/policy.js';
import type { DecisionContext, EmailKind, LedgerEntry } from '../../functions/domain/lifecycle.js';
import { foldOrder } from '../../functions/domain/order-state.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { STORE, aStoreConfig, anOrder, events } from '../support/builders.js';

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

/*
 * The calendar below: business days Monday to Friday, cutoff 17:00 Berlin (16:00 UTC in
 * November and December). Friday 27 November, Monday 30 November, Tuesday 1, Wednesday 2,
 * Thursday 3 and Friday 4 December are business days; 28–29 November and 5–6 December are not.
 * Default policy: 2 business days of grace for an undated delay, delivery assumed 3 days after
 * the latest estimate, notices at least 3 days apart and at most 2 per order.
 */
const at16 = (day: string) => `2026-${day}T16:00:00.000Z`;
const estimateOf = (c: DecisionContext, id: string) => shipmentEstimate(c, c.state.shipments.find((s) => s.shipmentId === id)!);

/** Two parcels: f-1 with the shoes (carrier's estimate Friday 27 November), f-2 with the socks (Wednesday 2 December). */
const twoParcelsShipped = [
  placed,
  events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }], { estimatedDelivery: at16('11-27') }),
  events.shipped('2026-11-24T11:00:00Z', 'f-2', [{ lineItemId: 'li-2', quantity: 2 }], { estimatedDelivery: at16('12-02') }),
];

describe('what a platform report moves', () => {
  const now = '2026-11-26T12:00:00Z';

  it("a later date reported for one parcel moves only that parcel's promise, and the order's with it", () => {
    const c = ctx([...twoParcelsShipped, events.delayed('2026-11-26T09:00:00Z', { shipmentId: 'f-1', newDeliverBy: at16('12-03') })], now, [receipt]);

    expect(estimateOf(c, 'f-1')).toBe(at16('12-03'));
    expect(estimateOf(c, 'f-2')).toBe(at16('12-02'));
    expect(promiseInForce(c)).toMatchObject({ deliverBy: at16('12-03'), shipments: { 'f-1': at16('12-03'), 'f-2': at16('12-02') } });
  });

  it('a report never brings a promise forward: an earlier date leaves the estimate as it was', () => {
    const c = ctx([...twoParcelsShipped, events.delayed('2026-11-25T09:00:00Z', { shipmentId: 'f-1', newDeliverBy: at16('11-26') })], now, [receipt]);

    expect(estimateOf(c, 'f-1')).toBe(at16('11-27'));
  });

  it('an undated report about one parcel moves it the grace days past its estimate, or past the report if the estimate had already passed', () => {
    // Reported Thursday before the Friday estimate: two business days after Friday is Tuesday.
    const before = ctx([...twoParcelsShipped, events.delayed('2026-11-26T09:00:00Z', { shipmentId: 'f-1' })], now, [receipt]);
    expect(estimateOf(before, 'f-1')).toBe(at16('12-01'));
    expect(estimateOf(before, 'f-2')).toBe(at16('12-02'));

    // Reported Monday morning, after the estimate passed: two business days after Monday is Wednesday.
    const after = ctx([...twoParcelsShipped, events.delayed('2026-11-30T10:00:00Z', { shipmentId: 'f-1' })], '2026-11-30T12:00:00Z', [receipt]);
    expect(estimateOf(after, 'f-1')).toBe(at16('12-02'));
  });

  it('an order-level report with a new deliver-by moves every parcel; one with only a new ship-by moves none that has shipped', () => {
    const dated = ctx([...twoParcelsShipped, events.delayed('2026-11-26T09:00:00Z', { newDeliverBy: at16('12-04') })], now, [receipt]);
    expect(promiseInForce(dated).shipments).toEqual({ 'f-1': at16('12-04'), 'f-2': at16('12-04') });

    const shipBy = ctx([...twoParcelsShipped, events.delayed('2026-11-26T09:00:00Z', { newShipBy: at16('12-04') })], now, [receipt]);
    expect(promiseInForce(shipBy).shipments).toEqual({ 'f-1': at16('11-27'), 'f-2': at16('12-02') });
  });

  it('an undated order-level report moves the parcels already on their way when it was made (one shipped that very instant too), not those shipped after', () => {
    // Made between the two shipments: f-1 is on its way, f-2 not yet.
    const between = ctx([...twoParcelsShipped, events.delayed('2026-11-24T10:30:00Z')], now, [receipt]);
    expect(promiseInForce(between).shipments).toEqual({ 'f-1': at16('12-01'), 'f-2': at16('12-02') });

    const sameInstant = ctx([...twoParcelsShipped, events.delayed('2026-11-24T10:00:00Z')], now, [receipt]);
    expect(estimateOf(sameInstant, 'f-1')).toBe(at16('12-01'));
  });

  it('two platform reports apply in the order they happened, not the order they arrived', () => {
    // A new ship-by of Wednesday 2 December (reported Tuesday), then an undated delay (reported
    // Friday, arriving first): two business days past the Wednesday, Friday 4 December.
    const dated = events.delayed('2026-11-24T09:00:00Z', { newShipBy: at16('12-02') });
    const undated = events.delayed('2026-11-27T10:00:00Z');
    expect(currentShipBy(ctx([placed, undated, dated], '2026-11-27T12:00:00Z', [receipt]))).toBe(at16('12-04'));
  });

  it('an undated report after a delay notice moves the promise the grace days past the date the notice gave', () => {
    // The notice (Thursday, after the ship-by passed) moved it to Wednesday 2 December; the
    // report on Friday moves it two business days on from there, to Friday 4 December.
    const shipping = notice(1, '2026-11-26T10:00:00Z', 'shipment', at16('12-02'));
    const c = ctx([placed, events.delayed('2026-11-27T10:00:00Z')], '2026-11-27T12:00:00Z', [receipt, shipping]);

    expect(currentShipBy(c)).toBe(at16('12-04'));
  });
});

describe('the deliver-by of an order not yet shipped', () => {
  const now = '2026-11-24T12:00:00Z';

  it('the receipt states ship-by plus the transit days of its shipping method', () => {
    // Ship-by Wednesday 25 November, three business days in transit: Monday 30 November.
    expect(promiseInForce(ctx([placed], now))).toEqual({ shipBy: SHIP_BY, deliverBy: at16('11-30'), shipments: {} });
    expect(currentDeliverBy(ctx([placed], now))).toBe(at16('11-30'));

    const express = aStoreConfig({ promises: { timeZone: 'Europe/Berlin', handlingDays: 2, transitDays: { default: 3, byMethod: { express: 1 } } } });
    expect(currentDeliverBy(ctx([events.placed(anOrder({ shippingMethod: 'express' }))], now, [], express))).toBe(at16('11-26'));
  });

  it("the platform's own deliver-by holds while the ship-by does; a later ship-by pushes it to ship-by plus transit", () => {
    // The platform promises Friday 27 November, sooner than the store's own transit would.
    const own = events.placed(anOrder({ promises: { deliverBy: at16('11-27') } }));
    expect(currentDeliverBy(ctx([own], now))).toBe(at16('11-27'));

    // Ship-by moved to Wednesday 2 December: three business days on, Monday 7 December.
    const moved = ctx([own, events.delayed('2026-11-24T09:00:00Z', { newShipBy: at16('12-02') })], now, [receipt]);
    expect(currentDeliverBy(moved)).toBe(at16('12-07'));
    // A ship-by moved by less than the platform's own margin leaves its deliver-by standing.
    const farOwn = events.placed(anOrder({ promises: { deliverBy: at16('12-10') } }));
    expect(currentDeliverBy(ctx([farOwn, events.delayed('2026-11-24T09:00:00Z', { newShipBy: at16('12-02') })], now, [receipt]))).toBe(at16('12-10'));
  });

  it('an order-level report of a new deliver-by moves it; a report about a parcel does not', () => {
    expect(currentDeliverBy(ctx([placed, events.delayed('2026-11-24T09:00:00Z', { newDeliverBy: at16('12-04') })], now, [receipt]))).toBe(at16('12-04'));
    expect(currentDeliverBy(ctx([placed, events.delayed('2026-11-24T09:00:00Z', { shipmentId: 'f-9', newDeliverBy: at16('12-04') })], now, [receipt]))).toBe(at16('11-30'));
  });

  it('once everything is delivered, the deliver-by stated is what it was for items still to ship', () => {
    const delivered = [
      ...twoParcelsShipped,
      events.status('2026-11-26T10:00:00Z', 'delivered', 'f-1'),
      events.status('2026-11-27T10:00:00Z', 'delivered', 'f-2'),
    ];
    const c = ctx(delivered, '2026-11-28T10:00:00Z', [receipt]);
    expect(promiseInForce(c).deliverBy).toBeUndefined();
    expect(currentDeliverBy(c)).toBe(at16('11-30'));
  });
});

describe('when delivery is assumed', () => {
  /** One parcel with everything, carrier's estimate Friday 27 November: assumed Monday 30 November 16:00 UTC. */
  const oneParcel = [placed, events.shipped('2026-11-24T10:00:00Z', 'f-1', undefined, { estimatedDelivery: at16('11-27') })];

  it('delivery is assumed exactly N days after the latest estimate of every parcel, not before', () => {
    expect(assumedDeliveryAt(ctx(oneParcel, '2026-11-25T10:00:00Z', [receipt]))).toBe(at16('11-30'));
    expect(deliveredAt(ctx(oneParcel, '2026-11-30T15:59:59.999Z', [receipt]))).toBeUndefined();
    expect(deliveredAt(ctx(oneParcel, at16('11-30'), [receipt]))).toBe(at16('11-30'));

    // The socks' parcel is expected Wednesday 2 December: Saturday 5 December.
    expect(assumedDeliveryAt(ctx(twoParcelsShipped, '2026-11-25T10:00:00Z', [receipt]))).toBe(at16('12-05'));
    const fourDays = aStoreConfig({ policy: { assumeDeliveredDaysAfterEstimate: 4 } });
    expect(assumedDeliveryAt(ctx(oneParcel, '2026-11-25T10:00:00Z', [receipt], fourDays))).toBe(at16('12-01'));
  });

  it('nothing is assumed while items are still to ship', () => {
    const partly = twoParcelsShipped.slice(0, 2);
    expect(assumedDeliveryAt(ctx(partly, '2026-12-20T10:00:00Z', [receipt]))).toBeUndefined();
    expect(earliestAssumedDeliveryAt(ctx(partly, '2026-12-20T10:00:00Z', [receipt]))).toBeUndefined();
    expect(deliveredAt(ctx(partly, '2026-12-20T10:00:00Z', [receipt]))).toBeUndefined();
  });

  it('a parcel already delivered counts by when it arrived, not by its estimate; a parcel known only from a status update does not count', () => {
    // The shoes arrived Thursday 26 November though expected Thursday 3 December; the socks
    // are expected Friday 27 November: assumed Monday 30 November.
    const early = [
      placed,
      events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }], { estimatedDelivery: at16('12-03') }),
      events.shipped('2026-11-24T11:00:00Z', 'f-2', [{ lineItemId: 'li-2', quantity: 2 }], { estimatedDelivery: at16('11-27') }),
      events.status('2026-11-26T10:00:00Z', 'delivered', 'f-1'),
    ];
    expect(assumedDeliveryAt(ctx(early, '2026-11-27T10:00:00Z', [receipt]))).toBe(at16('11-30'));

    // A status update for a parcel the platform never created: it is not a parcel of the order
    // (its computed estimate, weeks away, would otherwise hold the assumption back).
    const stray = [...oneParcel, events.status('2026-12-20T10:00:00Z', 'in_transit', 'f-9')];
    expect(assumedDeliveryAt(ctx(stray, '2026-12-20T12:00:00Z', [receipt]))).toBe(at16('11-30'));
  });

  it('a delay reported up to the assumed moment, that very instant included, moves it; one reported after does not reopen the order', () => {
    const moving = (at: string) => ctx([...oneParcel, events.delayed(at, { shipmentId: 'f-1', newDeliverBy: at16('12-02') })], '2026-12-20T10:00:00Z', [receipt]);

    // Newly expected Wednesday 2 December: assumed Saturday 5 December.
    expect(assumedDeliveryAt(moving('2026-11-29T10:00:00Z'))).toBe(at16('12-05'));
    expect(assumedDeliveryAt(moving(at16('11-30')))).toBe(at16('12-05'));
    expect(assumedDeliveryAt(moving('2026-11-30T16:00:00.001Z'))).toBe(at16('11-30'));
  });

  it('each report within the moved assumption counts in turn', () => {
    // The first moves it to Saturday 5 December; the second, made Thursday 3 December, to Friday
    // 11 December; the third, Saturday 12 December, comes after it.
    const chain = [
      ...oneParcel,
      events.delayed('2026-11-29T10:00:00Z', { shipmentId: 'f-1', newDeliverBy: at16('12-02') }),
      events.delayed('2026-12-03T10:00:00Z', { shipmentId: 'f-1', newDeliverBy: at16('12-08') }),
      events.delayed('2026-12-12T10:00:00Z', { shipmentId: 'f-1', newDeliverBy: at16('12-20') }),
    ];
    expect(assumedDeliveryAt(ctx(chain, '2026-12-20T10:00:00Z', [receipt]))).toBe(at16('12-11'));
  });

  it('the earliest delivery could have been assumed ignores every report and notice, which only move it later', () => {
    const parcelNotice = notice(1, '2026-11-28T10:00:00Z', 'delivery', at16('12-04'), { shipmentIds: ['f-1'], missedPromise: at16('11-27') });
    const c = ctx([...oneParcel, events.delayed('2026-11-26T10:00:00Z', { shipmentId: 'f-1', newDeliverBy: at16('12-02') })], '2026-11-29T10:00:00Z', [receipt, parcelNotice]);

    // In force: the notice's Friday 4 December, so assumed Monday 7 December.
    expect(assumedDeliveryAt(c)).toBe(at16('12-07'));
    expect(earliestAssumedDeliveryAt(c)).toBe(at16('11-30'));
  });
});

describe('a parcel out for delivery', () => {
  const confirmed = [receipt, sent('shipping_confirmation', 'f-1', '2026-11-24T10:00:05Z')];
  /** Everything in one parcel expected Friday 27 November 16:00 UTC, out for delivery that morning at 09:00. */
  const outToday = [
    placed,
    events.shipped('2026-11-24T10:00:00Z', 'f-1', undefined, { estimatedDelivery: at16('11-27') }),
    events.status('2026-11-27T09:00:00Z', 'out_for_delivery', 'f-1'),
  ];

  it('an out-for-delivery report protects the parcel from a delay notice for one day and no longer', () => {
    expect(dueDelayNotice(ctx(outToday, '2026-11-27T18:00:00Z', confirmed))).toBeUndefined();
    expect(dueDelayNotice(ctx(outToday, '2026-11-28T08:59:59.999Z', confirmed))).toBeUndefined();
    expect(dueDelayNotice(ctx(outToday, '2026-11-28T09:00:00Z', confirmed))).toMatchObject({ what: 'delivery', shipmentId: 'f-1', missedPromise: at16('11-27') });
    // Without the report, the notice is due as soon as the estimate passed.
    expect(dueDelayNotice(ctx(outToday.slice(0, 2), '2026-11-27T18:00:00Z', confirmed))).toMatchObject({ shipmentId: 'f-1' });
  });

  it('the next notice is planned for the end of that day, not for when the estimate passes', () => {
    expect(nextDelayNoticeAt(ctx(outToday, '2026-11-27T10:00:00Z', confirmed))).toBe('2026-11-28T09:00:00.000Z');
    expect(nextDelayNoticeAt(ctx(outToday.slice(0, 2), '2026-11-27T10:00:00Z', confirmed))).toBe('2026-11-27T16:00:01.000Z');
  });
});

describe('when the next delay notice is planned', () => {
  it('a second after the first promise in force passes: the ship-by while items are to ship, else the earliest parcel', () => {
    expect(nextDelayNoticeAt(ctx([placed], '2026-11-24T10:00:00Z', [receipt]))).toBe('2026-11-25T16:00:01.000Z');
    expect(nextDelayNoticeAt(ctx(twoParcelsShipped, '2026-11-25T10:00:00Z', [receipt]))).toBe('2026-11-27T16:00:01.000Z');
    // One parcel shipped, the socks still to ship by Wednesday: the ship-by comes first.
    const partly = [placed, events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }], { estimatedDelivery: at16('11-27') })];
    expect(nextDelayNoticeAt(ctx(partly, '2026-11-24T12:00:00Z', [receipt]))).toBe('2026-11-25T16:00:01.000Z');
  });

  it('not before the spacing after the last notice ends, and not at all once the maximum was sent', () => {
    // The notice of Thursday 26 November moved the ship-by to Friday: spacing ends Sunday 29 November.
    const first = notice(1, '2026-11-26T10:00:00Z', 'shipment', at16('11-27'));
    expect(nextDelayNoticeAt(ctx([placed], '2026-11-26T11:00:00Z', [receipt, first]))).toBe('2026-11-29T10:00:00.000Z');
    // Moved to Wednesday 2 December instead: that passes after the spacing.
    const far = notice(1, '2026-11-26T10:00:00Z', 'shipment', at16('12-02'));
    expect(nextDelayNoticeAt(ctx([placed], '2026-11-26T11:00:00Z', [receipt, far]))).toBe('2026-12-02T16:00:01.000Z');

    const second = notice(2, '2026-11-30T10:00:00Z', 'shipment', at16('12-04'));
    expect(nextDelayNoticeAt(ctx([placed], '2026-11-30T11:00:00Z', [receipt, first, second]))).toBeUndefined();
  });

  it('a report the shopper has not heard of is due at once, or when the spacing ends', () => {
    const report = events.delayed('2026-11-24T09:00:00Z', { newShipBy: at16('12-02') });
    expect(nextDelayNoticeAt(ctx([placed, report], '2026-11-24T10:00:00Z', [receipt]))).toBe('2026-11-24T10:00:00.000Z');

    const first = notice(1, '2026-11-26T10:00:00Z', 'shipment', at16('12-02'));
    const later = events.delayed('2026-11-27T09:00:00Z', { newShipBy: at16('12-09') });
    expect(nextDelayNoticeAt(ctx([placed, later], '2026-11-27T10:00:00Z', [receipt, first]))).toBe('2026-11-29T10:00:00.000Z');
  });

  it('none for an order delivered, cancelled or fully refunded', () => {
    expect(nextDelayNoticeAt(ctx([...twoParcelsShipped, events.status('2026-11-26T10:00:00Z', 'delivered', 'f-1'), events.status('2026-11-26T11:00:00Z', 'delivered', 'f-2')], '2026-11-26T12:00:00Z', [receipt]))).toBeUndefined();
    expect(nextDelayNoticeAt(ctx([placed, events.cancelled('2026-11-24T09:00:00Z')], '2026-11-24T10:00:00Z', [receipt]))).toBeUndefined();
    expect(nextDelayNoticeAt(ctx([placed, events.refunded('2026-11-24T09:00:00Z')], '2026-11-24T10:00:00Z', [receipt]))).toBeUndefined();
  });
});

describe('which promises are in force', () => {
  it("a report about a parcel, or one that only moves the deliver-by, leaves the ship-by of the items still to ship", () => {
    const partly = [placed, events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }], { estimatedDelivery: at16('11-27') })];
    expect(currentShipBy(ctx([...partly, events.delayed('2026-11-24T12:00:00Z', { shipmentId: 'f-1', newDeliverBy: at16('12-03') })], '2026-11-24T13:00:00Z', [receipt]))).toBe(SHIP_BY);
    expect(currentShipBy(ctx([...partly, events.delayed('2026-11-24T12:00:00Z', { newDeliverBy: at16('12-03') })], '2026-11-24T13:00:00Z', [receipt]))).toBe(SHIP_BY);
  });

  it('a notice about one parcel moves that parcel to its new estimate even before its estimate passed', () => {
    // Sent Thursday about a report for f-1, expected Friday: f-1 now Thursday 3 December; f-2,
    // expected Wednesday 2 December and not in the notice, stays.
    const parcel = notice(1, '2026-11-26T10:00:00Z', 'delivery', at16('12-03'), { shipmentIds: ['f-1'], missedPromise: at16('11-27') });
    const c = ctx(twoParcelsShipped, '2026-11-26T11:00:00Z', [receipt, parcel]);
    expect(promiseInForce(c).shipments).toEqual({ 'f-1': at16('12-03'), 'f-2': at16('12-02') });
  });

  it('a promise falling due at the very instant a notice went out had not passed, so a notice about something else leaves it', () => {
    const partly = [placed, events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }], { estimatedDelivery: at16('11-27') })];
    const shipping = notice(1, at16('11-27'), 'shipment', at16('12-02'));
    expect(estimateOf(ctx(partly, '2026-11-27T17:00:00Z', [receipt, shipping]), 'f-1')).toBe(at16('11-27'));
    // A millisecond after it, the parcel's promise had passed and moves with the notice.
    const after = notice(1, '2026-11-27T16:00:00.001Z', 'shipment', at16('12-02'));
    expect(estimateOf(ctx(partly, '2026-11-27T17:00:00Z', [receipt, after]), 'f-1')).toBe(at16('12-02'));
  });

  it('a parcel delivered, or a pickup collected at the store, has no delivery estimate; the order is due when the rest is', () => {
    const c = ctx([...twoParcelsShipped, events.status('2026-11-26T10:00:00Z', 'delivered', 'f-2')], '2026-11-26T11:00:00Z', [receipt]);
    expect(promiseInForce(c)).toEqual({ shipBy: undefined, deliverBy: at16('11-27'), shipments: { 'f-1': at16('11-27') } });

    const pickupReady: DomainEvent = { eventId: 'pickup-ready', store: STORE, source: 'generic', occurredAt: '2026-11-24T09:00:00Z', type: 'pickup.ready', data: { orderId: '1001', shipmentId: 'p-1' } };
    const pickup = ctx([placed, pickupReady, events.shipped('2026-11-24T09:00:01Z', 'p-1')], '2026-11-24T10:00:00Z', [receipt]);
    expect(promiseInForce(pickup).shipments).toEqual({});
  });
});

describe('when an order counts as delivered', () => {
  it('as reported, at once, even with the platform clock a little ahead of ours; a pickup when collected', () => {
    const delivered = [...twoParcelsShipped, events.status('2026-11-26T10:00:00Z', 'delivered', 'f-1'), events.status('2026-11-27T10:00:00Z', 'delivered', 'f-2')];
    expect(deliveredAt(ctx(delivered, '2026-11-27T09:59:58Z', [receipt]))).toBe('2026-11-27T10:00:00Z');

    const collected: DomainEvent = { eventId: 'picked-up', store: STORE, source: 'generic', occurredAt: '2026-11-25T15:00:00Z', type: 'pickup.completed', data: { orderId: '1001' } };
    expect(deliveredAt(ctx([placed, collected], '2026-11-25T16:00:00Z', [receipt]))).toBe('2026-11-25T15:00:00Z');
  });

  it('a delay reported at the assumed moment that changes no date leaves the assumption where it was', () => {
    const oneParcel = [placed, events.shipped('2026-11-24T10:00:00Z', 'f-1', undefined, { estimatedDelivery: at16('11-27') })];
    const noMove = events.delayed(at16('11-30'), { shipmentId: 'f-1', newDeliverBy: at16('11-26') });
    expect(assumedDeliveryAt(ctx([...oneParcel, noMove], '2026-12-01T10:00:00Z', [receipt]))).toBe(at16('11-30'));
  });
});

describe('what a delay notice says, when both shipping and a parcel are late', () => {
  // The shoes shipped Monday, expected Tuesday; the socks not shipped by Wednesday's ship-by.
  const partly = [placed, events.shipped('2026-11-23T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }], { estimatedDelivery: at16('11-24') })];
  const confirmed = [receipt, sent('shipping_confirmation', 'f-1', '2026-11-23T10:00:05Z')];

  it('is about shipping, names the ship-by missed (not the earlier parcel promise), and lists the late parcel without naming it as the subject', () => {
    const due = dueDelayNotice(ctx(partly, '2026-11-26T10:00:00Z', confirmed))!;
    expect(due).toMatchObject({ what: 'shipment', missedPromise: SHIP_BY, shipmentIds: ['f-1'] });
    expect(due.shipmentId).toBeUndefined();
  });

  it('a notice about shipping alone lists no parcel', () => {
    const due = dueDelayNotice(ctx([placed], '2026-11-26T10:00:00Z', [receipt]))!;
    expect(due).toMatchObject({ what: 'shipment', missedPromise: SHIP_BY });
    expect(due.shipmentIds).toBeUndefined();
  });
});

describe('what a delay notice says about several parcels', () => {
  // f-1 expected Wednesday 2 December, f-2 Tuesday 1 December: the earlier promise is the second parcel's.
  const reversed = [
    placed,
    events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }], { estimatedDelivery: at16('12-02') }),
    events.shipped('2026-11-24T11:00:00Z', 'f-2', [{ lineItemId: 'li-2', quantity: 2 }], { estimatedDelivery: at16('12-01') }),
  ];
  const confirmed = [receipt, sent('shipping_confirmation', 'f-1', '2026-11-24T10:00:05Z'), sent('shipping_confirmation', 'f-2', '2026-11-24T11:00:05Z')];

  it('names the earliest promise missed, whichever parcel it is', () => {
    expect(dueDelayNotice(ctx(reversed, '2026-12-03T10:00:00Z', confirmed))).toMatchObject({ missedPromise: at16('12-01'), shipmentIds: ['f-1', 'f-2'] });
  });

  it('says a platform reported it when a report moved any late parcel, though another just passed', () => {
    // f-2's estimate passed on Tuesday; on Wednesday morning a report moves f-1 to Friday.
    const c = ctx([...reversed, events.delayed('2026-12-02T09:00:00Z', { shipmentId: 'f-1', newDeliverBy: at16('12-04') })], '2026-12-02T10:00:00Z', confirmed);
    expect(dueDelayNotice(c)).toMatchObject({ shipmentIds: ['f-1', 'f-2'], reported: true });
  });
});

describe('news the shipping confirmation already gave', () => {
  const shipped = [placed, events.shipped('2026-11-24T10:00:00Z', 'f-1', undefined, { estimatedDelivery: at16('11-27') })];
  const report = events.delayed('2026-11-24T10:00:01Z', { shipmentId: 'f-1', newDeliverBy: at16('12-03'), reason: 'weather' });

  it("a parcel's report made before its shipping confirmation went out is not news; made after it, it is", () => {
    // The confirmation, sent four seconds after the report, stated Thursday 3 December.
    const confirmedAfter = [receipt, sent('shipping_confirmation', 'f-1', '2026-11-24T10:00:05Z')];
    expect(dueDelayNotice(ctx([...shipped, report], '2026-11-24T12:00:00Z', confirmedAfter))).toBeUndefined();

    const confirmedBefore = [receipt, sent('shipping_confirmation', 'f-1', '2026-11-24T10:00:00.500Z')];
    expect(dueDelayNotice(ctx([...shipped, report], '2026-11-24T12:00:00Z', confirmedBefore))).toMatchObject({ reported: true, reason: 'weather', newEstimate: at16('12-03') });
    // Another parcel's confirmation, or another kind of email, said nothing about this one.
    expect(dueDelayNotice(ctx([...shipped, report], '2026-11-24T12:00:00Z', [receipt, sent('shipping_confirmation', 'f-2', '2026-11-24T10:00:05Z')]))).toMatchObject({ reported: true });
  });
});

describe('the reason a delay notice gives', () => {
  it('is the newest report the shopper has not heard of', () => {
    const older = events.delayed('2026-11-24T08:00:00Z', { reason: 'backorder', newShipBy: at16('11-27') });
    const newer = events.delayed('2026-11-24T09:00:00Z', { reason: 'weather', message: 'Storm', newShipBy: at16('12-02') });
    expect(dueDelayNotice(ctx([placed, older, newer], '2026-11-24T10:00:00Z', [receipt]))).toMatchObject({ reason: 'weather', message: 'Storm' });
  });

  it('is not a report the receipt already explained, made before it or at the very instant it went out', () => {
    // The receipt stated the ship-by of Friday 27 November; the notice comes when that passes,
    // with no news of why.
    for (const at of ['2026-11-23T09:00:01Z', '2026-11-23T09:00:02Z']) {
      const reflected = events.delayed(at, { reason: 'backorder', newShipBy: at16('11-27') });
      expect(dueDelayNotice(ctx([placed, reflected], '2026-11-24T10:00:00Z', [receipt]))).toBeUndefined();
      const due = dueDelayNotice(ctx([placed, reflected], '2026-11-28T10:00:00Z', [receipt]))!;
      expect(due).toMatchObject({ what: 'shipment', missedPromise: at16('11-27') });
      expect(due.reason).toBeUndefined();
      expect(due.reported).toBeUndefined();
    }
  });
});

describe('the new estimate a delay notice gives', () => {
  it('is in the future: a moved date that is already now gives way to the grace days from now', () => {
    // The ship-by passed Wednesday; Thursday a report moves it to Friday 10:00 UTC, and at that
    // very instant the notice cannot promise it: two business days on, Tuesday 1 December.
    const report = events.delayed('2026-11-26T09:00:00Z', { newShipBy: '2026-11-27T10:00:00.000Z' });
    expect(dueDelayNotice(ctx([placed, report], '2026-11-27T10:00:00Z', [receipt]))).toMatchObject({ missedPromise: SHIP_BY, newEstimate: at16('12-01') });
  });
});

describe('spacing of notices, when planning the next', () => {
  it('counts from the latest notice sent, not the first', () => {
    const config = aStoreConfig({ policy: { delayNotices: { maxPerOrder: 3, minSpacingDays: 3 } } });
    const first = notice(1, '2026-11-26T10:00:00Z', 'shipment', at16('11-27'));
    const second = notice(2, '2026-11-30T10:00:00Z', 'shipment', at16('12-01'));
    expect(nextDelayNoticeAt(ctx([placed], '2026-11-30T11:00:00Z', [receipt, first, second], config))).toBe('2026-12-03T10:00:00.000Z');
  });
});
