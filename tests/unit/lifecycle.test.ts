import { describe, expect, it } from 'vitest';
import {
  currentShipBy,
  decideAwait,
  deliveredAt,
  dueDelayNotices,
  feedbackRequestAt,
  phaseDeadline,
  plannedEmails,
  shipmentEstimate,
  waitSeconds,
  type DecisionContext,
  type LedgerEntry,
} from '../../functions/domain/lifecycle.js';
import { foldOrder } from '../../functions/domain/order-state.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { STORE, aStoreConfig, anOrder, events } from '../support/builders.js';

const sent = (kind: LedgerEntry['kind'], ref = 'order', extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  kind,
  ref,
  status: 'sent',
  claimId: 'c',
  claimedAt: '2026-11-23T09:00:01Z',
  sentAt: '2026-11-23T09:00:02Z',
  messageId: `m-${kind}-${ref}`,
  ...extra,
});

function ctx(evts: DomainEvent[], now: string, more: Partial<DecisionContext> = {}): DecisionContext {
  return {
    state: foldOrder(STORE, '1001', evts),
    ledger: [],
    unsubscribed: false,
    suppressed: false,
    config: aStoreConfig(),
    now: new Date(now),
    ...more,
  };
}

// Placed Monday 10:00 Berlin: ship-by Wednesday 25 Nov 17:00 Berlin (16:00Z).
const placed = events.placed();
const shipBy = '2026-11-25T16:00:00.000Z';

