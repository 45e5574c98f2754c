/**
 * The order lifecycle end to end: the synthesized state machine on the ASL interpreter, the
 * real handlers, dynalite and the SES stand-in. The clock is manual: virtual time moves only when
 * a test moves it (`h.advance(days)`), firing each deadline on the way, so what a test sees never
 * depends on how loaded the machine is. The tests share one runtime and run one after another,
 * since moving time moves it for every order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedbackLink, shipment, startHarness, type Harness } from '../support/local-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ manualClock: true });
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const kinds = async (orderId: string) => (await h.emails(orderId)).map((e) => e.kind);

/**
 * Moves the clock on to the next `hour`:00 UTC. Feedback mail is deferred out of the shopper's
 * quiet hours (21:00–08:00; these shoppers have no zone, the store's is UTC), so tests that time
 * it start at a known hour rather than whenever the suite happens to run.
 */
async function advanceToHour(hour: number) {
  const now = Date.parse(h.at());
  const d = new Date(now);
  let target = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour);
  if (target <= now) target += 86_400_000;
  await h.advance((target - now) / 86_400_000);
}

describe('order lifecycle', () => {
  it('happy path: receipt, shipping confirmation, delivered, feedback request; feedback given ends it with no reminder', async () => {
    const id = 'H-1';
    await advanceToHour(10);
    expect((await h.post('order.placed', { order: h.order(id) })).status).toBe(202);
    const [receipt] = await h.waitForEmail(id, 'receipt');
    expect(receipt!.subject).toContain(`#${id}`);
    expect(receipt!.text).toContain('Trail shoes');

    await h.post('shipment.created', shipment(id, 's1'));
    const [confirmation] = await h.waitForEmail(id, 'shipping_confirmation');
    expect(confirmation!.text).toContain('JDS1');
    expect(confirmation!.html).toContain('/track?t=');

    await h.post('shipment.updated', { orderId: id, shipmentId: 's1', status: 'delivered' });
    const [delivered] = await h.waitForEmail(id, 'delivered');
    expect(delivered!.text).toContain('In a few days we will ask you how everything went.');
    expect(delivered!.headers['List-Unsubscribe']).toBeUndefined();
    await h.idle();
    // Not before the feedback window (7 days after delivery) is over…
    await h.advance(6.9);
    expect(await kinds(id)).toEqual(['receipt', 'shipping_confirmation', 'delivered']);
    // …and then at once.
    await h.advance(0.2);
    const [request] = await h.waitForEmail(id, 'feedback_request');
    expect(request!.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

    const click = await fetch(feedbackLink(request!, 5));
    expect(click.status).toBe(200);
    await h.waitForEnd(id);
    expect(await kinds(id)).toEqual(['receipt', 'shipping_confirmation', 'delivered', 'feedback_request']);
    // One short step execution per wake: the order, its shipment, its delivery, the feedback
    // window's deadline, the star click (issue 15; no execution waited in between).
    expect(h.steps(id).length).toBe(5);
    expect(h.steps(id).every((e) => e.status === 'SUCCEEDED')).toBe(true);
  });

  it('split shipment: one confirmation per shipment, the last one completing the order', async () => {
    const id = 'S-1';
    await h.post('order.placed', { order: h.order(id) });
    await h.waitForEmail(id, 'receipt');
    await h.post('shipment.created', shipment(id, 'a', [{ lineItemId: 'li-1', quantity: 1 }]));
    const [first] = await h.waitForEmail(id, 'shipping_confirmation');
    await h.post('shipment.created', shipment(id, 'b', [{ lineItemId: 'li-2', quantity: 2 }]), { at: h.at(0.1) });
    const both = await h.waitForEmail(id, 'shipping_confirmation', { count: 2 });
    expect(first!.text).toContain('JDA');
    expect(first!.text).not.toContain('Wool socks');
    expect(both[1]!.text).toContain('JDB');
    expect(both[1]!.text).toContain('Wool socks');
    expect(both[1]!.subject).not.toEqual(first!.subject);
  });

  it('a delay the platform reports: one notice with the reason and the new estimate', async () => {
    const id = 'D-1';
    await h.post('order.placed', { order: h.order(id) });
    await h.waitForEmail(id, 'receipt');
    await h.post('order.delayed', { orderId: id, reason: 'backorder', message: 'Back in stock next week', newShipBy: h.at(9) });
    const [notice] = await h.waitForEmail(id, 'delay_notice');
    expect(notice!.text).toContain('Back in stock next week');
    // Days pass, short of the new ship-by date: no second notice.
    await h.advance(5);
    expect((await kinds(id)).filter((k) => k === 'delay_notice')).toHaveLength(1);
  });

  it('a missed ship-by date: one delay notice, then the shipment moves the order on', async () => {
    const id = 'M-1';
    await h.post('order.placed', { order: h.order(id) });
    await h.waitForEmail(id, 'receipt');
    // Two business days, a weekend at most between them.
    await h.advance(4.5);
    await h.waitForEmail(id, 'delay_notice');
    await h.post('shipment.created', shipment(id, 'm1'));
    await h.waitForEmail(id, 'shipping_confirmation');
    await h.idle();
    expect((await kinds(id)).filter((k) => k === 'delay_notice')).toHaveLength(1);
  });

  it('a missed delivery estimate: a delay notice, and none after delivery', async () => {
    const id = 'E-1';
    await h.post('order.placed', { order: h.order(id) });
    await h.waitForEmail(id, 'receipt');
    await h.post('shipment.created', shipment(id, 'e1', undefined, { estimatedDelivery: h.at(0.5) }));
    await h.waitForEmail(id, 'shipping_confirmation');
    await h.advance(0.6);
    const [notice] = await h.waitForEmail(id, 'delay_notice');
    expect(notice!.text).toContain('JDE1');
    await h.post('shipment.updated', { orderId: id, shipmentId: 'e1', status: 'delivered' });
    // The new estimate passes after delivery: no notice for it.
    await h.advance(6);
    expect((await kinds(id)).filter((k) => k === 'delay_notice')).toHaveLength(1);
  });

  it('cancellation before shipping: a cancellation notice, and nothing after it', async () => {
    const id = 'C-1';
    await h.post('order.placed', { order: h.order(id) });
    await h.waitForEmail(id, 'receipt');
    await h.post('order.cancelled', { orderId: id, reason: 'customer' });
    await h.waitForEmail(id, 'cancellation');
    await h.waitForEnd(id);
    await h.post('shipment.created', shipment(id, 'late'));
    await h.advance(3);
    expect(await kinds(id)).toEqual(['receipt', 'cancellation']);
  });

  it('cancellation after the ship-by date already passed: the cancellation still goes out and the workflow ends', async () => {
    const id = 'C-3';
    await h.post('order.placed', { order: h.order(id, { placedAt: h.at(-5), promises: { shipBy: h.at(-1) } }) });
    await h.waitForEmail(id, 'receipt');
    await h.post('order.cancelled', { orderId: id, reason: 'inventory' });
    await h.waitForEmail(id, 'cancellation');
    await h.waitForEnd(id);
    expect((await kinds(id)).filter((k) => k === 'delay_notice').length).toBeLessThanOrEqual(1);
    expect(h.steps(id).length).toBeLessThan(10);
  });

  it('cancellation after shipping: a cancellation notice and no feedback request', async () => {
    const id = 'C-2';
    await h.post('order.placed', { order: h.order(id) });
    await h.waitForEmail(id, 'receipt');
    await h.post('shipment.created', shipment(id, 'c2'));
    await h.waitForEmail(id, 'shipping_confirmation');
    await h.post('order.cancelled', { orderId: id });
    await h.waitForEmail(id, 'cancellation');
    await h.waitForEnd(id);
    await h.advance(3);
    expect(await kinds(id)).toEqual(['receipt', 'shipping_confirmation', 'cancellation']);
  });

  it('a cancellation that arrives late, dated before the delivery: no feedback request when the window ends, and no reminder', async () => {
    const id = 'CF-1';
    await h.post('order.placed', { order: h.order(id) });
    await h.post('shipment.created', shipment(id, 'cf1'));
    const cancelledAt = h.at();
    await h.post('shipment.updated', { orderId: id, shipmentId: 'cf1', status: 'delivered' });
    await h.advance(1);
    // The platform's cancellation webhook comes a day late, dated when the order was cancelled.
    await h.post('order.cancelled', { orderId: id, reason: 'customer' }, { at: cancelledAt });
    await h.advance(12);
    const sent = await kinds(id);
    expect(sent.slice(0, 2)).toEqual(['receipt', 'shipping_confirmation']);
    expect(sent).not.toContain('feedback_request');
    expect(sent).not.toContain('feedback_reminder');
  });

  it('no feedback given: exactly one reminder, then the workflow ends', async () => {
    const id = 'R-1';
    await advanceToHour(10);
    await h.post('order.placed', { order: h.order(id) });
    await h.post('shipment.created', shipment(id, 'r1'));
    await h.post('shipment.updated', { orderId: id, shipmentId: 'r1', status: 'delivered' });
    await h.advance(7.1);
    await h.waitForEmail(id, 'feedback_request');
    await h.advance(3.5);
    expect(await kinds(id)).not.toContain('feedback_reminder');
    await h.advance(0.6);
    await h.waitForEmail(id, 'feedback_reminder');
    await h.waitForEnd(id);
    await h.advance(5);
    expect(await kinds(id)).toEqual(['receipt', 'shipping_confirmation', 'delivered', 'feedback_request', 'feedback_reminder']);
  });

  it('a feedback request due at night waits for the morning on the shopper\'s clock, and the reminder with it', async () => {
    const id = 'Q-1';
    await advanceToHour(22);
    await h.post('order.placed', { order: h.order(id) });
    await h.post('shipment.created', shipment(id, 'q1'));
    await h.post('shipment.updated', { orderId: id, shipmentId: 'q1', status: 'delivered' });
    await h.idle();
    // Seven days later it is 22:00 in the shopper's zone: quiet hours until 08:00.
    await h.advance(7.1);
    expect(await kinds(id)).not.toContain('feedback_request');
    await h.advance(0.4);
    const [request] = await h.waitForEmail(id, 'feedback_request');
    expect(new Date(request!.at).getUTCHours()).toBe(8);
    await h.advance(4.1);
    const [reminder] = await h.waitForEmail(id, 'feedback_reminder');
    expect(new Date(reminder!.at).getUTCHours()).toBeGreaterThanOrEqual(8);
    expect(new Date(reminder!.at).getUTCHours()).toBeLessThan(21);
  });

  it('events out of order and duplicated: the shipment before the order, everything twice, each email once', async () => {
    const id = 'O-1';
    const ship = shipment(id, 'o1');
    const order = h.order(id, { placedAt: h.at(-0.2) });
    await Promise.all([h.post('shipment.created', ship, { eventId: 'ship-o1' }), h.post('shipment.created', ship, { eventId: 'ship-o1' })]);
    await Promise.all([h.post('order.placed', { order }, { eventId: 'place-o1', at: order.placedAt }), h.post('order.placed', { order }, { eventId: 'place-o1', at: order.placedAt })]);
    await h.waitForEmail(id, 'shipping_confirmation');
    await h.post('shipment.created', ship, { eventId: 'ship-o1' });
    await h.idle();
    expect(await kinds(id)).toEqual(['receipt', 'shipping_confirmation']);
  });
});
