/**
 * Store ids on the running product: one canonical id however a platform spells it, no
 * prototype-named store, and each webhook endpoint only for its own kind of store.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERIC_STORE, startHarness, type Harness } from '../support/local-harness.js';

const SHOP = 'acme-dev.myshopify.com';
const shopifyOrder = readFileSync(new URL('../fixtures/shopify/orders-create.json', import.meta.url), 'utf8');

describe('store ids on the local runtime', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  const postGeneric = (store: string, body: Record<string, unknown>) =>
    fetch(`${h.rt.url}/_local/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, store }) });
  const trackingLink = (html: string) => html.match(/href="([^"]*\/track\?t=[^"]+)"/)?.[1]?.replace(/&amp;/g, '&');

  it('sends one receipt for an order posted as "generic-dev" and again as "Generic-Dev", and its tracking link opens', async () => {
    const order = h.order('CASE-1');
    const event = { type: 'order.placed', timestamp: h.at(), eventId: 'case-1-placed', data: { order } };

    const first = await postGeneric(GENERIC_STORE, event);
    const second = await postGeneric('Generic-Dev', event);
    const third = await postGeneric(' GENERIC-DEV ', event);
    await h.waitForEmail('CASE-1', 'receipt');
    await h.rt.whenIdle();

    expect([first.status, second.status, third.status]).toEqual([202, 200, 200]);
    const receipts = (await h.emails('CASE-1')).filter((e) => e.kind === 'receipt');
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.store).toBe(GENERIC_STORE);
    const link = trackingLink(receipts[0]!.html ?? '');
    expect(link).toBeDefined();
    expect((await fetch(link!)).status).toBe(200);
  }, 60_000);

  it('sends one receipt for a Shopify order delivered with X-Shopify-Shop-Domain in two spellings', async () => {
    const orderId = String((JSON.parse(shopifyOrder) as { id: number }).id);
    const lower = await fetch(`${h.rt.url}/_local/webhooks/shopify?topic=orders/create&shop=${SHOP}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: shopifyOrder });
    const upper = await fetch(`${h.rt.url}/_local/webhooks/shopify?topic=orders/create&shop=${SHOP.toUpperCase()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: shopifyOrder });
    await h.waitForEmail(orderId, 'receipt');
    await h.rt.whenIdle();

    expect([lower.status, upper.status]).toEqual([202, 200]);
    const receipts = (await h.emails(orderId)).filter((e) => e.kind === 'receipt');
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.store).toBe(SHOP);
    expect((await fetch(trackingLink(receipts[0]!.html ?? '')!)).status).toBe(200);
  }, 60_000);

  it.each(['__proto__', 'constructor', 'toString'])('answers a generic webhook for the store %j with the 401 of an unknown store', async (store) => {
    const event = { type: 'order.placed', timestamp: h.at(), data: { order: h.order('PROTO-1') } };
    const unknown = await postGeneric('no-such-store', event);
    const res = await postGeneric(store, event);

    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(await unknown.json());
  });

  it('refuses the generic store on POST /webhooks/shopify with an HMAC keyed by its whsec_ secret', async () => {
    const body = shopifyOrder;
    const res = await fetch(`${h.rt.url}/webhooks/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-shop-domain': GENERIC_STORE,
        'x-shopify-event-id': 'cross-platform-1',
        'x-shopify-hmac-sha256': createHmac('sha256', h.rt.secrets.webhookSecret).update(body, 'utf8').digest('base64'),
      },
      body,
    });

    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unknown_store');
  });
});
