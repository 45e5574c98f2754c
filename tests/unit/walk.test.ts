import { describe, expect, it } from 'vitest';
import { MIN_WAIT_SECONDS, type DecisionContext, type LedgerEntry } from '../../functions/domain/lifecycle.js';
import { foldOrder } from '../../functions/domain/order-state.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { afterSend, deadlineOf, describePosition, HISTORY_CAP, START, walkStep, withTransition, type Position } from '../../functions/domain/walk.js';
import { STORE, aStoreConfig, events } from '../support/builders.js';

const sent = (kind: LedgerEntry['kind'], ref = 'order', sentAt = '2026-11-23T09:00:02Z'): LedgerEntry => ({ kind, ref, status: 'sent', claimId: 'c', claimedAt: sentAt, sentAt, messageId: `m-${kind}-${ref}` });

function ctx(evts: DomainEvent[], now: string, ledger: LedgerEntry[] = [], more: Partial<DecisionContext> = {}): DecisionContext {
  return { state: foldOrder(STORE, '1001', evts), ledger, unsubscribed: false, suppressed: false, config: aStoreConfig(), now: new Date(now), ...more };
}

// Placed Monday 10:00 Berlin: ship-by Wednesday 25 Nov 17:00 Berlin (16:00Z).
const placed = events.placed();
const shipBy = '2026-11-25T16:00:00.000Z';
const afterReceipt: Position = { state: 'AwaitShipment', deadline: '2026-11-25T16:00:01.000Z', steps: 2 };