describe('what a waiting state does', () => {
  it('keeps waiting for a shipment while the ship-by date has not passed', () => {
    expect(decideAwait('shipment', ctx([placed], '2026-11-24T10:00:00Z'))).toEqual({ action: 'wait' });
  });

  it('moves on at once when the shipment happened before the workflow got there', () => {
    const c = ctx([placed, events.shipped('2026-11-23T10:00:00Z')], '2026-11-23T10:00:05Z', { ledger: [sent('receipt')] });
    expect(decideAwait('shipment', c)).toEqual({ action: 'proceed', next: 'delivery' });
  });

  it('is interrupted by a cancellation before shipping, and by nothing once the cancellation notice went out', () => {
    const cancelled = [placed, events.cancelled('2026-11-24T08:00:00Z', 'customer request')];
    expect(decideAwait('shipment', ctx(cancelled, '2026-11-24T09:00:00Z'))).toEqual({ action: 'interrupt', error: 'OrderCancelled' });
    expect(decideAwait('shipment', ctx(cancelled, '2026-11-24T09:00:00Z', { ledger: [sent('cancellation')] }))).toEqual({ action: 'interrupt', error: 'OrderClosed' });
  });

  it('is interrupted for a delay notice when the ship-by date passes unshipped', () => {
    expect(decideAwait('shipment', ctx([placed], '2026-11-25T16:00:01Z'))).toEqual({ action: 'interrupt', error: 'OrderDelayed' });
  });

  it('asks for another shipping confirmation when a second shipment of a split order arrives', () => {
    const first = events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }]);
    const second = events.shipped('2026-11-25T10:00:00Z', 'f-2', [{ lineItemId: 'li-2', quantity: 2 }]);
    const c = ctx([placed, first, second], '2026-11-25T10:00:01Z', { ledger: [sent('receipt'), sent('shipping_confirmation', 'f-1')] });
    expect(decideAwait('delivery', c)).toEqual({ action: 'interrupt', error: 'ShipmentCreated' });
  });

  it('proceeds to the feedback window when everything is delivered', () => {
    const c = ctx([placed, events.shipped('2026-11-24T10:00:00Z'), events.status('2026-11-26T10:00:00Z', 'delivered')], '2026-11-26T10:00:01Z', {
      ledger: [sent('receipt'), sent('shipping_confirmation', 'f-1')],
    });
    expect(decideAwait('delivery', c)).toEqual({ action: 'proceed', next: 'feedback_window' });
    // The window is 7 days after delivery.
    expect(waitSeconds('feedback_window', c)).toBe(7 * 86_400 - 1);
  });

  it('assumes delivery the grace period after the latest estimate when the platform never reports it', () => {
    // Estimate: the receipt's deliver-by, Monday 30 Nov 17:00 Berlin; two notices moved it to 8 Dec.
    const shipped = [placed, events.shipped('2026-11-24T10:00:00Z')];
    const ledger = [
      sent('receipt'),
      sent('shipping_confirmation', 'f-1'),
      sent('delay_notice', 'late:1', { sentAt: '2026-12-01T09:00:00Z', missedPromise: '2026-11-30T16:00:00.000Z', newEstimate: '2026-12-03T16:00:00.000Z' }),
      sent('delay_notice', 'late:2', { sentAt: '2026-12-04T09:00:00Z', missedPromise: '2026-12-03T16:00:00.000Z', newEstimate: '2026-12-08T16:00:00.000Z' }),
    ];
    expect(shipmentEstimate(ctx(shipped, '2026-12-05T10:00:00Z', { ledger }), foldOrder(STORE, '1001', shipped).shipments[0]!)).toBe('2026-12-08T16:00:00.000Z');
    // No third notice (the maximum is two): the next thing to happen is the assumed delivery, 3 days on.
    expect(phaseDeadline('delivery', ctx(shipped, '2026-12-05T10:00:00Z', { ledger }))).toBe('2026-12-11T16:00:00.000Z');
    expect(decideAwait('delivery', ctx(shipped, '2026-12-11T15:59:59Z', { ledger })).action).toBe('wait');
    expect(decideAwait('delivery', ctx(shipped, '2026-12-11T16:00:00Z', { ledger }))).toEqual({ action: 'proceed', next: 'feedback_window' });
  });

  it('does not assume delivery, nor ask for feedback, while the carrier\'s estimate is still weeks away (issue 11, case 4)', () => {
    const shipped = [placed, events.shipped('2026-11-24T10:00:00Z', 'f-1', undefined, { estimatedDelivery: '2026-12-28T16:00:00Z' })];
    const ledger = [sent('receipt'), sent('shipping_confirmation', 'f-1')];
    // The old 14-day fallback assumed delivery on 8 December and sent the request a week later.
    expect(decideAwait('delivery', ctx(shipped, '2026-12-09T10:00:00Z', { ledger })).action).toBe('wait');
    expect(deliveredAt(ctx(shipped, '2026-12-15T10:00:00Z', { ledger }))).toBeUndefined();
    // The wait ends when the estimate is missed (a delay notice), not before.
    expect(phaseDeadline('delivery', ctx(shipped, '2026-12-09T10:00:00Z', { ledger }))).toBe('2026-12-28T16:00:01.000Z');
    // With no news at all: delivery assumed on 31 December, the request due 7 days later, at 08:00 Berlin at the earliest.
    const late = [...ledger, sent('delay_notice', 'late:1', { sentAt: '2026-12-29T09:00:00Z', newEstimate: '2026-12-31T16:00:00.000Z' }), sent('delay_notice', 'late:2', { sentAt: '2027-01-01T09:00:00Z', newEstimate: '2027-01-05T16:00:00.000Z' })];
    expect(feedbackRequestAt(ctx(shipped, '2027-01-02T10:00:00Z', { ledger: late }))).toBe('2027-01-15T16:00:00.000Z');
  });

  it('ends the feedback wait when feedback was given, and waits for the reminder otherwise', () => {
    const delivered = [placed, events.shipped('2026-11-24T10:00:00Z'), events.status('2026-11-26T10:00:00Z', 'delivered')];
    const ledger = [sent('feedback_request', 'order', { sentAt: '2026-12-03T10:00:00Z' })];
    expect(decideAwait('feedback', ctx(delivered, '2026-12-04T10:00:00Z', { ledger }))).toEqual({ action: 'wait' });
    expect(decideAwait('feedback', ctx(delivered, '2026-12-04T10:00:00Z', { ledger, feedback: { rating: 5, at: '2026-12-04T09:00:00Z' } }))).toEqual({
      action: 'proceed',
      next: 'none',
    });
  });

  it('closes the feedback window for a fully refunded order or an unsubscribed shopper', () => {
    const delivered = [placed, events.shipped('2026-11-24T10:00:00Z'), events.status('2026-11-26T10:00:00Z', 'delivered')];
    expect(decideAwait('feedback_window', ctx([...delivered, events.refunded('2026-11-27T10:00:00Z')], '2026-11-28T00:00:00Z'))).toEqual({ action: 'interrupt', error: 'OrderClosed' });
    expect(decideAwait('feedback_window', ctx(delivered, '2026-11-28T00:00:00Z', { unsubscribed: true }))).toEqual({ action: 'interrupt', error: 'OrderClosed' });
  });
});

