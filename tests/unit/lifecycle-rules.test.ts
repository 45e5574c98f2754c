/**
 * The lifecycle decisions, rule by rule: each condition of the feedback rules, of the waiting
 * states and of what is due, on its own, so that none can be dropped or inverted unnoticed
 * (docs/MUTATION.md). The broad scenarios are in lifecycle.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { earliestAssumedDeliveryAt } from '../../functions/domain/policy.js';
import { EMAIL_KINDS } from '../../functions/domain/email/context.js';
import {
  MAX_WAIT_SECONDS,
  awaitPhaseSchema,
  decideAwait,
  deliveredAt,
  dueDelayNotices,
  endsWalk,
  phaseDeadline,
  plannedEmails,
  waitSeconds,
  type AwaitDecision,
  type AwaitPhase,
  type DecisionContext,
  type EmailKind,
  type LedgerEntry,
} from '../../functions/domain/lifecycle.js';
import { foldOrder } from '../../functions/domain/order-state.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { STORE, aStoreConfig, anOrder, events } from '../support/builders.js';

const line = (kind: EmailKind, status: LedgerEntry['status'], ref = 'order', extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  kind,
  ref,
  status,
  claimId: `c-${kind}-${ref}`,
  claimedAt: '2026-11-23T09:00:01Z',
  ...(status === 'sent' ? { sentAt: '2026-11-23T09:00:02Z', messageId: `m-${kind}-${ref}` } : {}),
  ...extra,
});

function ctx(evts: DomainEvent[], now: string, more: Partial<DecisionContext> = {}): DecisionContext {
  return { state: foldOrder(STORE, '1001', evts), ledger: [], unsubscribed: false, suppressed: false, config: aStoreConfig(), now: new Date(now), ...more };
}

const placed = events.placed();
const shipped = events.shipped('2026-11-24T10:00:00Z');
const delivered = [placed, shipped, events.status('2026-11-26T12:00:00Z', 'delivered')];
/** A weekday morning in Berlin, a week after delivery: the feedback window has passed. */
const LATER = '2026-12-04T10:00:00Z';
const requestSent = line('feedback_request', 'sent', 'order', { claimedAt: '2026-12-04T10:00:00Z', sentAt: '2026-12-04T10:00:01Z' });
const kinds = (c: DecisionContext, kind: EmailKind) => plannedEmails(kind, c).map((p) => `${p.kind}/${p.ref}`);

