/**
 * A Shopify store end to end on the local runtime: Shopify's own payloads and headers, signed
 * with the store's secret, through the real webhook route, to the shopper's emails. The clock
 * is manual: days pass only when the test moves time, however loaded the machine.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/local-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ manualClock: true });
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g;

/** A fixture with every timestamp moved so that the order was placed at the virtual now. */
function fixture(name: string, shiftMs: number): string {
  const raw = readFileSync(`tests/fixtures/shopify/${name}.json`, 'utf8');
  return raw.replace(ISO, (t) => new Date(Date.parse(t) + shiftMs).toISOString());
}

const shopify = (topic: string, body: string) =>
  fetch(`${h.rt.url}/_local/webhooks/shopify?topic=${encodeURIComponent(topic)}&shop=acme-dev.myshopify.com`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });

describe('a Shopify store', () => {
  it('gets a receipt, a shipping confirmation, a delivered email and, after delivery, a feedback request', async () => {
    const created = JSON.parse(readFileSync('tests/fixtures/shopify/orders-create.json', 'utf8')) as { id: number; created_at: string; name: string };
    const shift = h.rt.clock.now().getTime() - Date.parse(created.created_at);
    const orderId = String(created.id);

    expect((await shopify('orders/create', fixture('orders-create', shift))).status).toBe(202);
    const [receipt] = await h.waitForEmail(orderId, 'receipt');
    expect(receipt!.subject).toContain(created.name);
    expect(receipt!.text).toMatch(/218\.44/);

    // Shopify retries and duplicates: the same topic again changes nothing.
    expect((await shopify('orders/create', fixture('orders-create', shift))).status).toBe(200);

    await shopify('fulfillments/create', fixture('fulfillments-create', shift - 86_400_000));
    const [confirmation] = await h.waitForEmail(orderId, 'shipping_confirmation');
    // Shopify sent no estimated_delivery_at: the confirmation states the computed estimate.
    expect(confirmation!.text).toMatch(/Estimated delivery: \w+day, \w+ \d{1,2}, \d{4}/);
    await shopify('fulfillments/update', fixture('fulfillments-update-delivered', shift - 3 * 86_400_000));
    await h.idle();
    // The fixture's delivery is dated a little after its fulfilment; the request is due 7 days later.
    await h.advance(12);
    await h.waitForEmail(orderId, 'feedback_request');
    expect((await h.emails(orderId)).map((e) => e.kind)).toEqual(['receipt', 'shipping_confirmation', 'delivered', 'feedback_request']);
  });

  it("sends nothing for Shopify's published orders/create sample, which arrives cancelled and voided", async () => {
    const sample = readFileSync('tests/fixtures/shopify/orders-create-shopify-sample.json', 'utf8');
    const orderId = /"id": (\d+)/.exec(sample)![1]!;
    const shift = h.rt.clock.now().getTime() - Date.parse(/"created_at": "([^"]+)"/.exec(sample)![1]!);

    expect((await shopify('orders/create', fixture('orders-create-shopify-sample', shift))).status).toBe(202);
    // The workflow runs to its end (no receipt, no cancellation notice) without waiting for anything.
    await h.waitForEnd(orderId);
    expect(await h.emails(orderId)).toEqual([]);
    // Its orders/cancelled, when Shopify sends it too, is the cancellation already stored.
    // The id is past 2^53: written into the JSON as digits, as Shopify does.
    const cancelledAt = new Date(Date.parse('2021-12-31T19:00:00-05:00') + shift).toISOString();
    const cancelled = `{"id": ${orderId}, "cancelled_at": "${cancelledAt}", "cancel_reason": "customer"}`;
    expect(((await (await shopify('orders/cancelled', cancelled)).json()) as { status: string }).status).toBe('duplicate');
  });

  it('acknowledges a topic it does not use without retrying it forever', async () => {
    const res = await shopify('products/update', '{"id":1}');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('ignored');
  });
});
