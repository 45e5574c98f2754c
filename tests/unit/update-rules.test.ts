/**
 * The update kinds (issue 13), rule by rule: when out for delivery, delivered, a failed attempt,
 * an exception and a shipping update are due (functions/domain/updates.ts), how the waiting
 * states hand over to the update states (UpdateDue), and what a delay notice says next to them.
 * The same rules over whole generated timelines: tests/unit/timeline-properties.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { decideAwait, dueDelayNotices, phaseDeadline, plannedEmails, type DecisionContext, type EmailKind, type LedgerEntry } from '../../functions/domain/lifecycle.js';
import { UPDATE_KINDS } from '../../functions/domain/email/context.js';
import { foldOrder } from '../../functions/domain/order-state.js';
import { trackingFingerprint } from '../../functions/domain/updates.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { STORE, aStoreConfig, anOrder, events } from '../support/builders.js';

const line = (kind: EmailKind, ref: string, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  kind,
  ref,
  status: 'sent',
  claimId: `c-${kind}-${ref}`,
  claimedAt: '2026-11-24T10:00:01Z',
  sentAt: '2026-11-24T10:00:02Z',
  messageId: `m-${kind}-${ref}`,
  ...extra,
});

const placed = events.placed();
const shipped = events.shipped('2026-11-24T10:00:00Z');
const confirmedAs = (evts: DomainEvent[]) => {
  const s = foldOrder(STORE, '1001', evts).shipments[0]!;
  return line('shipping_confirmation', 'f-1', { tracking: trackingFingerprint(s) });
};
const confirmation = confirmedAs([placed, shipped]);

function ctx(evts: DomainEvent[], now: string, more: Partial<DecisionContext> = {}): DecisionContext {
  return { state: foldOrder(STORE, '1001', evts), ledger: [confirmation], unsubscribed: false, suppressed: false, config: aStoreConfig(), now: new Date(now), ...more };
}

/** Every update email due now, as "kind/ref". */
const due = (c: DecisionContext) => UPDATE_KINDS.flatMap((k) => plannedEmails(k, c)).map((p) => `${p.kind}/${p.ref}`);
const tracking = (at: string, data: Record<string, unknown>): DomainEvent => ({
  eventId: `tracking-${at}`,
  store: STORE,
  source: 'generic',
  occurredAt: at,
  type: 'shipment.updated',
  data: { orderId: '1001', shipmentId: 'f-1', ...data },
});

// 09:00 in Berlin on a Thursday: no quiet hours.
const MORNING = '2026-11-26T08:00:00Z';
const ofd = events.status('2026-11-26T07:30:00Z', 'out_for_delivery');

describe('out for delivery', () => {
  it('is due once the carrier reports it, for that shipment', () => {
    const c = ctx([placed, shipped, ofd], MORNING);
    expect(due(c)).toEqual(['out_for_delivery/f-1']);
    expect(decideAwait('delivery', c)).toEqual({ action: 'interrupt', error: 'UpdateDue' });
  });

  it('is not sent again once sent, and the wait goes back to waiting', () => {
    const c = ctx([placed, shipped, ofd], MORNING, { ledger: [confirmation, line('out_for_delivery', 'f-1')] });
    expect(due(c)).toEqual([]);
    expect(decideAwait('delivery', c)).toEqual({ action: 'wait' });
  });

  it('sends nothing when delivery was reported first, even if the out-for-delivery report arrives after it', () => {
    const c = ctx([placed, shipped, events.status('2026-11-26T11:00:00Z', 'delivered'), ofd], '2026-11-26T11:05:00Z');
    expect(due(c)).toEqual(['delivered/f-1']);
  });

  it('sends nothing for a report a day old (it is no longer "today")', () => {
    expect(due(ctx([placed, shipped, ofd], '2026-11-27T07:30:00Z'))).toEqual([]);
    expect(due(ctx([placed, shipped, ofd], '2026-11-27T07:29:00Z'))).toEqual(['out_for_delivery/f-1']);
  });

  it('gives way to a failed attempt reported after it', () => {
    const c = ctx([placed, shipped, ofd, events.status('2026-11-26T13:00:00Z', 'attempted_delivery')], '2026-11-26T13:05:00Z');
    expect(due(c)).toEqual(['delivery_attempt_failed/f-1']);
  });

  it('waits for the shipping confirmation of its shipment', () => {
    expect(due(ctx([placed, shipped, ofd], MORNING, { ledger: [] }))).toEqual([]);
    expect(due(ctx([placed, shipped, ofd], MORNING, { ledger: [{ ...confirmation, status: 'claimed' }] }))).toEqual([]);
  });

  it('is sent at any hour: the parcel will not wait for the quiet hours to end', () => {
    // 06:00 in Berlin.
    expect(due(ctx([placed, shipped, events.status('2026-11-26T04:50:00Z', 'out_for_delivery')], '2026-11-26T05:00:00Z'))).toEqual(['out_for_delivery/f-1']);
  });
});

