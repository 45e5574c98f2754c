/**
 * An update that arrives after the order's walk has ended (a refund for a late return, weeks
 * after the feedback reminder) wakes it like any event: the walk starts over from its end, the
 * ledger and the waits move it on at once past what was sent, and it sends what is due and ends.
 * On the manual clock: the walk must finish without the clock moving, so it never waits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipment, startHarness, type Harness } from '../support/local-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ manualClock: true });
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const kinds = async (orderId: string) => (await h.emails(orderId)).map((e) => e.kind);
const executionsOf = (orderId: string) => h.steps(orderId);

async function settled(orderId: string, count: number) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const all = executionsOf(orderId);
    if (all.length >= count && all.every((e) => e.status !== 'RUNNING')) return all;
    if (Date.now() > deadline) throw new Error(`executions of ${orderId}: ${all.map((e) => `${e.name} ${e.status}`).join(', ')}`);
    await h.idle();
  }
}

/** Moves the clock on to the next `hour`:00 UTC (the stores here keep UTC; quiet hours 21:00–08:00). */
async function advanceToHour(hour: number) {
  const now = Date.parse(h.at());
  const d = new Date(now);
  let target = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour);
  if (target <= now) target += 86_400_000;
  await h.advance((target - now) / 86_400_000);
}

describe('updates after the execution ended', () => {
  it('a refund after the feedback reminder sends one refund email through a late walk that ends at once; redelivered, a walk that sends nothing more', async () => {
    await advanceToHour(10);
    const id = 'LATE-1';
    await h.post('order.placed', { order: h.order(id) });
    await h.waitForEmail(id, 'receipt');
    await h.post('shipment.created', shipment(id, 's1'));
    await h.waitForEmail(id, 'shipping_confirmation');
    await h.post('shipment.updated', { orderId: id, shipmentId: 's1', status: 'delivered' });
    await h.waitForEmail(id, 'delivered');
    await h.advance(7.2);
    await h.waitForEmail(id, 'feedback_request');
    await h.advance(4.2);
    await h.waitForEmail(id, 'feedback_reminder');
    await h.waitForEnd(id);
    const [first] = await settled(id, 1);

    // Weeks later the shopper returns an item.
    await h.advance(20);
    await advanceToHour(10);
    const refund = { orderId: id, full: false, refundId: 'rf-late', amount: '19.00', lineItems: [{ lineItemId: 'li-2', quantity: 2, amount: '19.00' }] };
    const delivery = { eventId: 'refund-late-1', at: h.at() };
    expect((await h.post('order.refunded', refund, delivery)).status).toBe(202);
    const [sent] = await h.waitForEmail(id, 'refund');
    expect(sent!.text).toContain('19.00');
    const before = (await settled(id, 1)).length;
    expect(first).toBeDefined();
    // The refund went out through SendDeliveredUpdates, and the walk is at its end again: the
    // feedback window and the reminder's wait were passed at once (asked and reminded already),
    // no wait re-armed: the clock did not move.
    await h.waitForEnd(id);
    const walked = (await h.position(id))!.history.map((t) => `${t.from}→${t.to}`);
    expect(walked.slice(walked.lastIndexOf('END→SendReceipt'))).toEqual([
      'END→SendReceipt',
      'SendReceipt→AwaitShipment',
      'AwaitShipment→SendShippingConfirmation',
      'SendShippingConfirmation→AwaitDelivery',
      'AwaitDelivery→SendDeliveredUpdates',
      'SendDeliveredUpdates→AwaitFeedbackWindow',
      'AwaitFeedbackWindow→SendFeedbackRequest',
      'SendFeedbackRequest→AwaitFeedback',
      'AwaitFeedback→END',
    ]);

    // The platform delivers the same refund again: stored once (200 duplicate); queued again, its
    // wake walks once from the end and sends nothing.
    expect((await h.post('order.refunded', refund, delivery)).status).toBe(200);
    await h.idle();
    expect(executionsOf(id)).toHaveLength(before + 1);
    expect((await h.position(id))!.state).toBe('END');
    expect(await kinds(id)).toEqual(['receipt', 'shipping_confirmation', 'delivered', 'feedback_request', 'feedback_reminder', 'refund']);
  });

  it('an event that makes nothing due after the end sends nothing and leaves the walk at its end', async () => {
    await advanceToHour(10);
    const id = 'LATE-2';
    await h.post('order.placed', { order: h.order(id) });
    await h.waitForEmail(id, 'receipt');
    await h.post('order.cancelled', { orderId: id, reason: 'customer' });
    await h.waitForEmail(id, 'cancellation');
    await h.waitForEnd(id);
    // A refund of a cancelled order: no refund email after a cancellation.
    await h.post('order.refunded', { orderId: id, full: true, refundId: 'rf-c', amount: '143.90' });
    await h.idle();
    expect((await h.position(id))?.state).toBe('END');
    expect(await kinds(id)).toEqual(['receipt', 'cancellation']);
  });
});