describe('walking the lifecycle', () => {
  it('starts at the receipt, which it asks to send', () => {
    expect(walkStep(START, ctx([placed], '2026-11-23T09:00:01Z'))).toEqual({ kind: 'send', state: 'SendReceipt', sends: 'receipt' });
  });

  it('after a send, enters the next wait with that phase\'s deadline, fixed then', () => {
    // The ship-by date, just past it: a delay notice is due the second it is missed.
    expect(afterSend(START, ctx([placed], '2026-11-23T09:00:02Z', [sent('receipt')]))).toEqual(afterReceipt);
    expect(Date.parse(afterReceipt.deadline!)).toBeGreaterThan(Date.parse(shipBy));
  });

  it('never sets a deadline sooner than a minute away, so a deadline that decides nothing cannot loop at once', () => {
    const pos = afterSend({ state: 'SendShipmentDelayNotice', steps: 5 }, ctx([placed], '2026-11-25T16:00:00Z', [sent('receipt')]));
    expect(pos).toEqual({ state: 'AwaitShipment', steps: 6, deadline: new Date(Date.parse('2026-11-25T16:00:00Z') + MIN_WAIT_SECONDS * 1000).toISOString() });
  });

  it('rests in a wait that nothing moves before its deadline', () => {
    expect(walkStep(afterReceipt, ctx([placed], '2026-11-24T10:00:00Z', [sent('receipt')]))).toEqual({ kind: 'rest', position: afterReceipt });
  });

  it('takes a wait\'s deadline route once it has passed and nothing else decided', () => {
    const feedback: Position = { state: 'AwaitFeedback', deadline: '2026-12-10T09:00:00.000Z', steps: 9 };
    const delivered = [placed, events.shipped('2026-11-24T10:00:00Z'), events.status('2026-11-26T10:00:00Z', 'delivered')];
    const ledger = [sent('receipt'), sent('shipping_confirmation', 'f-1'), sent('feedback_request', 'order', '2026-12-03T09:00:00Z')];
    expect(walkStep(feedback, ctx(delivered, '2026-12-10T08:59:59Z', ledger)).kind).toBe('rest');
    expect(walkStep(feedback, ctx(delivered, '2026-12-10T09:00:30Z', ledger))).toEqual({ kind: 'move', from: 'AwaitFeedback', to: { state: 'SendFeedbackReminder', steps: 10 }, cause: 'States.Timeout' });
  });

  it('asks the wait before its deadline: a wake that comes late follows what happened meanwhile, not the timeout', () => {
    // Shipped just before the ship-by date, woken a minute after it: a shipping confirmation, no delay notice.
    const c = ctx([placed, events.shipped('2026-11-25T15:59:00Z')], '2026-11-25T16:01:00Z', [sent('receipt')]);
    expect(walkStep(afterReceipt, c)).toEqual({ kind: 'move', from: 'AwaitShipment', to: { state: 'SendShippingConfirmation', steps: 3 }, cause: 'proceed' });
  });

  it('routes an interrupting decision through the wait\'s table, and one it has no route for to the end', () => {
    const cancelled = [placed, events.cancelled('2026-11-24T08:00:00Z', 'customer request')];
    expect(walkStep(afterReceipt, ctx(cancelled, '2026-11-24T09:00:00Z', [sent('receipt')]))).toMatchObject({ kind: 'move', to: { state: 'SendCancellation' }, cause: 'OrderCancelled' });
    expect(walkStep(afterReceipt, ctx(cancelled, '2026-11-24T09:00:00Z', [sent('receipt'), sent('cancellation')]))).toMatchObject({ kind: 'move', to: { state: 'END' }, cause: 'OrderClosed' });
    expect(walkStep({ state: 'END', steps: 4 }, ctx(cancelled, '2026-11-24T09:00:00Z'))).toEqual({ kind: 'end' });
  });

  it('gives a wait entered with nothing scheduled the deadline an event scheduled since', () => {
    // Entered before the shipment was known (its report came first), woken by its creation: delivery is now assumed on a date.
    const unscheduled: Position = { state: 'AwaitDelivery', steps: 4 };
    const c = ctx([placed, events.shipped('2026-11-24T10:00:00Z')], '2026-11-24T10:05:00Z', [sent('receipt'), sent('shipping_confirmation', 'f-1')]);
    expect(deadlineOf('delivery', c)).toBeDefined();
    expect(walkStep(unscheduled, c)).toEqual({ kind: 'rest', position: { ...unscheduled, deadline: deadlineOf('delivery', c) } });
  });

  it('counts every state it enters, and not the end', () => {
    expect(afterSend({ state: 'SendCancellation', steps: 3 }, ctx([placed], '2026-11-24T09:00:00Z'))).toEqual({ state: 'END', steps: 3 });
  });

  it('tells ops where the walk rests and until when, in words', () => {
    expect(describePosition(afterReceipt)).toBe('waiting in AwaitShipment until 2026-11-25T16:00:01.000Z');
    expect(describePosition({ state: 'AwaitDelivery' })).toBe('waiting in AwaitDelivery with nothing scheduled (an event moves it)');
    expect(describePosition({ state: 'SendReceipt', deadline: '2026-11-23T09:15:00.000Z' })).toMatch(/^at SendReceipt, back until 2026-11-23T09:15:00.000Z/);
    expect(describePosition({ state: 'END' })).toBe('ended: nothing more will be sent');
    expect(describePosition(undefined)).toMatch(/^not started/);
  });

  it('takes the deadline route at the deadline\'s own instant, not a moment after', () => {
    const feedback: Position = { state: 'AwaitFeedback', deadline: '2026-12-10T09:00:00.000Z', steps: 9 };
    const delivered = [placed, events.shipped('2026-11-24T10:00:00Z'), events.status('2026-11-26T10:00:00Z', 'delivered')];
    const ledger = [sent('receipt'), sent('shipping_confirmation', 'f-1'), sent('feedback_request', 'order', '2026-12-03T09:00:00Z')];
    expect(walkStep(feedback, ctx(delivered, feedback.deadline!, ledger))).toMatchObject({ kind: 'move', to: { state: 'SendFeedbackReminder' }, cause: 'States.Timeout' });
  });

  it('rests until the deadline fixed when the wait was entered, not one computed again now', () => {
    // Entered with a deadline before the one the order would give it today (a promise moved since).
    const fixed: Position = { ...afterReceipt, deadline: '2026-11-25T12:00:00.000Z' };
    const c = ctx([placed], '2026-11-24T10:00:00Z', [sent('receipt')]);
    expect(deadlineOf('shipment', c)).not.toBe(fixed.deadline);
    expect(walkStep(fixed, c)).toEqual({ kind: 'rest', position: fixed });
  });

  it('leaves an ended walk where it is after a send, and refuses a send step at a wait', () => {
    const c = ctx([placed], '2026-11-24T09:00:00Z', [sent('receipt')]);
    expect(afterSend({ state: 'END', steps: 7 }, c)).toEqual({ state: 'END', steps: 7 });
    expect(() => afterSend(afterReceipt, c)).toThrow(/AwaitShipment, which is a wait, not a send state/);
  });

  it('schedules nothing after the last email of a walk (the reminder, the cancellation)', () => {
    const delivered = [placed, events.shipped('2026-11-24T10:00:00Z'), events.status('2026-11-26T10:00:00Z', 'delivered')];
    const c = ctx(delivered, '2026-12-10T09:00:30Z', [sent('receipt'), sent('shipping_confirmation', 'f-1'), sent('feedback_request'), sent('feedback_reminder')]);
    expect(afterSend({ state: 'SendFeedbackReminder', steps: 10 }, c)).toEqual({ state: 'END', steps: 10 });
  });

  it('keeps the last transitions only, oldest dropped', () => {
    let history = withTransition([], { at: 't0', from: 'SendReceipt', to: 'AwaitShipment' });
    for (let i = 1; i <= HISTORY_CAP + 5; i++) history = withTransition(history, { at: `t${i}`, from: 'AwaitShipment', to: 'SendShipmentDelayNotice' });
    expect(history).toHaveLength(HISTORY_CAP);
    expect(history.at(-1)!.at).toBe(`t${HISTORY_CAP + 5}`);
    expect(history[0]!.at).toBe('t6');
  });
});