describe('delivered', () => {
  const delivered = events.status('2026-11-26T12:00:00Z', 'delivered');

  it('is due per shipment, and a fully delivered order proceeds to the state that sends it', () => {
    const c = ctx([placed, shipped, delivered], '2026-11-26T12:01:00Z');
    expect(due(c)).toEqual(['delivered/f-1']);
    expect(decideAwait('delivery', c)).toEqual({ action: 'proceed', next: 'feedback_window' });
    expect(plannedEmails('delivered', c)[0]!.feedbackFollows).toBe(true);
  });

  it('for a split order, goes for the first parcel while the second is on its way (an update state sends it)', () => {
    const second = events.shipped('2026-11-25T10:00:00Z', 'f-2', [{ lineItemId: 'li-2', quantity: 2 }]);
    const first = events.shipped('2026-11-24T10:00:00Z', 'f-1', [{ lineItemId: 'li-1', quantity: 1 }]);
    const c = ctx([placed, first, second, delivered], '2026-11-26T12:01:00Z', { ledger: [confirmation, line('shipping_confirmation', 'f-2')] });
    expect(due(c)).toEqual(['delivered/f-1']);
    expect(plannedEmails('delivered', c)[0]!.feedbackFollows).toBe(false);
    expect(decideAwait('delivery', c)).toEqual({ action: 'interrupt', error: 'UpdateDue' });
  });

  it('does not promise feedback mail to a shopper who unsubscribed', () => {
    expect(plannedEmails('delivered', ctx([placed, shipped, delivered], '2026-11-26T12:01:00Z', { unsubscribed: true }))[0]!.feedbackFollows).toBe(false);
  });

  it('is not sent once the feedback request went out (delivery was assumed, then reported late)', () => {
    const c = ctx([placed, shipped, delivered], '2026-12-10T10:00:00Z', { ledger: [confirmation, line('feedback_request', 'order')] });
    expect(due(c)).toEqual([]);
  });
});

describe('failed attempts and exceptions', () => {
  it('each goes once per shipment, and not once the parcel is delivered', () => {
    const attempt = events.status('2026-11-26T09:00:00Z', 'attempted_delivery');
    const failure = events.status('2026-11-27T09:00:00Z', 'failure');
    expect(due(ctx([placed, shipped, attempt, failure], '2026-11-27T09:05:00Z'))).toEqual(['delivery_attempt_failed/f-1', 'delivery_exception/f-1']);
    const sent = [confirmation, line('delivery_attempt_failed', 'f-1'), line('delivery_exception', 'f-1')];
    expect(due(ctx([placed, shipped, attempt, failure, events.status('2026-11-27T09:30:00Z', 'failure')], '2026-11-27T09:35:00Z', { ledger: sent }))).toEqual([]);
    expect(due(ctx([placed, shipped, attempt, events.status('2026-11-26T15:00:00Z', 'delivered')], '2026-11-26T15:05:00Z'))).toEqual(['delivered/f-1']);
  });

  it('an exception after "out for delivery" still reaches the shopper, though the status stays where it was', () => {
    const c = ctx([placed, shipped, ofd, events.status('2026-11-26T14:00:00Z', 'failure')], '2026-11-26T14:05:00Z');
    expect(c.state.shipments[0]!.status).toBe('out_for_delivery');
    expect(due(c)).toEqual(['delivery_exception/f-1']);
  });
});