describe('delay notices', () => {
  it('gives one notice per order for a missed promise; the new estimate can be missed again, after the spacing', () => {
    // One business day of grace: the new estimate (Friday) passes before the 3-day spacing ends (Saturday).
    const config = aStoreConfig({ lifecycle: { delayGraceDays: 1 } });
    const first = dueDelayNotices(ctx([placed], '2026-11-25T16:00:01Z', { config }));
    expect(first).toEqual([expect.objectContaining({ ref: 'late:1', what: 'shipment', missedPromise: shipBy, newEstimate: '2026-11-27T16:00:00.000Z' })]);
    const ledger = [sent('delay_notice', first[0]!.ref, { sentAt: '2026-11-25T16:00:01Z', missedPromise: shipBy, newEstimate: first[0]!.newEstimate })];
    // The same miss is not noticed twice…
    expect(dueDelayNotices(ctx([placed], '2026-11-26T10:00:00Z', { ledger, config }))).toEqual([]);
    // …and the ship-by date in force is now the new estimate, which can be missed in turn, but
    // the next notice waits out the 3-day spacing.
    expect(currentShipBy(ctx([placed], '2026-11-26T10:00:00Z', { ledger, config }))).toBe(first[0]!.newEstimate);
    expect(dueDelayNotices(ctx([placed], '2026-11-27T16:00:01Z', { ledger, config }))).toEqual([]);
    expect(phaseDeadline('shipment', ctx([placed], '2026-11-27T16:00:01Z', { ledger, config }))).toBe('2026-11-28T16:00:01.000Z');
    const again = dueDelayNotices(ctx([placed], '2026-11-28T16:00:01Z', { ledger, config }));
    expect(again).toEqual([expect.objectContaining({ ref: 'late:2', missedPromise: first[0]!.newEstimate })]);
    // Two is the most: after the second, nothing more is scheduled.
    const both = [...ledger, sent('delay_notice', 'late:2', { sentAt: '2026-11-28T16:00:01Z', newEstimate: again[0]!.newEstimate })];
    expect(dueDelayNotices(ctx([placed], '2026-12-20T10:00:00Z', { ledger: both, config }))).toEqual([]);
    expect(phaseDeadline('shipment', ctx([placed], '2026-12-20T10:00:00Z', { ledger: both, config }))).toBeUndefined();
  });

  it('names the promise the receipt made when the platform reports a delay without a date (issue 11, case 2)', () => {
    // Placed Tuesday 12 January 2027, no ship-by of its own: ship by Thursday 14 January 17:00 Berlin.
    const order = anOrder({ placedAt: '2027-01-12T08:00:00Z' });
    const evts = [events.placed(order), events.delayed('2027-01-12T15:00:00Z', { reason: 'backorder' })];
    const c = ctx(evts, '2027-01-12T15:00:05Z');
    const [notice] = dueDelayNotices(c);
    // Not "we expected to ship by Tuesday 12 January", the day of the report.
    expect(notice).toMatchObject({ what: 'shipment', missedPromise: '2027-01-14T16:00:00.000Z', newEstimate: '2027-01-18T16:00:00.000Z', reason: 'backorder' });
    // The notice's new date is the ship-by in force everywhere.
    expect(currentShipBy(c)).toBe('2027-01-18T16:00:00.000Z');
  });

  it('sends one notice for all late parcels of a split order, at most two, three days apart, naming the receipt\'s date (issue 11, case 1)', () => {
    // The receipt promised Wednesday 20 January; both parcels ship early, so a computed
    // estimate (15 January) must not undercut it, and no delivery is ever reported.
    const order = anOrder({ placedAt: '2027-01-11T08:00:00Z', promises: { deliverBy: '2027-01-20T16:00:00Z' } });
    const evts = [
      events.placed(order),
      events.shipped('2027-01-12T10:00:00Z', 'a', [{ lineItemId: 'li-1', quantity: 1 }]),
      events.shipped('2027-01-13T10:00:00Z', 'b', [{ lineItemId: 'li-2', quantity: 2 }]),
    ];
    const ledger: LedgerEntry[] = [];
    const notices: Array<{ at: number; missedPromise: string; newEstimate: string; shipmentIds?: string[] }> = [];
    for (let t = Date.parse('2027-01-13T11:00:00Z'); t < Date.parse('2027-02-10T00:00:00Z'); t += 3_600_000) {
      for (const p of plannedEmails('delay_notice', ctx(evts, new Date(t).toISOString(), { ledger }))) {
        const at = new Date(t).toISOString();
        ledger.push(sent('delay_notice', p.ref, { claimedAt: at, sentAt: at, missedPromise: p.delay!.missedPromise, newEstimate: p.delay!.newEstimate }));
        notices.push({ at: t, ...p.delay! });
      }
    }
    expect(notices).toHaveLength(2);
    expect(notices[0]!.missedPromise).toBe('2027-01-20T16:00:00Z');
    expect(notices[0]!.shipmentIds).toEqual(['a', 'b']);
    expect(notices[1]!.at - notices[0]!.at).toBeGreaterThanOrEqual(3 * 86_400_000);
    for (const n of notices) expect(Date.parse(n.newEstimate)).toBeGreaterThan(n.at);
    // The second names the first one's new estimate: the promise then in force.
    expect(notices[1]!.missedPromise).toBe(notices[0]!.newEstimate);
  });

  it('notices a delay the platform reports, with its reason and new estimate', () => {
    const report = events.delayed('2026-11-24T08:00:00Z', { reason: 'backorder', message: 'Size 42 back in stock Friday', newShipBy: '2026-11-27T16:00:00Z' });
    const notices = dueDelayNotices(ctx([placed, report], '2026-11-24T08:00:01Z'));
    expect(notices).toEqual([expect.objectContaining({ what: 'shipment', reason: 'backorder', message: 'Size 42 back in stock Friday', newEstimate: '2026-11-27T16:00:00Z' })]);
  });

  it('sends none after delivery or cancellation', () => {
    const delivered = [placed, events.shipped('2026-11-24T10:00:00Z'), events.status('2026-12-20T10:00:00Z', 'delivered')];
    expect(dueDelayNotices(ctx(delivered, '2026-12-21T10:00:00Z'))).toEqual([]);
    expect(dueDelayNotices(ctx([placed, events.cancelled('2026-11-24T10:00:00Z')], '2026-12-01T10:00:00Z'))).toEqual([]);
  });

  it('notices a missed delivery estimate per shipment', () => {
    const shipped = [placed, events.shipped('2026-11-24T10:00:00Z', 'f-1', undefined, { estimatedDelivery: '2026-11-26T18:00:00Z' })];
    const notices = dueDelayNotices(ctx(shipped, '2026-11-26T18:00:01Z'));
    expect(notices).toEqual([expect.objectContaining({ what: 'delivery', shipmentId: 'f-1', missedPromise: '2026-11-26T18:00:00Z' })]);
  });
});

