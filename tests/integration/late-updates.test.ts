/**
 * An update that arrives after the order's execution has ended (a refund for a late return,
 * weeks after the feedback reminder) has no waiting state to wake: the router starts a short
 * late walk through the synthesized state machine, which sends what is due and ends at once.
 * On the manual clock: the late walk must finish without the clock moving, so it never waits.
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
const executionsOf = (orderId: string) =>
  h.rt.executions().filter((e) => (JSON.parse(e.input) as { Payload?: { order?: { orderId?: string } } }).Payload?.order?.orderId === orderId);

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
  it('a refund after the feedback reminder sends one refund email through a late walk that ends at once; redelivered, nothing more', async () => {
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
    await h.waitForExecution(id, 'SUCCEEDED');
    const [first] = await settled(id, 1);

    // Weeks later the shopper returns an item.
    await h.advance(20);
    await advanceToHour(10);
    const refund = { orderId: id, full: false, refundId: 'rf-late', amount: '19.00', lineItems: [{ lineItemId: 'li-2', quantity: 2, amount: '19.00' }] };
    const delivery = { eventId: 'refund-late-1', at: h.at() };
    expect((await h.post('order.refunded', refund, delivery)).status).toBe(202);
    const [sent] = await h.waitForEmail(id, 'refund');
    expect(sent!.text).toContain('19.00');
    const runs = await settled(id, 2);
    const late = runs.find((e) => e.name !== first!.name)!;
    expect(late.status).toBe('SUCCEEDED');
    expect(late.name).toBe(`${first!.name}-r${late.name.slice(-8)}`);
    // SendReceipt, AwaitShipment, SendShippingConfirmation, AwaitDelivery, SendDeliveredUpdates
    // (the refund), AwaitFeedbackWindow and SendFeedbackRequest (asked already: on at once),
    // AwaitFeedback (reminded already: the end). No wait re-armed: the clock did not move.
    expect(late.stateTransitions + late.retries).toBe(8);

    // The platform delivers the same refund again: stored once, nothing routed or sent.
    expect((await h.post('order.refunded', refund, delivery)).status).toBe(200);
    await h.idle();
    expect(executionsOf(id)).toHaveLength(2);
    expect(await kinds(id)).toEqual(['receipt', 'shipping_confirmation', 'delivered', 'feedback_request', 'feedback_reminder', 'refund']);
  });

  it('an event that makes nothing due after the end starts no execution', async () => {
    await advanceToHour(10);
    const id = 'LATE-2';
    await h.post('order.placed', { order: h.order(id) });
    await h.waitForEmail(id, 'receipt');
    await h.post('order.cancelled', { orderId: id, reason: 'customer' });
    await h.waitForEmail(id, 'cancellation');
    await h.waitForExecution(id, 'SUCCEEDED');
    // A refund of a cancelled order: no refund email after a cancellation.
    await h.post('order.refunded', { orderId: id, full: true, refundId: 'rf-c', amount: '143.90' });
    await h.idle();
    expect(executionsOf(id)).toHaveLength(1);
    expect(await kinds(id)).toEqual(['receipt', 'cancellation']);
  });
});
