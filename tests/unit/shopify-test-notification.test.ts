import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWebhook, signShopify, type WebhookDeps } from '../../functions/domain/webhooks/parse-webhook.js';

const SHOP = 'my-dev-store.myshopify.com';
const SECRET = 'shpss_store-signing-key';
const deps: WebhookDeps = { secretsFor: async (s) => (s === SHOP ? [SECRET] : undefined), now: () => new Date('2026-12-01T12:00:00Z') };
const sample = (name: string) => readFileSync(new URL(`../fixtures/shopify/samples/${name}.json`, import.meta.url), 'utf8');

const request = (topic: string, body: string, headers: Record<string, string | undefined> = {}) => ({
  source: 'shopify' as const,
  rawBody: body,
  headers: {
    'content-type': 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-shop-domain': SHOP,
    'x-shopify-hmac-sha256': signShopify(SECRET, body),
    'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    'x-shopify-test': 'true',
    ...headers,
  },
});

describe("a delivery from the Shopify admin's Send test notification (X-Shopify-Test: true)", () => {
  const topics = ['orders/create', 'orders/updated', 'orders/cancelled', 'fulfillments/create', 'fulfillments/update', 'refunds/create'];

  it.each(topics)('%s is acknowledged with no events, saying why', async (topic) => {
    const result = await parseWebhook(request(topic, sample(topic.replace('/', '-'))), deps);
    expect(result).toMatchObject({ ok: true, store: SHOP, events: [] });
    expect(result.ok && result.ignored).toMatch(/^Shopify test notification \(X-Shopify-Test: true\) for .+: signature verified/);
  });

  it('is acknowledged even without the delivery ids a real delivery needs', async () => {
    const result = await parseWebhook(request('orders/create', sample('orders-create'), { 'x-shopify-webhook-id': undefined }), deps);
    expect(result).toMatchObject({ ok: true, events: [] });
  });

  it('is authenticated first: a wrong signature or an unknown shop is still 401', async () => {
    const body = sample('orders-create');
    const forged = await parseWebhook(request('orders/create', body, { 'x-shopify-hmac-sha256': signShopify('guess', body) }), deps);
    expect(forged).toMatchObject({ ok: false, status: 401, error: { code: 'invalid_signature' } });
    const stranger = await parseWebhook(request('orders/create', body, { 'x-shopify-shop-domain': 'stranger.myshopify.com' }), deps);
    expect(stranger).toMatchObject({ ok: false, status: 401, error: { code: 'unknown_store' } });
  });

  it('is told apart by the header only: X-Shopify-Test: false, or none, is a real delivery and is mapped', async () => {
    for (const test of ['false', undefined]) {
      const result = await parseWebhook(request('fulfillments/create', sample('fulfillments-create'), { 'x-shopify-test': test }), deps);
      expect(result.ok && result.events.map((e) => e.type)).toEqual(['shipment.created']);
    }
  });
});