describe('shipping update', () => {
  const retracked = tracking('2026-11-25T09:00:00Z', { carrier: 'UPS', trackingNumber: '1Z999' });

  it('goes when carrier, number or estimate change after the confirmation, once per new set of details', () => {
    const c = ctx([placed, shipped, retracked], MORNING);
    const [planned] = plannedEmails('shipping_update', c);
    expect(planned).toMatchObject({ kind: 'shipping_update', ref: `f-1#${planned!.tracking}` });
    expect(planned!.tracking).toBe(trackingFingerprint(c.state.shipments[0]!));
    // The same details again, delivered twice or reordered: nothing more.
    const sent = [confirmation, line('shipping_update', planned!.ref, { tracking: planned!.tracking, sentAt: MORNING })];
    expect(due(ctx([placed, shipped, retracked, tracking('2026-11-25T09:30:00Z', { carrier: 'UPS', trackingNumber: '1Z999' })], MORNING, { ledger: sent }))).toEqual([]);
    // A new estimate is a new set of details.
    expect(due(ctx([placed, shipped, retracked, tracking('2026-11-25T10:00:00Z', { estimatedDelivery: '2026-11-29T12:00:00Z' })], MORNING, { ledger: sent }))).toHaveLength(1);
  });

  it('does not go when the confirmation already stated the new details', () => {
    const c = ctx([placed, shipped, retracked], MORNING, { ledger: [confirmedAs([placed, shipped, retracked])] });
    expect(due(c)).toEqual([]);
  });

  it('does not go for a confirmation whose details were not recorded (sent before fingerprints)', () => {
    expect(due(ctx([placed, shipped, retracked], MORNING, { ledger: [{ ...confirmation, tracking: undefined }] }))).toEqual([]);
  });

  it('waits out the quiet hours (it is not urgent), and the wait before delivery takes their end as its deadline', () => {
    // 23:00 in Berlin.
    const c = ctx([placed, shipped, retracked], '2026-11-25T22:00:00Z');
    expect(due(c)).toEqual([]);
    expect(decideAwait('delivery', c)).toEqual({ action: 'wait' });
    expect(phaseDeadline('delivery', c)).toBe('2026-11-26T07:00:00.000Z');
    expect(due({ ...c, now: new Date('2026-11-26T07:00:00Z') })).toHaveLength(1);
  });

  it('re-arms a wait whose deadline is later than the end of the quiet hours, and only such a wait', () => {
    const night = ctx([placed, shipped, retracked], '2026-11-25T22:00:00Z');
    // Entered days ago with a deadline next week: leave it through the update state.
    expect(decideAwait('delivery', { ...night, waitDeadline: '2026-12-01T10:00:00Z' })).toEqual({ action: 'interrupt', error: 'UpdateDue' });
    // Re-entered with the end of the quiet hours as its deadline: it waits, and does not loop.
    expect(decideAwait('delivery', { ...night, waitDeadline: '2026-11-26T07:00:00Z' })).toEqual({ action: 'wait' });
    expect(decideAwait('delivery', { ...night, waitDeadline: '2026-11-26T07:01:00Z' })).toEqual({ action: 'wait' });
    // The shortest wait is a minute: a deadline up to a minute and a second after their end is that wait clamped, not a later one.
    expect(decideAwait('delivery', { ...night, waitDeadline: '2026-11-26T07:01:01.000Z' })).toEqual({ action: 'wait' });
    expect(decideAwait('delivery', { ...night, waitDeadline: '2026-11-26T07:01:01.001Z' })).toEqual({ action: 'interrupt', error: 'UpdateDue' });
  });

  it('is not sent once the order counts as delivered', () => {
    expect(due(ctx([placed, shipped, retracked, events.status('2026-11-26T12:00:00Z', 'delivered')], '2026-11-26T12:05:00Z'))).toEqual(['delivered/f-1']);
  });
});