describe('feedback rules: who gets the feedback request and reminder', () => {
  it('asks a shopper whose order was delivered, once the window has passed', () => {
    const c = ctx(delivered, LATER);

    expect(kinds(c, 'feedback_request')).toEqual(['feedback_request/order']);
    expect(decideAwait('feedback_window', c)).toEqual({ action: 'proceed', next: 'feedback' });
  });

  it('still asks after a partial refund', () => {
    const c = ctx([...delivered, events.refunded('2026-11-27T10:00:00Z', false)], LATER);

    expect(kinds(c, 'feedback_request')).toEqual(['feedback_request/order']);
    expect(decideAwait('feedback_window', c).action).toBe('proceed');
  });

  const declined: [string, DecisionContext][] = [
    ['gave feedback already', ctx(delivered, LATER, { feedback: { rating: 5, at: '2026-11-27T10:00:00Z' } })],
    ['unsubscribed', ctx(delivered, LATER, { unsubscribed: true })],
    ['is suppressed (bounce or complaint)', ctx(delivered, LATER, { suppressed: true })],
    ['cancelled the order after it shipped', ctx([placed, shipped, events.cancelled('2026-11-25T10:00:00Z'), events.status('2026-11-26T12:00:00Z', 'delivered')], LATER)],
    ['was refunded in full', ctx([...delivered, events.refunded('2026-11-27T10:00:00Z', true)], LATER)],
  ];

  it.each(declined)('asks nothing of a shopper who %s: no request, no reminder, the window closes', (_why, c) => {
    expect(kinds(c, 'feedback_request')).toEqual([]);
    expect(kinds({ ...c, ledger: [requestSent] }, 'feedback_reminder')).toEqual([]);
    expect(decideAwait('feedback_window', c)).toEqual({ action: 'interrupt', error: 'OrderClosed' });
    expect(decideAwait('feedback', { ...c, ledger: [requestSent] })).toEqual({ action: 'proceed', next: 'none' });
  });

  it('assumes delivery of a shipped order the platform never reports delivered from one instant on, and never of a partial shipment', () => {
    const shippedOnly = [placed, shipped];
    const assumed = deliveredAt(ctx(shippedOnly, '2027-01-15T10:00:00Z'))!;

    expect(assumed).toBeDefined();
    expect(deliveredAt(ctx(shippedOnly, assumed))).toBe(assumed);
    expect(deliveredAt(ctx(shippedOnly, new Date(Date.parse(assumed) - 1).toISOString()))).toBeUndefined();
    const partial = [placed, events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }])];
    expect(deliveredAt(ctx(partial, '2027-01-15T10:00:00Z'))).toBeUndefined();
  });

  it('asks nothing before delivery, and waits in the window until it is due, to the millisecond', () => {
    const undelivered = ctx([placed, shipped], '2026-11-25T10:00:00Z');
    expect(kinds(undelivered, 'feedback_request')).toEqual([]);

    const due = phaseDeadline('feedback_window', ctx(delivered, LATER))!;
    const at = (ms: number) => ctx(delivered, new Date(Date.parse(due) + ms).toISOString());
    expect(decideAwait('feedback_window', at(-1))).toEqual({ action: 'wait' });
    expect(decideAwait('feedback_window', at(0))).toEqual({ action: 'proceed', next: 'feedback' });
  });

  it('sets the window to end a week after delivery, whether asked by day or during the quiet hours before it is due', () => {
    // Delivered Thursday 26 November 13:00 Berlin: the request is due Thursday 3 December 13:00.
    const end = Date.parse('2026-12-03T12:00:00Z');
    expect(Date.parse(phaseDeadline('feedback_window', ctx(delivered, '2026-11-27T10:00:00Z'))!)).toBe(end);
    // 23:30 in Berlin is quiet, but nothing is due yet: the deadline stays the window's end.
    expect(Date.parse(phaseDeadline('feedback_window', ctx(delivered, '2026-11-27T22:30:00Z'))!)).toBe(end);
  });

  it('asks once: a sent or skipped request is not planned again, an unsettled claim is (notify settles it)', () => {
    expect(kinds(ctx(delivered, LATER, { ledger: [requestSent] }), 'feedback_request')).toEqual([]);
    expect(kinds(ctx(delivered, LATER, { ledger: [line('feedback_request', 'skipped')] }), 'feedback_request')).toEqual([]);
    expect(kinds(ctx(delivered, LATER, { ledger: [line('feedback_request', 'claimed')] }), 'feedback_request')).toEqual(['feedback_request/order']);
  });

  it('reminds only after a request that was sent, and only once', () => {
    const at = (ledger: LedgerEntry[]) => kinds(ctx(delivered, '2026-12-08T10:00:00Z', { ledger }), 'feedback_reminder');

    expect(at([requestSent])).toEqual(['feedback_reminder/order']);
    expect(at([])).toEqual([]);
    expect(at([line('feedback_request', 'skipped')])).toEqual([]);
    expect(at([line('feedback_request', 'claimed')])).toEqual([]);
    expect(at([requestSent, line('feedback_reminder', 'sent')])).toEqual([]);
  });

  it('ends the wait for the reminder when there is no request to remind of, and waits while one was or may have been sent', () => {
    const feedback = (ledger: LedgerEntry[]) => decideAwait('feedback', ctx(delivered, '2026-12-05T10:00:00Z', { ledger }));

    expect(feedback([])).toEqual({ action: 'proceed', next: 'none' });
    expect(feedback([line('feedback_request', 'skipped')])).toEqual({ action: 'proceed', next: 'none' });
    expect(feedback([requestSent])).toEqual({ action: 'wait' });
    expect(feedback([line('feedback_request', 'claimed')])).toEqual({ action: 'wait' });
    // A late walk after the reminder went (route-event.ts) ends here at once, not after a timeout.
    expect(feedback([requestSent, line('feedback_reminder', 'sent')])).toEqual({ action: 'proceed', next: 'none' });
    expect(feedback([requestSent, line('feedback_reminder', 'claimed')])).toEqual({ action: 'wait' });
  });

  it('a walk that finds the request already settled leaves the feedback window at once, even if a later delivery moved the window on', () => {
    const redelivered = [...delivered, events.shipped('2026-12-03T10:00:00Z', 'f-2', [{ lineItemId: 'li-1', quantity: 1 }]), events.status('2026-12-04T09:00:00Z', 'delivered', 'f-2')];
    const window = (ledger: LedgerEntry[]) => decideAwait('feedback_window', ctx(redelivered, LATER, { ledger: [line('receipt', 'sent'), ...ledger] }));
    expect(window([])).toEqual({ action: 'wait' });
    expect(window([requestSent])).toEqual({ action: 'proceed', next: 'feedback' });
    expect(window([line('feedback_request', 'skipped')])).toEqual({ action: 'proceed', next: 'feedback' });
    expect(window([line('feedback_request', 'claimed')])).toEqual({ action: 'wait' });
  });

  it('counts the reminder delay from the send, or from the claim while SES has not settled it', () => {
    const days = aStoreConfig().lifecycle.feedbackReminderDays;
    const plus = (iso: string) => new Date(Date.parse(iso) + days * 86_400_000).toISOString();

    expect(phaseDeadline('feedback', ctx(delivered, LATER, { ledger: [requestSent] }))).toBe(plus('2026-12-04T10:00:01Z'));
    expect(phaseDeadline('feedback', ctx(delivered, LATER, { ledger: [line('feedback_request', 'claimed', 'order', { claimedAt: '2026-12-04T10:00:00Z' })] }))).toBe(plus('2026-12-04T10:00:00Z'));
    expect(phaseDeadline('feedback', ctx(delivered, LATER))).toBeUndefined();
  });
});