describe('which emails are due', () => {
  it('plans the receipt once', () => {
    expect(plannedEmails('receipt', ctx([placed], '2026-11-23T09:00:01Z')).map((p) => p.ref)).toEqual(['order']);
    expect(plannedEmails('receipt', ctx([placed], '2026-11-23T09:00:01Z', { ledger: [sent('receipt')] }))).toEqual([]);
  });

  it('plans one shipping confirmation per shipment, the last one marked final', () => {
    const first = events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }]);
    const second = events.shipped('2026-11-25T10:00:00Z', 'f-2', [{ lineItemId: 'li-2', quantity: 2 }]);
    const planned = plannedEmails('shipping_confirmation', ctx([placed, first, second], '2026-11-25T10:00:01Z', { ledger: [sent('shipping_confirmation', 'f-1')] }));
    expect(planned.map((p) => [p.ref, p.isFinalShipment])).toEqual([['f-2', true]]);
  });

  it('plans no feedback request for an unsubscribed, suppressed or already-reviewing shopper', () => {
    const delivered = [placed, events.shipped('2026-11-24T10:00:00Z'), events.status('2026-11-26T10:00:00Z', 'delivered')];
    const at = '2026-12-03T10:00:01Z';
    expect(plannedEmails('feedback_request', ctx(delivered, at))).toHaveLength(1);
    expect(plannedEmails('feedback_request', ctx(delivered, at, { unsubscribed: true }))).toEqual([]);
    expect(plannedEmails('feedback_request', ctx(delivered, at, { suppressed: true }))).toEqual([]);
    expect(plannedEmails('feedback_request', ctx(delivered, at, { feedback: { rating: 4, at } }))).toEqual([]);
  });

  it('plans a cancellation notice only for a cancelled order', () => {
    expect(plannedEmails('cancellation', ctx([placed], '2026-11-24T10:00:00Z'))).toEqual([]);
    expect(plannedEmails('cancellation', ctx([placed, events.cancelled('2026-11-24T08:00:00Z')], '2026-11-24T10:00:00Z', { ledger: [sent('receipt')] }))).toHaveLength(1);
  });
});

