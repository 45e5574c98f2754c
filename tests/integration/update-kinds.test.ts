/**
 * The update kinds of issue 13 end to end: Shopify's fulfillment payloads (and generic events)
 * through the real webhook routes, the synthesized state machine's update states on the ASL
 * interpreter, the real handlers, dynalite and the SES stand-in. The clock is manual.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipment, startHarness, type Harness } from '../support/local-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ manualClock: true });
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g;
/** A fixture with every timestamp moved by `shiftMs`. */
const fixture = (name: string, shiftMs: number) =>
  readFileSync(`tests/fixtures/shopify/${name}.json`, 'utf8').replace(ISO, (t) => new Date(Date.parse(t) + shiftMs).toISOString());
const updatedAt = (name: string) => Date.parse((JSON.parse(readFileSync(`tests/fixtures/shopify/${name}.json`, 'utf8')) as { updated_at: string }).updated_at);
const shopify = (topic: string, body: string) =>
  fetch(`${h.rt.url}/_local/webhooks/shopify?topic=${encodeURIComponent(topic)}&shop=acme-dev.myshopify.com`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
const kinds = async (orderId: string) => (await h.emails(orderId)).map((e) => e.kind);

/** Moves the clock on to the next `hour`:00 UTC (the stores here keep UTC; quiet hours 21:00–08:00). */
async function advanceToHour(hour: number) {
  const now = Date.parse(h.at());
  const d = new Date(now);
  let target = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour);
  if (target <= now) target += 86_400_000;
  await h.advance((target - now) / 86_400_000);
}

describe('shipment updates from Shopify', () => {
  it('out for delivery, then delivered: one email each; the same updates again, and out for delivery after delivery, send nothing', async () => {
    await advanceToHour(10);
    const orderId = '5781132443843';
    // Each fixture dated as if it had just happened.
    const at = (name: string) => Date.parse(h.at()) - updatedAt(name);
    const created = JSON.parse(readFileSync('tests/fixtures/shopify/orders-create.json', 'utf8')) as { created_at: string };
    // Placed a day ago, inside its ship-by (two days' handling): placed three days ago, the
    // receipt's walk finds the ship-by already missed and sends a delay notice with it, unless
    // the shipment's webhook happens to be stored first (a race the test used to win by timing).
    const placedShift = Date.parse(h.at()) - Date.parse(created.created_at) - 1 * 86_400_000;
    expect((await shopify('orders/create', fixture('orders-create', placedShift))).status).toBe(202);
    await h.waitForEmail(orderId, 'receipt');
    await shopify('fulfillments/create', fixture('fulfillments-create', at('fulfillments-create')));
    await h.waitForEmail(orderId, 'shipping_confirmation');

    await h.advance(0.05);
    expect((await shopify('fulfillments/update', fixture('fulfillments-update-out-for-delivery', at('fulfillments-update-out-for-delivery')))).status).toBe(202);
    const [out] = await h.waitForEmail(orderId, 'out_for_delivery');
    expect(out!.subject).toContain('is out for delivery');
    expect(out!.text).toContain('1Z999AA10123456784');
    expect(out!.headers['List-Unsubscribe']).toBeUndefined();

    await h.advance(0.1);
    const delivered = fixture('fulfillments-update-delivered', at('fulfillments-update-delivered'));
    await shopify('fulfillments/update', delivered);
    const [got] = await h.waitForEmail(orderId, 'delivered');
    expect(got!.subject).toContain('has been delivered');
    expect(got!.text).toContain('everything you ordered has arrived');

    // Shopify delivers again, and an older out-for-delivery update arrives late, newly dated.
    await shopify('fulfillments/update', delivered);
    await h.advance(0.01);
    await shopify('fulfillments/update', fixture('fulfillments-update-out-for-delivery', at('fulfillments-update-out-for-delivery')));
    await h.idle();
    expect(await kinds(orderId)).toEqual(['receipt', 'shipping_confirmation', 'out_for_delivery', 'delivered']);
  });
});