describe('what a waiting state does, branch by branch', () => {
  const cancelledEarly = [placed, events.cancelled('2026-11-24T08:00:00Z')];
  const cancelledShipped = [placed, shipped, events.cancelled('2026-11-25T08:00:00Z')];

  it('waiting for the shipment: a cancellation interrupts until its notice is settled, then the order is closed', () => {
    expect(decideAwait('shipment', ctx(cancelledEarly, '2026-11-24T09:00:00Z'))).toEqual({ action: 'interrupt', error: 'OrderCancelled' });
    expect(decideAwait('shipment', ctx(cancelledEarly, '2026-11-24T09:00:00Z', { ledger: [line('cancellation', 'claimed')] }))).toEqual({ action: 'interrupt', error: 'OrderCancelled' });
    expect(decideAwait('shipment', ctx(cancelledEarly, '2026-11-24T09:00:00Z', { ledger: [line('cancellation', 'skipped')] }))).toEqual({ action: 'interrupt', error: 'OrderClosed' });
  });

  it('waiting for the shipment: a full refund closes the order, a partial one does not', () => {
    expect(decideAwait('shipment', ctx([placed, events.refunded('2026-11-24T08:00:00Z', true)], '2026-11-24T09:00:00Z'))).toEqual({ action: 'interrupt', error: 'OrderClosed' });
    expect(decideAwait('shipment', ctx([placed, events.refunded('2026-11-24T08:00:00Z', false)], '2026-11-24T09:00:00Z'))).toEqual({ action: 'wait' });
  });

  it('waiting for delivery: a cancellation interrupts until its notice is settled, then the order is closed', () => {
    const confirmed = [line('shipping_confirmation', 'sent', 'f-1')];
    expect(decideAwait('delivery', ctx(cancelledShipped, '2026-11-25T09:00:00Z', { ledger: confirmed }))).toEqual({ action: 'interrupt', error: 'OrderCancelled' });
    expect(decideAwait('delivery', ctx(cancelledShipped, '2026-11-25T09:00:00Z', { ledger: [...confirmed, line('cancellation', 'sent')] }))).toEqual({ action: 'interrupt', error: 'OrderClosed' });
  });

  it('waiting for delivery: a full refund closes the order, a partial one does not', () => {
    const confirmed = [line('shipping_confirmation', 'sent', 'f-1')];
    expect(decideAwait('delivery', ctx([placed, shipped, events.refunded('2026-11-25T08:00:00Z', true)], '2026-11-25T09:00:00Z', { ledger: confirmed }))).toEqual({ action: 'interrupt', error: 'OrderClosed' });
    expect(decideAwait('delivery', ctx([placed, shipped, events.refunded('2026-11-25T08:00:00Z', false)], '2026-11-25T09:00:00Z', { ledger: confirmed }))).toEqual({ action: 'wait' });
  });

  it('waiting for delivery: a shipment whose confirmation is not settled asks for it, a settled one does not', () => {
    expect(decideAwait('delivery', ctx([placed, shipped], '2026-11-25T09:00:00Z'))).toEqual({ action: 'interrupt', error: 'ShipmentCreated' });
    expect(decideAwait('delivery', ctx([placed, shipped], '2026-11-25T09:00:00Z', { ledger: [line('shipping_confirmation', 'claimed', 'f-1')] }))).toEqual({ action: 'interrupt', error: 'ShipmentCreated' });
    expect(decideAwait('delivery', ctx([placed, shipped], '2026-11-25T09:00:00Z', { ledger: [line('shipping_confirmation', 'skipped', 'f-1')] }))).toEqual({ action: 'wait' });
  });

  it('waiting for delivery: a suppressed address has no confirmation to wait for, so the wait does not loop on one', () => {
    expect(decideAwait('delivery', ctx([placed, shipped], '2026-11-25T09:00:00Z', { suppressed: true }))).toEqual({ action: 'wait' });
  });

  it('waiting for delivery: a passed estimate interrupts for a delay notice', () => {
    const c = ctx([placed, shipped], '2026-12-01T10:00:00Z', { ledger: [line('shipping_confirmation', 'sent', 'f-1')] });

    expect(dueDelayNotices(c)).toHaveLength(1);
    expect(decideAwait('delivery', c)).toEqual({ action: 'interrupt', error: 'OrderDelayed' });
  });
});