describe('an unsettled claim (a crash or a lost answer between the claim and the record)', () => {
  const claimed = (kind: LedgerEntry['kind'], ref = 'order', extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
    kind,
    ref,
    status: 'claimed',
    claimId: 'crashed-attempt',
    claimedAt: '2026-11-23T09:00:01Z',
    ...extra,
  });

  it('keeps the email planned, so the retry reaches the claim-settle protocol instead of moving on', () => {
    expect(plannedEmails('receipt', ctx([placed], '2026-11-23T09:00:05Z', { ledger: [claimed('receipt')] })).map((p) => p.ref)).toEqual(['order']);
    const shipped = [placed, events.shipped('2026-11-24T10:00:00Z')];
    expect(plannedEmails('shipping_confirmation', ctx(shipped, '2026-11-24T10:00:05Z', { ledger: [sent('receipt'), claimed('shipping_confirmation', 'f-1')] })).map((p) => p.ref)).toEqual(['f-1']);
    const cancelled = [placed, events.cancelled('2026-11-24T08:00:00Z')];
    expect(plannedEmails('cancellation', ctx(cancelled, '2026-11-24T09:00:00Z', { ledger: [sent('receipt'), claimed('cancellation')] }))).toHaveLength(1);
  });

  it('does not count as a confirmation or a cancellation notice for the waiting states', () => {
    const shipped = [placed, events.shipped('2026-11-24T10:00:00Z')];
    expect(decideAwait('delivery', ctx(shipped, '2026-11-24T10:00:05Z', { ledger: [sent('receipt'), claimed('shipping_confirmation', 'f-1')] }))).toEqual({
      action: 'interrupt',
      error: 'ShipmentCreated',
    });
    const cancelled = [placed, events.cancelled('2026-11-24T08:00:00Z')];
    expect(decideAwait('shipment', ctx(cancelled, '2026-11-24T09:00:00Z', { ledger: [sent('receipt'), claimed('cancellation')] }))).toEqual({
      action: 'interrupt',
      error: 'OrderCancelled',
    });
  });

  it('keeps a delay notice due with the estimate the claim recorded, and does not move the promise yet', () => {
    const due = dueDelayNotices(ctx([placed], '2026-11-25T16:00:01Z'))[0]!;
    const ledger = [sent('receipt'), claimed('delay_notice', due.ref, { missedPromise: due.missedPromise, newEstimate: due.newEstimate })];
    // A day later the estimate computed afresh would differ; the retry says what the claim said.
    const later = ctx([placed], '2026-11-26T16:00:01Z', { ledger });
    expect(currentShipBy(later)).toBe(shipBy);
    expect(plannedEmails('delay_notice', later).map((p) => [p.ref, p.delay?.newEstimate])).toEqual([[due.ref, due.newEstimate]]);
  });

  it('keeps the feedback wait open, and sends no reminder until the request is known to be sent', () => {
    const delivered = [placed, events.shipped('2026-11-24T10:00:00Z'), events.status('2026-11-26T10:00:00Z', 'delivered')];
    const ledger = [claimed('feedback_request', 'order', { claimedAt: '2026-12-03T10:00:00Z' })];
    expect(decideAwait('feedback', ctx(delivered, '2026-12-04T10:00:00Z', { ledger }))).toEqual({ action: 'wait' });
    expect(plannedEmails('feedback_reminder', ctx(delivered, '2026-12-08T10:00:01Z', { ledger }))).toEqual([]);
    expect(plannedEmails('feedback_reminder', ctx(delivered, '2026-12-08T10:00:01Z', { ledger: [sent('feedback_request', 'order', { sentAt: '2026-12-03T10:00:00Z' })] }))).toHaveLength(1);
  });
});