describe('every update kind', () => {
  const everything = [placed, shipped, ofd, events.status('2026-11-26T09:00:00Z', 'attempted_delivery'), events.status('2026-11-26T10:00:00Z', 'failure')];

  it('stops at a cancellation: the cancellation notice goes, no update', () => {
    const c = ctx([...everything, events.cancelled('2026-11-26T10:30:00Z')], '2026-11-26T10:35:00Z');
    expect(due(c)).toEqual([]);
    expect(decideAwait('delivery', c)).toEqual({ action: 'interrupt', error: 'OrderCancelled' });
  });

  it('goes to no suppressed address', () => {
    expect(due(ctx(everything, '2026-11-26T10:05:00Z', { suppressed: true }))).toEqual([]);
  });

  it('is sent only if the store sends that kind', () => {
    const config = aStoreConfig({ notifications: { delivery_attempt_failed: false, delivery_exception: false } });
    expect(due(ctx(everything, '2026-11-26T10:05:00Z'))).toEqual(['delivery_attempt_failed/f-1', 'delivery_exception/f-1']);
    expect(due(ctx(everything, '2026-11-26T10:05:00Z', { config }))).toEqual([]);
  });

  it('a store that leaves shipping confirmations to its platform still sends the updates, and its waits do not loop on them', () => {
    const config = aStoreConfig({ notifications: { shipping_confirmation: false } });
    const c = ctx([placed, shipped, ofd], MORNING, { config, ledger: [] });
    expect(plannedEmails('shipping_confirmation', c)).toEqual([]);
    expect(due(c)).toEqual(['out_for_delivery/f-1']);
    expect(decideAwait('delivery', { ...c, ledger: [line('out_for_delivery', 'f-1')] })).toEqual({ action: 'wait' });
  });
});

describe('a delay notice next to the update kinds', () => {
  // The carrier's estimate passed on the 26th; the parcel is out for delivery that morning.
  const late = events.shipped('2026-11-24T10:00:00Z', 'f-1', undefined, { estimatedDelivery: '2026-11-25T16:00:00Z' });
  const order = events.placed(anOrder());

  it('does not say a parcel out for delivery today is late', () => {
    const out = events.status('2026-11-26T07:30:00Z', 'out_for_delivery');
    const c = ctx([order, late, out], MORNING, { ledger: [line('receipt', 'order'), confirmation] });
    expect(dueDelayNotices(c)).toEqual([]);
    // The next check is when that day is over, not a minute from now.
    expect(phaseDeadline('delivery', c)).toBe('2026-11-27T07:30:00.000Z');
    expect(dueDelayNotices({ ...c, now: new Date('2026-11-27T07:31:00Z') })).toHaveLength(1);
  });

  it('still says so for a parcel that is late and not out for delivery', () => {
    const c = ctx([order, late], MORNING, { ledger: [line('receipt', 'order'), confirmation] });
    expect(dueDelayNotices(c)).toHaveLength(1);
  });
});

describe('refund', () => {
  const receipt = line('receipt', 'order');
  const refund = (at: string, amount: string, refundId: string, extra: Record<string, unknown> = {}): DomainEvent => ({
    eventId: `refund-${refundId}`,
    store: STORE,
    source: 'generic',
    occurredAt: at,
    type: 'order.refunded',
    data: { orderId: '1001', full: false, refundId, amount, ...extra },
  });

  it('goes once per refund with an amount, to a shopper who got the receipt', () => {
    const c = ctx([placed, refund('2026-11-23T12:00:00Z', '10.00', 'r1'), refund('2026-11-23T13:00:00Z', '5.00', 'r2')], '2026-11-23T13:05:00Z', { ledger: [receipt] });
    expect(due(c)).toEqual(['refund/r1', 'refund/r2']);
    expect(due({ ...c, ledger: [receipt, line('refund', 'r1'), line('refund', 'r2')] })).toEqual([]);
  });

  it('sends nothing for a bare "refunded" flag (old payloads, Shopify\'s order-level marker) or before any email about the order', () => {
    expect(due(ctx([placed, events.refunded('2026-11-23T12:00:00Z', true)], '2026-11-23T12:05:00Z', { ledger: [receipt] }))).toEqual([]);
    expect(due(ctx([placed, refund('2026-11-23T12:00:00Z', '10.00', 'r1')], '2026-11-23T12:05:00Z', { ledger: [] }))).toEqual([]);
  });

  it('a refund after delivery still goes while the workflow waits to ask for feedback, and while it waits to remind', () => {
    const told = [receipt, confirmation, line('delivered', 'f-1')];
    const deliveredThenRefunded = [placed, shipped, events.status('2026-11-26T12:00:00Z', 'delivered'), refund('2026-11-27T10:00:00Z', '10.00', 'r1')];
    const window = ctx(deliveredThenRefunded, '2026-11-27T10:05:00Z', { ledger: told });
    expect(decideAwait('feedback_window', window)).toEqual({ action: 'interrupt', error: 'UpdateDue' });
    expect(decideAwait('feedback_window', { ...window, ledger: [...told, line('refund', 'r1')] })).toEqual({ action: 'wait' });

    const asked = [...told, line('feedback_request', 'order', { claimedAt: '2026-12-03T10:00:00Z', sentAt: '2026-12-03T10:00:01Z' })];
    const refundedLater = [...deliveredThenRefunded.slice(0, 3), refund('2026-12-04T10:00:00Z', '10.00', 'r1')];
    const reminderWait = ctx(refundedLater, '2026-12-04T10:05:00Z', { ledger: asked });
    expect(decideAwait('feedback', reminderWait)).toEqual({ action: 'interrupt', error: 'UpdateDue' });
    expect(decideAwait('feedback', { ...reminderWait, ledger: [...asked, line('refund', 'r1')] })).toEqual({ action: 'wait' });
  });

  it('a refund of the whole total is a full refund: its email goes first, then the order closes', () => {
    const total = anOrder().total;
    const c = ctx([placed, refund('2026-11-23T12:00:00Z', total, 'r1')], '2026-11-23T12:05:00Z', { ledger: [receipt] });
    expect(c.state.refunded).toBe('full');
    expect(decideAwait('shipment', c)).toEqual({ action: 'interrupt', error: 'UpdateDue' });
    expect(decideAwait('shipment', { ...c, ledger: [receipt, line('refund', 'r1')] })).toEqual({ action: 'interrupt', error: 'OrderClosed' });
  });

  it('none after a cancellation (the cancellation notice says what happens to the money), and at any hour otherwise', () => {
    expect(due(ctx([placed, events.cancelled('2026-11-23T11:00:00Z'), refund('2026-11-23T12:00:00Z', '10.00', 'r1')], '2026-11-23T12:05:00Z', { ledger: [receipt] }))).toEqual([]);
    expect(due(ctx([placed, refund('2026-11-23T22:00:00Z', '10.00', 'r1')], '2026-11-23T22:05:00Z', { ledger: [receipt] }))).toEqual(['refund/r1']);
  });
});