describe('shipment updates from any platform', () => {
  it('a split order: a failed attempt, an exception with the carrier\'s words (escaped), new tracking, and a delivered parcel that says what is still to come', async () => {
    await advanceToHour(10);
    const id = 'U-1';
    await h.post('order.placed', { order: h.order(id) });
    await h.waitForEmail(id, 'receipt');
    await h.post('shipment.created', shipment(id, 'a', [{ lineItemId: 'li-1', quantity: 1 }]));
    await h.post('shipment.created', shipment(id, 'b', [{ lineItemId: 'li-2', quantity: 2 }]), { at: h.at(0.01) });
    await h.waitForEmail(id, 'shipping_confirmation', { count: 2 });

    await h.post('shipment.updated', { orderId: id, shipmentId: 'a', status: 'attempted_delivery', message: 'Nobody home <b>card left</b>' });
    const [attempt] = await h.waitForEmail(id, 'delivery_attempt_failed');
    expect(attempt!.html).toContain('Nobody home &lt;b&gt;card left&lt;/b&gt;');
    expect(attempt!.text).toContain('What you can do');

    await h.post('shipment.updated', { orderId: id, shipmentId: 'a', status: 'failure', message: 'Address incomplete' }, { at: h.at(0.01) });
    const [exception] = await h.waitForEmail(id, 'delivery_exception');
    expect(exception!.text).toContain('Address incomplete');

    await h.post('shipment.updated', { orderId: id, shipmentId: 'b', carrier: 'UPS', trackingNumber: '1ZNEW' }, { at: h.at(0.02) });
    const [update] = await h.waitForEmail(id, 'shipping_update');
    expect(update!.text).toContain('1ZNEW');
    expect(update!.text).toContain('UPS');

    await h.post('shipment.updated', { orderId: id, shipmentId: 'a', status: 'delivered' }, { at: h.at(0.03) });
    const [delivered] = await h.waitForEmail(id, 'delivered');
    expect(delivered!.text).toContain('Still to come');
    expect(delivered!.text).toContain('Wool socks');
    expect(delivered!.text).not.toContain('In a few days we will ask');
    await h.idle();
    expect((await kinds(id)).filter((k) => k === 'delivered')).toHaveLength(1);
  });

  it('new tracking details reported at night wait for the morning; an out-for-delivery report does not', async () => {
    await advanceToHour(22);
    const id = 'U-2';
    await h.post('order.placed', { order: h.order(id) });
    await h.post('shipment.created', shipment(id, 'n1'));
    await h.waitForEmail(id, 'shipping_confirmation');
    await h.post('shipment.updated', { orderId: id, shipmentId: 'n1', carrier: 'GLS', trackingNumber: 'GLS-42' });
    await h.idle();
    expect(await kinds(id)).not.toContain('shipping_update');
    // 08:00 UTC, the store's (and so the shopper's) end of quiet hours.
    await h.advance(10.1 / 24);
    const [update] = await h.waitForEmail(id, 'shipping_update');
    expect(new Date(update!.at).getUTCHours()).toBe(8);
    await advanceToHour(23);
    await h.post('shipment.updated', { orderId: id, shipmentId: 'n1', status: 'out_for_delivery' });
    await h.waitForEmail(id, 'out_for_delivery');
  });
});

