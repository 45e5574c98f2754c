import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseWebhook,
  signShopify,
  signStandardWebhook,
  type WebhookDeps,
  type WebhookResult,
} from '../../functions/domain/webhooks/parse-webhook.js';
import { shopifyDelivery } from '../support/shopify-request.js';

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');

const NOW = new Date('2026-09-17T10:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const GENERIC_SECRET = `whsec_${Buffer.from('generic secret for nordic-home!!').toString('base64')}`;
const RETIRED_SECRET = `whsec_${Buffer.from('the key nordic-home used before').toString('base64')}`;
const SHOP = 'berlin-bikes.myshopify.com';
const SHOPIFY_SECRET = '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';

const secrets: Record<string, string[]> = { 'nordic-home': [GENERIC_SECRET], [SHOP]: [SHOPIFY_SECRET] };
const deps: WebhookDeps = { secretsFor: async (store) => secrets[store], now: () => NOW };

function generic(body: string, headers: Record<string, string | undefined> = {}, timestamp = NOW_S) {
  return {
    source: 'generic' as const,
    rawBody: body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': 'msg_2xYb8Qp',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signStandardWebhook(GENERIC_SECRET, 'msg_2xYb8Qp', timestamp, body),
      ...headers,
    },
  };
}

function shopify(body: string, topic: string, headers: Record<string, string | undefined> = {}) {
  return shopifyDelivery(body, { secret: SHOPIFY_SECRET, shop: SHOP, topic, headers });
}

function failure(result: WebhookResult) {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return { status: result.status, ...result.error };
}

const placed = fixture('generic/order-placed.json');
const eurOrder = fixture('shopify/orders-create-eur-taxes-included.json');

