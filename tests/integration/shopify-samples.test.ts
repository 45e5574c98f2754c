/**
 * What the Shopify admin's "Send test notification" does to a shop connected to the local
 * runtime: Shopify's published sample payload for each supported topic
 * (tests/fixtures/shopify/samples, see its README), signed and headed as Shopify delivers it,
 * through the real webhook route. Each is acknowledged 2xx, and nothing false reaches a shopper:
 * the samples describe order #9999, created and cancelled in 2021, which this service never saw.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signShopify } from '../../functions/domain/webhooks/parse-webhook.js';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';

/** Every topic the Shopify mapper handles, in the order the admin lists their subscriptions, plus one it does not use. */
const TOPICS = ['orders/create', 'orders/updated', 'orders/cancelled', 'fulfillments/create', 'fulfillments/update', 'refunds/create', 'orders/paid'] as const;
const SAMPLE_ORDER_ID = '820982911946154508';
const sample = (topic: string) => readFileSync(`tests/fixtures/shopify/samples/${topic.replace('/', '-')}.json`, 'utf8');

let rt: LocalRuntime;
beforeAll(async () => {
  // The clock is manual: time moves only when settle() moves it, however loaded the machine.
  rt = await startLocal({ port: 0, inMemory: true, manualClock: true, shops: ['with-header.myshopify.com', 'admin-order.myshopify.com', 'reverse-order.myshopify.com'], log: () => {} });
}, 120_000);
afterAll(async () => {
  await rt?.stop();
});

let delivery = 0;
/** A delivery as Shopify makes it: its documented headers, the body signed with the shop's secret. */
function deliver(shop: string, topic: string, test: boolean): Promise<Response> {
  const body = sample(topic);
  delivery++;
  return fetch(`${rt.url}/webhooks/shopify`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': shop,
      'x-shopify-hmac-sha256': signShopify(rt.secrets.shopifyWebhookSecret, body),
      'x-shopify-api-version': '2026-07',
      'x-shopify-webhook-id': `5f6c1d2e-0000-4000-8000-${String(delivery).padStart(12, '0')}`,
      'x-shopify-event-id': `9a1b2c3d-0000-4000-8000-${String(delivery).padStart(12, '0')}`,
      'x-shopify-triggered-at': new Date().toISOString(),
      ...(topic.startsWith('orders/') ? { 'x-shopify-order-id': SAMPLE_ORDER_ID } : {}),
      ...(test ? { 'x-shopify-test': 'true' } : {}),
    },
  });
}

/**
 * Lets two virtual months pass on the manual clock, firing every deadline on the way (ship-by,
 * delivery estimates, the delivery fallback, the feedback window and reminder), and the work
 * they cause finish: whatever a sample could ever send would be in the outbox by then.
 */
async function settle(): Promise<void> {
  await rt.whenIdle({ timeoutMs: 60_000 });
  await rt.advanceTime(60 * 86_400_000);
  await rt.whenIdle({ timeoutMs: 60_000 });
}

const emailsFor = async (shop: string) => (await rt.outbox()).filter((e) => e.store === shop);
const runningFor = (shop: string) =>
  rt.executions().filter((e) => e.status === 'RUNNING' && e.name.includes(SAMPLE_ORDER_ID) && e.input.includes(shop));

describe("Shopify's Send test notification, for every supported topic", () => {
  it('is acknowledged 200 ignored, once the signature is verified, and changes nothing', async () => {
    for (const topic of TOPICS) {
      const res = await deliver('with-header.myshopify.com', topic, true);
      const body = (await res.json()) as { status: string; reason: string };
      expect({ topic, status: res.status, body: body.status }).toEqual({ topic, status: 200, body: 'ignored' });
      expect(body.reason).toContain('Shopify test notification');
    }
    await settle();
    expect(await emailsFor('with-header.myshopify.com')).toEqual([]);
    expect(rt.executions().filter((e) => e.input.includes('with-header'))).toEqual([]);
  }, 120_000);

  it('is still verified: a test notification signed with another secret is 401', async () => {
    const body = sample('orders/create');
    const res = await fetch(`${rt.url}/webhooks/shopify`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-shop-domain': 'with-header.myshopify.com',
        'x-shopify-hmac-sha256': signShopify('the app secret, not the store key', body),
        'x-shopify-test': 'true',
      },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
  });

  // Shopify's current header reference does not list X-Shopify-Test: should a sample arrive
  // unmarked (or be replayed from a capture without it), its content alone must be harmless.
  for (const [shop, order] of [
    ['admin-order.myshopify.com', TOPICS],
    ['reverse-order.myshopify.com', [...TOPICS].reverse()],
  ] as const) {
    it(`without the test header, in ${shop.startsWith('admin') ? "the admin's" : 'reverse'} order: every sample 2xx, no email claims anything`, async () => {
      for (const topic of order) {
        const res = await deliver(shop, topic, false);
        expect({ topic, status: res.status, ok: res.status >= 200 && res.status < 300 }).toEqual({ topic, status: res.status, ok: true });
      }
      await settle();
      // The sample order was created already cancelled and voided: no receipt "confirmed", no
      // shipping confirmation, delay notice or feedback request for it, and nothing left waiting
      // to send one later.
      expect((await emailsFor(shop)).map((e) => `${e.kind}: ${e.subject}`)).toEqual([]);
      expect(runningFor(shop)).toEqual([]);
    }, 120_000);
  }
});