describe('which emails are due, rule by rule', () => {
  it('plans nothing at all for a suppressed address, nor before the order is known', () => {
    const all: EmailKind[] = ['receipt', 'shipping_confirmation', 'delay_notice', 'feedback_request', 'feedback_reminder', 'cancellation'];
    const suppressed = ctx([placed, shipped, events.cancelled('2026-11-25T08:00:00Z')], '2026-12-10T10:00:00Z', { suppressed: true, ledger: [line('receipt', 'sent')] });
    const noOrder = ctx([shipped, events.cancelled('2026-11-25T08:00:00Z')], '2026-12-10T10:00:00Z', { ledger: [line('receipt', 'sent')] });

    for (const kind of all) {
      expect(kinds(suppressed, kind)).toEqual([]);
      expect(kinds(noOrder, kind)).toEqual([]);
    }
    expect(kinds(ctx([placed], '2026-11-23T09:00:05Z'), 'receipt')).toEqual(['receipt/order']);
  });

  it('confirms an order only if it stands: no receipt when cancelled, voided, refunded in full; one after a partial refund', () => {
    const receipt = (evts: DomainEvent[]) => kinds(ctx(evts, '2026-11-23T09:00:05Z'), 'receipt');

    expect(receipt([placed, events.cancelled('2026-11-23T09:00:01Z')])).toEqual([]);
    expect(receipt([events.placed(anOrder({ paymentStatus: 'voided' }))])).toEqual([]);
    expect(receipt([events.placed(anOrder({ paymentStatus: 'refunded' }))])).toEqual([]);
    expect(receipt([placed, events.refunded('2026-11-23T09:00:01Z', true)])).toEqual([]);
    expect(receipt([placed, events.refunded('2026-11-23T09:00:01Z', false)])).toEqual(['receipt/order']);
    expect(receipt([events.placed(anOrder({ paymentStatus: 'pending' }))])).toEqual(['receipt/order']);
  });

  it('confirms shipments in shipping order, the last one final only once everything has shipped', () => {
    const first = events.shipped('2026-11-24T10:00:00Z', 'f-b', [{ lineItemId: 'li-1', quantity: 1 }]);
    const second = events.shipped('2026-11-25T10:00:00Z', 'f-a', [{ lineItemId: 'li-2', quantity: 2 }]);
    const finals = (evts: DomainEvent[]) => plannedEmails('shipping_confirmation', ctx(evts, '2026-11-25T11:00:00Z')).map((p) => [p.ref, p.isFinalShipment]);

    expect(finals([placed, second, first])).toEqual([
      ['f-b', false],
      ['f-a', true],
    ]);
    expect(finals([placed, first])).toEqual([['f-b', false]]);
    expect(kinds(ctx([placed, first, events.cancelled('2026-11-24T12:00:00Z')], '2026-11-25T11:00:00Z'), 'shipping_confirmation')).toEqual([]);
  });

  it('calls the parcel that shipped last final, even when its carrier reported on it before the platform said it shipped', () => {
    // The carrier's scan of f-a comes first, so the fold lists f-a first; it shipped after f-b.
    const evts = [
      placed,
      events.status('2026-11-24T09:00:00Z', 'in_transit', 'f-a'),
      events.shipped('2026-11-24T10:00:00Z', 'f-b', [{ lineItemId: 'li-1', quantity: 1 }]),
      events.shipped('2026-11-25T10:00:00Z', 'f-a', [{ lineItemId: 'li-2', quantity: 2 }]),
    ];
    const planned = plannedEmails('shipping_confirmation', ctx(evts, '2026-11-25T11:00:00Z'));

    expect(planned.map((p) => [p.ref, p.isFinalShipment])).toEqual([
      ['f-b', false],
      ['f-a', true],
    ]);
  });

  it('sends a cancellation notice only to a shopper who was, or may have been, told about the order', () => {
    const cancelled = [placed, events.cancelled('2026-11-23T12:00:00Z')];
    const notice = (ledger: LedgerEntry[]) => kinds(ctx(cancelled, '2026-11-23T12:00:05Z', { ledger }), 'cancellation');

    expect(notice([line('receipt', 'sent')])).toEqual(['cancellation/order']);
    expect(notice([line('receipt', 'claimed')])).toEqual(['cancellation/order']);
    expect(notice([])).toEqual([]);
    expect(notice([line('receipt', 'skipped')])).toEqual([]);
    expect(notice([line('receipt', 'sent'), line('cancellation', 'sent')])).toEqual([]);
    expect(kinds(ctx([placed], '2026-11-23T12:00:05Z', { ledger: [line('receipt', 'sent')] }), 'cancellation')).toEqual([]);
  });

  it('retries an unsettled delay notice with what its claim recorded, so the ledger and the email agree', () => {
    const late = ctx([placed], '2026-11-26T10:00:00Z');
    const [due] = dueDelayNotices(late);
    const recorded = line('delay_notice', 'claimed', due!.ref, { missedPromise: '2026-11-25T16:00:00.000Z', newEstimate: '2026-11-30T16:00:00.000Z' });
    const estimateOnly = line('delay_notice', 'claimed', due!.ref, { newEstimate: '2026-11-30T16:00:00.000Z' });

    const [retry] = plannedEmails('delay_notice', { ...late, ledger: [recorded] });
    const [partial] = plannedEmails('delay_notice', { ...late, ledger: [estimateOnly] });

    expect(retry).toMatchObject({ kind: 'delay_notice', ref: due!.ref, delay: { missedPromise: '2026-11-25T16:00:00.000Z', newEstimate: '2026-11-30T16:00:00.000Z' } });
    expect(partial!.delay).toMatchObject({ missedPromise: due!.missedPromise, newEstimate: '2026-11-30T16:00:00.000Z' });
  });
});