describe('parse webhook: generic (Standard Webhooks)', () => {
  it('accepts a correctly signed event and names the store and delivery', async () => {
    const result = await parseWebhook(generic(placed), deps);
    expect(result).toMatchObject({ ok: true, store: 'nordic-home', deliveryId: 'msg_2xYb8Qp' });
    expect(result.ok && result.events.map((e) => [e.type, e.eventId, e.source])).toEqual([['order.placed', 'order-NH-100234-placed', 'generic']]);
  });

  it('accepts a message signed with the second secret of a rotation', async () => {
    const rotating: WebhookDeps = { ...deps, secretsFor: async () => [RETIRED_SECRET, GENERIC_SECRET] };
    expect((await parseWebhook(generic(placed), rotating)).ok).toBe(true);
  });

  it('accepts a header carrying two signatures when one matches', async () => {
    const req = generic(placed);
    const stale = signStandardWebhook(RETIRED_SECRET, 'msg_2xYb8Qp', NOW_S, placed);
    req.headers['webhook-signature'] = `${stale} ${req.headers['webhook-signature']}`;
    expect((await parseWebhook(req, deps)).ok).toBe(true);
  });

  it('rejects a tampered body with 401', async () => {
    const req = generic(placed);
    const tampered = { ...req, rawBody: placed.replace('"total": "165.10"', '"total": "1.65"') };
    expect(tampered.rawBody).not.toBe(placed);
    expect(failure(await parseWebhook(tampered, deps))).toMatchObject({ status: 401, code: 'invalid_signature' });
  });

  it('rejects a signature without the v1 prefix with 401', async () => {
    const req = generic(placed);
    const sig = req.headers['webhook-signature'].slice('v1,'.length);
    for (const header of [`v2,${sig}`, sig, `v1;${sig}`]) {
      const result = await parseWebhook({ ...req, headers: { ...req.headers, 'webhook-signature': header } }, deps);
      expect(failure(result)).toMatchObject({ status: 401, code: 'invalid_signature' });
    }
  });

  it('rejects a timestamp more than five minutes old or ahead with 401, and accepts one exactly five minutes old', async () => {
    expect(failure(await parseWebhook(generic(placed, {}, NOW_S - 301), deps))).toMatchObject({ status: 401, code: 'stale_timestamp' });
    expect(failure(await parseWebhook(generic(placed, {}, NOW_S + 301), deps))).toMatchObject({ status: 401, code: 'stale_timestamp' });
    expect((await parseWebhook(generic(placed, {}, NOW_S - 300), deps)).ok).toBe(true);
    expect((await parseWebhook(generic(placed, {}, NOW_S + 300), deps)).ok).toBe(true);
  });

  it('rejects a timestamp that is not unix seconds with 401', async () => {
    const result = await parseWebhook(generic(placed, { 'webhook-timestamp': '2026-09-17T10:00:00Z' }), deps);
    expect(failure(result)).toMatchObject({ status: 401, code: 'invalid_timestamp' });
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('rejects a request without %s with 401 naming it', async (header) => {
    const result = failure(await parseWebhook(generic(placed, { [header]: undefined }), deps));
    expect(result).toMatchObject({ status: 401, code: 'missing_signature' });
    expect(result.message).toContain(header);
  });

  it('rejects a body naming an unknown store, or none, with 401', async () => {
    const other = placed.replace('"store": "nordic-home"', '"store": "someone-else"');
    expect(failure(await parseWebhook(generic(other), deps))).toMatchObject({ status: 401, code: 'unknown_store' });
    const none = JSON.stringify({ ...JSON.parse(placed), store: undefined });
    expect(failure(await parseWebhook(generic(none), deps))).toMatchObject({ status: 401, code: 'unknown_store' });
  });

  it('names the first failing field (in schema order) with its dotted path and zod’s reason', async () => {
    const body = JSON.parse(placed);
    body.data.order.lineItems[0].quantity = 0;
    body.data.order.total = '165,10';
    const result = failure(await parseWebhook(generic(JSON.stringify(body)), deps));
    expect(result).toEqual({
      status: 400,
      code: 'invalid_payload',
      field: 'data.order.lineItems.0.quantity',
      message: 'data.order.lineItems.0.quantity: Too small: expected number to be >0',
    });
  });

  it('rejects an event type the contract does not define with 400 on field type', async () => {
    const body = JSON.stringify({ ...JSON.parse(placed), type: 'order.shipped' });
    expect(failure(await parseWebhook(generic(body), deps))).toMatchObject({ status: 400, code: 'invalid_payload', field: 'type' });
  });

  it('rejects a body that is not JSON with 400', async () => {
    expect(failure(await parseWebhook(generic('{"type": "order.placed",'), deps))).toMatchObject({ status: 400, code: 'invalid_json' });
  });

  it('uses the webhook-id as eventId when the body has none', async () => {
    const body = JSON.stringify({ ...JSON.parse(placed), eventId: undefined });
    const result = await parseWebhook(generic(body), deps);
    expect(result.ok && result.events[0]?.eventId).toBe('msg_2xYb8Qp');
  });

  it('refuses a webhook-id too long to serve as eventId with 400', async () => {
    const body = JSON.stringify({ ...JSON.parse(placed), eventId: undefined });
    const id = 'm'.repeat(201);
    const req = generic(body, { 'webhook-id': id, 'webhook-signature': signStandardWebhook(GENERIC_SECRET, id, NOW_S, body) });
    expect(failure(await parseWebhook(req, deps))).toMatchObject({ status: 400, code: 'invalid_header', field: 'webhook-id' });
  });
});

describe('parse webhook: Shopify', () => {
  it('accepts a delivery signed with the shop secret and uses X-Shopify-Event-Id as delivery id', async () => {
    const result = await parseWebhook(shopify(eurOrder, 'orders/create'), deps);
    expect(result).toMatchObject({ ok: true, store: SHOP, deliveryId: '4f0c0f3e-5b1a-4f5e-9f0a-1c2d3e4f5a6b' });
  });

  it('falls back to X-Shopify-Webhook-Id when there is no event id', async () => {
    const result = await parseWebhook(shopify(eurOrder, 'orders/create', { 'x-shopify-event-id': undefined }), deps);
    expect(result).toMatchObject({ ok: true, deliveryId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' });
  });

  it('reads the header names of Shopify event deliveries (shopify-*, without X-) as the same webhook', async () => {
    const classic = shopify(eurOrder, 'orders/create');
    const unprefixed = Object.fromEntries(Object.entries(classic.headers).map(([name, value]) => [name.replace(/^x-shopify-/, 'shopify-'), value]));
    const viaEvents = await parseWebhook({ ...classic, headers: unprefixed }, deps);
    expect(viaEvents).toEqual(await parseWebhook(classic, deps));
    expect(viaEvents).toMatchObject({ ok: true, store: SHOP, deliveryId: '4f0c0f3e-5b1a-4f5e-9f0a-1c2d3e4f5a6b' });
  });

  it('checks an unprefixed shopify-hmac-sha256 like the X- one: another secret is 401', async () => {
    const req = shopify(eurOrder, 'orders/create', { 'x-shopify-hmac-sha256': undefined, 'shopify-hmac-sha256': signShopify('shpss_wrong', eurOrder) });
    expect(failure(await parseWebhook(req, deps))).toMatchObject({ status: 401, code: 'invalid_signature' });
  });

  it('accepts the HMAC of any configured secret (rotation)', async () => {
    const rotating: WebhookDeps = { ...deps, secretsFor: async () => ['shpss_retired', SHOPIFY_SECRET] };
    expect((await parseWebhook(shopify(eurOrder, 'orders/create'), rotating)).ok).toBe(true);
  });

  it('rejects a missing HMAC with 401', async () => {
    const result = await parseWebhook(shopify(eurOrder, 'orders/create', { 'x-shopify-hmac-sha256': undefined }), deps);
    expect(failure(result)).toMatchObject({ status: 401, code: 'missing_signature' });
  });

  it('rejects an HMAC made with another secret with 401', async () => {
    const result = await parseWebhook(shopify(eurOrder, 'orders/create', { 'x-shopify-hmac-sha256': signShopify('shpss_wrong', eurOrder) }), deps);
    expect(failure(result)).toMatchObject({ status: 401, code: 'invalid_signature' });
  });

  it('verifies the bytes as sent: re-serialized JSON no longer matches', async () => {
    const req = shopify(eurOrder, 'orders/create');
    const reserialized = { ...req, rawBody: JSON.stringify(JSON.parse(eurOrder)) };
    expect(failure(await parseWebhook(reserialized, deps))).toMatchObject({ status: 401, code: 'invalid_signature' });
  });

  it('rejects a shop that is not configured, or no shop header, with 401', async () => {
    const unknown = await parseWebhook(shopify(eurOrder, 'orders/create', { 'x-shopify-shop-domain': 'stranger.myshopify.com' }), deps);
    expect(failure(unknown)).toMatchObject({ status: 401, code: 'unknown_store' });
    const none = await parseWebhook(shopify(eurOrder, 'orders/create', { 'x-shopify-shop-domain': undefined }), deps);
    expect(failure(none)).toMatchObject({ status: 401, code: 'unknown_store' });
  });

  it('acknowledges a topic it does not use, with no events and the reason', async () => {
    const result = await parseWebhook(shopify('{"id":632910392,"title":"IPod Nano - 8GB"}', 'products/update'), deps);
    expect(result).toEqual({
      ok: true,
      store: SHOP,
      deliveryId: '4f0c0f3e-5b1a-4f5e-9f0a-1c2d3e4f5a6b',
      events: [],
      ignored: 'topic "products/update" is not used',
    });
  });

  it('names the Shopify field of a malformed payload with 400', async () => {
    const body = JSON.parse(eurOrder);
    body.line_items[1].quantity = 0;
    const result = failure(await parseWebhook(shopify(JSON.stringify(body), 'orders/create'), deps));
    expect(result).toMatchObject({ status: 400, code: 'invalid_payload', field: 'line_items.1.quantity' });
    body.line_items[1].quantity = 2;
    body.line_items[0].price = 79.9;
    expect(failure(await parseWebhook(shopify(JSON.stringify(body), 'orders/create'), deps))).toMatchObject({ field: 'line_items.0.price' });
  });

  it('rejects a signed delivery without a topic with 400', async () => {
    const result = await parseWebhook(shopify(eurOrder, 'orders/create', { 'x-shopify-topic': undefined }), deps);
    expect(failure(result)).toMatchObject({ status: 400, code: 'missing_header', field: 'x-shopify-topic' });
  });

  it('rejects a signed body that is not JSON with 400', async () => {
    expect(failure(await parseWebhook(shopify('<order/>', 'orders/create'), deps))).toMatchObject({ status: 400, code: 'invalid_json' });
  });

  it('maps a redelivery under a new webhook id to identical events', async () => {
    const first = await parseWebhook(shopify(eurOrder, 'orders/create'), deps);
    const again = await parseWebhook(
      shopify(eurOrder, 'orders/create', { 'x-shopify-event-id': undefined, 'x-shopify-webhook-id': 'a-different-delivery' }),
      deps,
    );
    expect(first.ok && again.ok).toBe(true);
    expect(again.ok && again.deliveryId).toBe('a-different-delivery');
    expect(again.ok && again.events).toEqual(first.ok && first.events);
  });
});

describe('parse webhook: check order and limits', () => {
  it('rejects a body over maxBytes by UTF-8 byte length with 413', async () => {
    const body = JSON.stringify({ note: '東'.repeat(400) }); // 1,200 bytes in 412 characters
    expect(body.length).toBeLessThan(1000);
    const result = await parseWebhook(generic(body), { ...deps, maxBytes: 1000 });
    expect(failure(result)).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('defaults maxBytes to 256 KiB', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(256 * 1024) });
    expect(failure(await parseWebhook(generic(body), deps))).toMatchObject({ status: 413 });
  });

  it('checks size before media type, media type before signature, signature before content', async () => {
    const big = 'x'.repeat(2000);
    expect(failure(await parseWebhook(generic(big, { 'content-type': 'text/plain' }), { ...deps, maxBytes: 1000 })).status).toBe(413);
    expect(failure(await parseWebhook(generic(placed, { 'content-type': 'text/plain', 'webhook-signature': undefined }), deps)).status).toBe(415);
    const invalid = JSON.stringify({ ...JSON.parse(placed), type: 'nonsense' });
    expect(failure(await parseWebhook(generic(invalid, { 'webhook-signature': 'v1,AAAA' }), deps)).status).toBe(401);
    const malformed = JSON.stringify({ ...JSON.parse(eurOrder), line_items: [] });
    expect(failure(await parseWebhook(shopify(malformed, 'orders/create', { 'x-shopify-hmac-sha256': 'AAAA' }), deps)).status).toBe(401);
  });

  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON; Charset="UTF-8"', true],
    ['application/json; charset=iso-8859-1', false],
    ['text/plain', false],
    ['application/x-www-form-urlencoded', false],
    [undefined, false],
  ])('content-type %s is accepted: %s', async (contentType, accepted) => {
    const result = await parseWebhook(generic(placed, { 'content-type': contentType }), deps);
    if (accepted) expect(result.ok).toBe(true);
    else expect(failure(result)).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });

  it('puts neither secrets nor personal data into any error', async () => {
    const body = JSON.parse(placed);
    body.data.order.customer.email = 'zoe.mueller@example';
    const failures = await Promise.all([
      parseWebhook(generic(JSON.stringify(body)), deps),
      parseWebhook(generic(placed, { 'webhook-signature': signStandardWebhook(RETIRED_SECRET, 'msg_2xYb8Qp', NOW_S, placed) }), deps),
      parseWebhook(generic('{"store":"nordic-home","note":"zoe.mueller@example.de'), deps),
      parseWebhook(shopify(eurOrder, 'orders/create', { 'x-shopify-hmac-sha256': signShopify('shpss_wrong', eurOrder) }), deps),
    ]);
    for (const result of failures) {
      expect(result.ok).toBe(false);
      const text = JSON.stringify(result);
      for (const secret of [GENERIC_SECRET, GENERIC_SECRET.slice(6), RETIRED_SECRET, SHOPIFY_SECRET, 'shpss_wrong']) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/zoe\.mueller|Zoë|Müller/);
    }
  });
});