describe('order changes', () => {
  it('Shopify: orders/edited then orders/updated send one order_edited email; refunds/create sends the refund with its amount', async () => {
    await advanceToHour(10);
    const created = JSON.parse(readFileSync('tests/fixtures/shopify/orders-create.json', 'utf8')) as { id: number; created_at: string };
    const orderId = String(created.id + 1);
    // A second copy of the fixture order under its own id, placed now.
    const shift = Date.parse(h.at()) - Date.parse(created.created_at);
    const own = (name: string, extraShift = 0) => fixture(name, shift + extraShift).replaceAll(String(created.id), orderId);
    expect((await shopify('orders/create', own('orders-create'))).status).toBe(202);
    await h.waitForEmail(orderId, 'receipt');
    await h.advance(0.1);
    const edited = JSON.parse(readFileSync('tests/fixtures/shopify/orders-edited.json', 'utf8')) as { order_edit: { created_at: string } };
    const editShift = Date.parse(h.at()) - Date.parse(edited.order_edit.created_at);
    expect((await shopify('orders/edited', fixture('orders-edited', editShift).replaceAll(String(created.id), orderId))).status).toBe(202);
    await h.idle();
    // Nothing until the order as edited is known.
    expect(await kinds(orderId)).toEqual(['receipt']);
    const updated = JSON.parse(own('orders-updated')) as Record<string, unknown>;
    updated.updated_at = h.at(0.001);
    await shopify('orders/updated', JSON.stringify(updated));
    const [edit] = await h.waitForEmail(orderId, 'order_edited');
    expect(edit!.subject).toContain('has been changed');
    expect(edit!.text).toContain('Added');
    await h.idle();
    expect((await kinds(orderId)).filter((k) => k === 'order_edited')).toHaveLength(1);

    const refund = JSON.parse(readFileSync('tests/fixtures/shopify/refunds-create.json', 'utf8')) as { created_at: string };
    const refundShift = Date.parse(h.at()) - Date.parse(refund.created_at);
    const body = fixture('refunds-create', refundShift).replaceAll('5612384190531', orderId);
    expect((await shopify('refunds/create', body)).status).toBe(202);
    const [sent] = await h.waitForEmail(orderId, 'refund');
    expect(sent!.text).toContain('29.71');
    // Shopify retries the delivery: still one refund email.
    expect((await shopify('refunds/create', body)).status).toBe(200);
    await h.idle();
    expect(await kinds(orderId)).toEqual(['receipt', 'order_edited', 'refund']);
  });

  it('Shopify: an orders/updated whose items changed (no orders/edited) sends one order_edited email; the same update again, or one that changes no item, sends nothing', async () => {
    await advanceToHour(10);
    const created = JSON.parse(readFileSync('tests/fixtures/shopify/orders-create.json', 'utf8')) as { id: number; created_at: string };
    const orderId = String(created.id + 4);
    const shift = Date.parse(h.at()) - Date.parse(created.created_at);
    const own = (name: string) => fixture(name, shift).replaceAll(String(created.id), orderId);
    expect((await shopify('orders/create', own('orders-create'))).status).toBe(202);
    await h.waitForEmail(orderId, 'receipt');
    await h.advance(0.1);
    // The fixture's update: one pair of socks fewer (current_quantity 3 → 2), before anything shipped.
    const updated = JSON.parse(own('orders-updated')) as Record<string, unknown>;
    updated.updated_at = h.at();
    const body = JSON.stringify(updated);
    expect((await shopify('orders/updated', body)).status).toBe(202);
    const [edit] = await h.waitForEmail(orderId, 'order_edited');
    expect(edit!.subject).toContain('has been changed');
    expect(edit!.text).toContain('Wool Hiking Socks');
    // Shopify delivers it again, then updates the order for something else (a tag).
    expect((await shopify('orders/updated', body)).status).toBe(200);
    await h.advance(0.01);
    expect((await shopify('orders/updated', JSON.stringify({ ...updated, tags: 'vip', updated_at: h.at() }))).status).toBe(202);
    await h.idle();
    expect(await kinds(orderId)).toEqual(['receipt', 'order_edited']);
  });

  it('generic: a partial refund, then the rest: two refund emails, the second closing the order', async () => {
    await advanceToHour(10);
    const id = 'R-13';
    const order = h.order(id);
    await h.post('order.placed', { order });
    await h.waitForEmail(id, 'receipt');
    await h.post('order.refunded', { orderId: id, full: false, refundId: 'rf-1', amount: '10.00', lineItems: [{ lineItemId: 'li-1', quantity: 1, amount: '10.00' }], method: 'Visa •••• 4242' });
    const [first] = await h.waitForEmail(id, 'refund');
    expect(first!.text).toContain('Visa •••• 4242');
    expect(first!.text).not.toContain('refunded in full');
    const rest = (Number(order.total) - 10).toFixed(2);
    await h.post('order.refunded', { orderId: id, full: true, refundId: 'rf-2', amount: rest });
    const both = await h.waitForEmail(id, 'refund', { count: 2 });
    expect(both[1]!.text).toContain('refunded in full and is now closed');
    await h.waitForEnd(id);
    expect(await kinds(id)).toEqual(['receipt', 'refund', 'refund']);
  });
});