describe('the waiting phases the workflow names', () => {
  it('accepts each phase lib/order-workflow.ts waits in, and nothing else', () => {
    // The state machine passes these names to the await and notify functions (wait('AwaitFeedbackWindow', 'feedback_window')…).
    for (const phase of ['shipment', 'delivery', 'feedback_window', 'feedback']) expect(awaitPhaseSchema.parse(phase)).toBe(phase);
    expect(awaitPhaseSchema.safeParse('feedback-window').success).toBe(false);
  });
});

describe('feedback timing with the shopper-experience policy', () => {
  it('plans the request once delivery could have been assumed, from that instant on, even if a later report moved the estimate', () => {
    const reported = [placed, shipped, events.delayed('2026-11-28T08:00:00Z', { shipmentId: 'f-1', newDeliverBy: '2026-12-20T16:00:00Z' })];
    const at = earliestAssumedDeliveryAt(ctx(reported, '2026-11-28T09:00:00Z'))!;
    const when = (ms: number) => ctx(reported, new Date(Date.parse(at) + ms).toISOString());

    expect(deliveredAt(when(0))).toBeUndefined();
    expect(kinds(when(0), 'feedback_request')).toEqual(['feedback_request/order']);
    expect(kinds(when(-1), 'feedback_request')).toEqual([]);
  });

  it('moves a feedback window that is due during quiet hours to their end', () => {
    const due = phaseDeadline('feedback_window', ctx(delivered, LATER))!;
    // 23:30 in Berlin, after the window: the request waits for the morning.
    const night = ctx(delivered, '2026-12-04T22:30:00Z');
    expect(Date.parse(due)).toBeLessThan(night.now.getTime());

    const deadline = phaseDeadline('feedback_window', night)!;
    expect(Date.parse(deadline)).toBeGreaterThan(night.now.getTime());
    expect(new Date(deadline).toLocaleTimeString('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' })).toBe(aStoreConfig().policy.quietHours.end);
    expect(phaseDeadline('feedback_window', ctx(delivered, '2026-12-04T10:00:00Z'))).toBe(due);
  });
});