describe('feedback mail for a cancelled order', () => {
  // Cancelled in transit; the carrier still reports the delivery (or the fallback assumes it).
  const delivered = [placed, events.shipped('2026-11-24T10:00:00Z'), events.status('2026-11-26T10:00:00Z', 'delivered')];
  const cancelled = [placed, events.shipped('2026-11-24T10:00:00Z'), events.cancelled('2026-11-25T10:00:00Z', 'customer request'), events.status('2026-11-26T10:00:00Z', 'delivered')];

  it('plans no feedback request for it, and closes its feedback window', () => {
    const at = '2026-12-03T10:00:01Z';
    expect(plannedEmails('feedback_request', ctx(delivered, at))).toHaveLength(1);
    expect(plannedEmails('feedback_request', ctx(cancelled, at))).toEqual([]);
    expect(decideAwait('feedback_window', ctx(cancelled, at))).toEqual({ action: 'interrupt', error: 'OrderClosed' });
  });

  it('sends it no reminder, and ends the feedback wait', () => {
    const ledger = [sent('feedback_request', 'order', { sentAt: '2026-12-03T10:00:00Z' })];
    expect(plannedEmails('feedback_reminder', ctx(delivered, '2026-12-07T10:00:01Z', { ledger }))).toHaveLength(1);
    expect(plannedEmails('feedback_reminder', ctx(cancelled, '2026-12-07T10:00:01Z', { ledger }))).toEqual([]);
    expect(decideAwait('feedback', ctx(cancelled, '2026-12-05T10:00:00Z', { ledger }))).toEqual({ action: 'proceed', next: 'none' });
  });
});