describe('local pickup', () => {
  it('generic: ready for pickup (where, escaped), then collected: the picked-up email, then the feedback request; no shipping confirmation', async () => {
    await advanceToHour(10);
    const id = 'P-13';
    await h.post('order.placed', { order: h.order(id) });
    await h.waitForEmail(id, 'receipt');
    await h.post('pickup.ready', { orderId: id, location: 'Acme Outlet <Mitte>, Torstraße 1, Berlin' });
    const [ready] = await h.waitForEmail(id, 'pickup_ready');
    expect(ready!.html).toContain('Acme Outlet &lt;Mitte&gt;');
    expect(ready!.text).toContain('Torstraße 1');
    await h.advance(1);
    await h.post('pickup.completed', { orderId: id });
    const [picked] = await h.waitForEmail(id, 'picked_up');
    expect(picked!.text).toContain('In a few days we will ask you how everything went.');
    await h.advance(7.2);
    await h.waitForEmail(id, 'feedback_request');
    expect(await kinds(id)).toEqual(['receipt', 'pickup_ready', 'picked_up', 'feedback_request']);
  });

  it('Shopify: a fulfillment picked up at the store is no shipment: picked_up, never "shipped" or "delivered"', async () => {
    await advanceToHour(10);
    const created = JSON.parse(readFileSync('tests/fixtures/shopify/orders-create.json', 'utf8')) as { id: number; created_at: string };
    const orderId = String(created.id + 2);
    const shift = Date.parse(h.at()) - Date.parse(created.created_at);
    expect((await shopify('orders/create', fixture('orders-create', shift).replaceAll(String(created.id), orderId))).status).toBe(202);
    await h.waitForEmail(orderId, 'receipt');
    await h.advance(0.1);
    const at = Date.parse(h.at()) - updatedAt('fulfillments-update-picked-up');
    expect((await shopify('fulfillments/update', fixture('fulfillments-update-picked-up', at).replaceAll(String(created.id), orderId))).status).toBe(202);
    await h.waitForEmail(orderId, 'picked_up');
    await h.idle();
    expect(await kinds(orderId)).toEqual(['receipt', 'picked_up']);
  });

  it('Shopify: a pickup order\'s fulfillments/create before any pickup status sends no shipping confirmation; collected, it sends picked_up', async () => {
    await advanceToHour(10);
    const created = JSON.parse(readFileSync('tests/fixtures/shopify/orders-create-pickup.json', 'utf8')) as { id: number; created_at: string };
    const orderId = String(created.id + 3);
    const shift = Date.parse(h.at()) - Date.parse(created.created_at);
    expect((await shopify('orders/create', fixture('orders-create-pickup', shift).replaceAll(String(created.id), orderId))).status).toBe(202);
    await h.waitForEmail(orderId, 'receipt');
    await h.advance(0.1);
    const made = Date.parse(h.at()) - updatedAt('fulfillments-create-pickup');
    expect((await shopify('fulfillments/create', fixture('fulfillments-create-pickup', made).replaceAll(String(created.id), orderId))).status).toBe(202);
    await h.idle();
    // Days pass without the pickup status: still nothing about a parcel.
    await h.advance(2);
    expect(await kinds(orderId)).toEqual(['receipt']);
    const at = Date.parse(h.at()) - updatedAt('fulfillments-update-picked-up');
    await shopify('fulfillments/update', fixture('fulfillments-update-picked-up', at).replaceAll(String(created.id), orderId));
    await h.waitForEmail(orderId, 'picked_up');
    await h.idle();
    expect(await kinds(orderId)).toEqual(['receipt', 'picked_up']);
  });
});