describe('what a store switched off', () => {
  it('a store that leaves the receipt to its platform sends none, and tells every shopper of a cancellation (the platform told them of the order)', () => {
    const config = aStoreConfig({ notifications: { receipt: false } });

    expect(kinds(ctx([placed], '2026-11-23T09:00:05Z', { config }), 'receipt')).toEqual([]);
    expect(kinds(ctx([placed, events.cancelled('2026-11-23T12:00:00Z')], '2026-11-23T12:00:05Z', { config }), 'cancellation')).toEqual(['cancellation/order']);
  });

  it('a store without cancellation notices sends none, and a cancelled order closes instead of waiting for one', () => {
    const config = aStoreConfig({ notifications: { cancellation: false } });
    const c = ctx([placed, events.cancelled('2026-11-23T12:00:00Z')], '2026-11-23T12:00:05Z', { config, ledger: [line('receipt', 'sent')] });

    expect(kinds(c, 'cancellation')).toEqual([]);
    expect(decideAwait('shipment', c)).toEqual({ action: 'interrupt', error: 'OrderClosed' });
  });

  it('a store without delay notices sends none for a late order, and the wait for the shipment has nothing scheduled: it lasts the longest wait', () => {
    const late = ctx([placed], '2026-11-26T10:00:00Z', { ledger: [line('receipt', 'sent')] });
    expect(decideAwait('shipment', late)).toEqual({ action: 'interrupt', error: 'OrderDelayed' });

    const off = { ...late, config: aStoreConfig({ notifications: { delay_notice: false } }) };
    expect(kinds(off, 'delay_notice')).toEqual([]);
    expect(decideAwait('shipment', off)).toEqual({ action: 'wait' });
    expect(phaseDeadline('shipment', off)).toBeUndefined();
    expect(waitSeconds('shipment', off)).toBe(MAX_WAIT_SECONDS);
  });
});