describe('order edited', () => {
  const receipt = line('receipt', 'order', { sentAt: '2026-11-23T09:00:02Z' });
  const edit = (at: string, editId: string, extra: Record<string, unknown> = {}): DomainEvent => ({
    eventId: `edit-${editId}`,
    store: STORE,
    source: 'generic',
    occurredAt: at,
    type: 'order.edited',
    data: { orderId: '1001', editId, added: [{ lineItemId: 'li-1', quantity: 1 }], removed: [], notifyCustomer: true, ...extra },
  });
  const updated = (at: string): DomainEvent => ({ eventId: `updated-${at}`, store: STORE, source: 'generic', occurredAt: at, type: 'order.updated', data: { order: anOrder() } });
  const MIDDAY = '2026-11-23T12:05:00Z';

  it('goes once the order as edited is known (its order.updated, or the order in the edit), after the receipt', () => {
    expect(due(ctx([placed, edit('2026-11-23T12:00:00Z', 'e1')], MIDDAY, { ledger: [receipt] }))).toEqual([]);
    expect(due(ctx([placed, edit('2026-11-23T12:00:00Z', 'e1'), updated('2026-11-23T12:00:01Z')], MIDDAY, { ledger: [receipt] }))).toEqual(['order_edited/e1']);
    expect(due(ctx([placed, edit('2026-11-23T12:00:00Z', 'e1', { order: anOrder() })], MIDDAY, { ledger: [receipt] }))).toEqual(['order_edited/e1']);
  });

  it('not for an edit the receipt already showed, nor one the merchant chose not to tell, nor once everything shipped', () => {
    const early = edit('2026-11-23T08:00:00Z', 'e0', { order: anOrder() });
    expect(due(ctx([placed, early], MIDDAY, { ledger: [receipt] }))).toEqual([]);
    expect(due(ctx([placed, edit('2026-11-23T12:00:00Z', 'e1', { order: anOrder(), notifyCustomer: false })], MIDDAY, { ledger: [receipt] }))).toEqual([]);
    expect(due(ctx([placed, shipped, edit('2026-11-24T12:00:00Z', 'e1', { order: anOrder() })], '2026-11-24T12:05:00Z', { ledger: [receipt, confirmation] }))).toEqual([]);
  });

  it('two edits not yet told go in one email, named by the latest; an earlier one arriving late sends nothing more', () => {
    const c = ctx([placed, edit('2026-11-23T11:00:00Z', 'e1', { order: anOrder() }), edit('2026-11-23T12:00:00Z', 'e2', { order: anOrder() })], MIDDAY, { ledger: [receipt] });
    const [planned] = plannedEmails('order_edited', c);
    expect(planned).toMatchObject({ ref: 'e2' });
    expect(planned!.edits!.map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(due({ ...c, ledger: [receipt, line('order_edited', 'e2')] })).toEqual([]);
  });

  describe('from order.updated (Shopify signals some edits only by orders/updated)', () => {
    const oneSock = anOrder({ lineItems: [anOrder().lineItems[0]!, { ...anOrder().lineItems[1]!, quantity: 1, total: '9.50' }], subtotal: '129.50', total: '134.40' });
    const changed = (at: string, order = oneSock): DomainEvent => ({ eventId: `updated-${at}`, store: STORE, source: 'shopify', occurredAt: at, type: 'order.updated', data: { order } });

    it('an update whose items differ from the order as known is an edit: once, with what changed; the same items again, or an update that changes no item, is none', () => {
      const c = ctx([placed, changed('2026-11-23T12:00:00Z')], MIDDAY, { ledger: [receipt] });
      const [planned] = plannedEmails('order_edited', c);
      expect(planned).toMatchObject({ ref: 'updated-2026-11-23T12:00:00Z' });
      expect(planned!.edits).toMatchObject([{ added: [], removed: [{ lineItemId: 'li-2', quantity: 1 }], totalBefore: '143.90', titles: { 'li-2': 'Socks' } }]);
      // Shopify updates the order again (a tag, a note): the items are as they were just told.
      const again = ctx([placed, changed('2026-11-23T12:00:00Z'), changed('2026-11-23T12:01:00Z')], MIDDAY, { ledger: [receipt, line('order_edited', 'updated-2026-11-23T12:00:00Z')] });
      expect(again.state.edits).toHaveLength(1);
      expect(due(again)).toEqual([]);
      expect(ctx([placed, updated('2026-11-23T12:00:00Z')], MIDDAY, { ledger: [receipt] }).state.edits).toBeUndefined();
      // An item added shows as added.
      const more = anOrder({ lineItems: [...anOrder().lineItems, { id: 'li-3', title: 'Laces', quantity: 2, unitPrice: '3.00', total: '6.00' }] });
      expect(ctx([placed, changed('2026-11-23T12:00:00Z', more)], MIDDAY).state.edits![0]).toMatchObject({ added: [{ lineItemId: 'li-3', quantity: 2 }], removed: [] });
    });

    it('items a refund took back are no edit', () => {
      const refund: DomainEvent = { eventId: 'rf', store: STORE, source: 'shopify', occurredAt: '2026-11-23T11:59:00Z', type: 'order.refunded', data: { orderId: '1001', full: false, refundId: 'rf-1', amount: '9.50', lineItems: [{ lineItemId: 'li-2', quantity: 1 }] } };
      expect(ctx([placed, refund, changed('2026-11-23T12:00:00Z')], MIDDAY, { ledger: [receipt] }).state.edits).toBeUndefined();
    });

    it('the orders/updated after an orders/edited is that edit, whichever was told first: one email', () => {
      const both = [placed, edit('2026-11-23T11:59:00Z', 'e1'), changed('2026-11-23T12:00:00Z')];
      const c = ctx(both, MIDDAY, { ledger: [receipt] });
      expect(c.state.edits!.map((e) => [e.id, e.aliases])).toEqual([['e1', ['updated-2026-11-23T12:00:00Z']]]);
      expect(due(c)).toEqual(['order_edited/e1']);
      // The orders/updated came first and was told; its orders/edited arrives after.
      expect(due({ ...c, ledger: [receipt, line('order_edited', 'updated-2026-11-23T12:00:00Z')] })).toEqual([]);
    });
  });

  it('waits out the quiet hours (it is not urgent)', () => {
    const c = ctx([placed, edit('2026-11-23T22:00:00Z', 'e1', { order: anOrder() })], '2026-11-23T22:05:00Z', { ledger: [receipt] });
    expect(due(c)).toEqual([]);
    expect(phaseDeadline('shipment', c)).toBe('2026-11-24T07:00:00.000Z');
  });
});

describe('local pickup', () => {
  const receipt = line('receipt', 'order');
  const pickup = { location: 'Acme Store, Hauptstraße 1, Berlin', hours: 'Mon–Fri 10–19' };
  const ready = (at: string, extra: Record<string, unknown> = {}): DomainEvent => ({ eventId: `ready-${at}`, store: STORE, source: 'generic', occurredAt: at, type: 'pickup.ready', data: { orderId: '1001', ...extra } });
  const collected = (at: string, extra: Record<string, unknown> = {}): DomainEvent => ({ eventId: `collected-${at}`, store: STORE, source: 'generic', occurredAt: at, type: 'pickup.completed', data: { orderId: '1001', ...extra } });
  const config = aStoreConfig({ pickup });

  it('ready: once, with the store\'s location; the wait for shipment hands over to its update state', () => {
    const c = ctx([placed, ready('2026-11-23T12:00:00Z')], '2026-11-23T12:05:00Z', { ledger: [receipt], config });
    expect(due(c)).toEqual(['pickup_ready/pickup']);
    expect(decideAwait('shipment', c)).toEqual({ action: 'interrupt', error: 'UpdateDue' });
    expect(due({ ...c, ledger: [receipt, line('pickup_ready', 'pickup')] })).toEqual([]);
  });

  it('ready: not without a location to name (none configured, none given), and not in quiet hours', () => {
    expect(due(ctx([placed, ready('2026-11-23T12:00:00Z')], '2026-11-23T12:05:00Z', { ledger: [receipt] }))).toEqual([]);
    expect(due(ctx([placed, ready('2026-11-23T12:00:00Z', { location: 'Kiosk 3' })], '2026-11-23T12:05:00Z', { ledger: [receipt] }))).toEqual(['pickup_ready/pickup']);
    expect(due(ctx([placed, ready('2026-11-23T22:00:00Z')], '2026-11-23T22:05:00Z', { ledger: [receipt], config }))).toEqual([]);
  });

  it('ready in quiet hours: the wait for shipment, armed days ago, is re-armed to end with them, and the email goes then', () => {
    const night = ctx([placed, ready('2026-11-23T22:00:00Z')], '2026-11-23T22:05:00Z', { ledger: [receipt], config });
    const morning = '2026-11-24T07:00:00.000Z';
    expect(phaseDeadline('shipment', night)).toBe(morning);
    expect(decideAwait('shipment', { ...night, waitDeadline: '2026-11-30T10:00:00Z' })).toEqual({ action: 'interrupt', error: 'UpdateDue' });
    expect(decideAwait('shipment', { ...night, waitDeadline: morning })).toEqual({ action: 'wait' });
    expect(decideAwait('shipment', night)).toEqual({ action: 'wait' });
    expect(due({ ...night, now: new Date(morning) })).toEqual(['pickup_ready/pickup']);
  });

  it('a ready order is not late: no delay notice once it waits to be collected', () => {
    const c = ctx([placed, ready('2026-11-23T12:00:00Z')], '2026-12-10T10:00:00Z', { ledger: [receipt, line('pickup_ready', 'pickup')], config });
    expect(dueDelayNotices(c)).toEqual([]);
  });

  it('collected: the order counts as delivered, its fulfillment is never confirmed as shipped, and the picked-up email goes on the way to the feedback window', () => {
    const fulfillment = events.shipped('2026-11-24T10:00:00Z', 'pick-1');
    const c = ctx([placed, ready('2026-11-23T12:00:00Z', { shipmentId: 'pick-1' }), fulfillment, collected('2026-11-24T10:00:00Z', { shipmentId: 'pick-1' })], '2026-11-24T10:05:00Z', { ledger: [receipt, line('pickup_ready', 'pickup')], config });
    expect(c.state.status).toBe('delivered');
    expect(plannedEmails('shipping_confirmation', c)).toEqual([]);
    expect(decideAwait('shipment', c)).toEqual({ action: 'proceed', next: 'delivery' });
    expect(decideAwait('delivery', c)).toEqual({ action: 'proceed', next: 'feedback_window' });
    expect(due(c)).toEqual(['picked_up/pickup']);
    expect(plannedEmails('picked_up', c)[0]!.feedbackFollows).toBe(true);
  });

  it('collected with no fulfillment at all (generic platforms): the wait for shipment moves on', () => {
    const c = ctx([placed, collected('2026-11-24T10:00:00Z')], '2026-11-24T10:05:00Z', { ledger: [receipt], config });
    expect(decideAwait('shipment', c)).toEqual({ action: 'proceed', next: 'delivery' });
  });
});