describe('pending mail stopped from the console', () => {
  const stop = { stopped: { by: 'merchant@acme.example', at: '2026-11-23T09:30:00Z' } };

  it('plans no email of any kind for the order once stopped', () => {
    const receiptDue = ctx([placed], '2026-11-23T09:00:05Z');
    const cancellationDue = ctx([placed, events.cancelled('2026-11-23T12:00:00Z')], '2026-11-23T12:00:05Z', { ledger: [line('receipt', 'sent')] });
    expect(kinds(receiptDue, 'receipt')).toEqual(['receipt/order']);
    expect(kinds(cancellationDue, 'cancellation')).toEqual(['cancellation/order']);

    for (const kind of EMAIL_KINDS) {
      expect(kinds({ ...receiptDue, ...stop }, kind)).toEqual([]);
      expect(kinds({ ...cancellationDue, ...stop }, kind)).toEqual([]);
    }
  });

  const waits: [AwaitPhase, DecisionContext, AwaitDecision][] = [
    // The workflow ends where it waits; the wait for the reminder is its last, and simply finishes.
    ['shipment', ctx([placed], '2026-11-23T10:00:00Z', { ledger: [line('receipt', 'sent')] }), { action: 'interrupt', error: 'OrderClosed' }],
    ['shipment', ctx([placed, events.cancelled('2026-11-23T12:00:00Z')], '2026-11-23T12:00:05Z', { ledger: [line('receipt', 'sent')] }), { action: 'interrupt', error: 'OrderClosed' }],
    ['delivery', ctx([placed, shipped], '2026-11-25T09:00:00Z', { ledger: [line('receipt', 'sent'), line('shipping_confirmation', 'sent', 'f-1')] }), { action: 'interrupt', error: 'OrderClosed' }],
    ['feedback_window', ctx(delivered, '2026-11-27T10:00:00Z'), { action: 'interrupt', error: 'OrderClosed' }],
    ['feedback', ctx(delivered, '2026-12-05T10:00:00Z', { ledger: [requestSent] }), { action: 'proceed', next: 'none' }],
  ];

  it.each(waits)('ends the wait for %s, whatever it was waiting for', (phase, c, stopped) => {
    expect(decideAwait(phase, c)).not.toEqual(stopped);
    expect(decideAwait(phase, { ...c, ...stop })).toEqual(stopped);
  });
});

describe('where a walk of the lifecycle ends', () => {
  // Recorded before the waiting state is settled (signal.ts): a late event for an order whose walk
  // ended starts a new one (route-event.ts), so an end recorded too early sends twice, one missed never.
  const ends: [AwaitDecision, boolean][] = [
    [{ action: 'proceed', next: 'none' }, true],
    [{ action: 'interrupt', error: 'OrderClosed' }, true],
    [{ action: 'wait' }, false],
    [{ action: 'proceed', next: 'delivery' }, false],
    [{ action: 'proceed', next: 'feedback_window' }, false],
    [{ action: 'proceed', next: 'feedback' }, false],
    // The cancellation notice, the delay notice and the update emails each have a state after them.
    [{ action: 'interrupt', error: 'OrderCancelled' }, false],
    [{ action: 'interrupt', error: 'OrderDelayed' }, false],
    [{ action: 'interrupt', error: 'ShipmentCreated' }, false],
    [{ action: 'interrupt', error: 'UpdateDue' }, false],
  ];

  it.each(ends)('%o ends the walk: %s', (decision, ended) => {
    expect(endsWalk(decision)).toBe(ended);
  });
});
