/**
 * Webhook authentication, answer by answer: every way a delivery fails to prove its origin gets
 * 401 with the code and the reason a sender's developer needs to fix it, before anything about
 * the body is looked at. (The happy paths and content errors are in webhook-parse.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { parseWebhook, signShopify, signStandardWebhook, TIMESTAMP_TOLERANCE_SECONDS, type WebhookDeps, type WebhookResult } from '../../functions/domain/webhooks/parse-webhook.js';

const NOW = new Date('2026-09-17T10:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const GENERIC_SECRET = `whsec_${Buffer.from('generic secret for nordic-home!!').toString('base64')}`;
const SHOP = 'berlin-bikes.myshopify.com';
const SHOPIFY_SECRET = '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';
const secrets: Record<string, string[]> = { 'nordic-home': [GENERIC_SECRET], [SHOP]: [SHOPIFY_SECRET] };
/** Every store id a secret was looked up for: each look-up may be a call to Secrets Manager. */
const lookedUp: string[] = [];
const deps: WebhookDeps = {
  secretsFor: async (store) => {
    lookedUp.push(store);
    return secrets[store];
  },
  now: () => NOW,
};

const body = JSON.stringify({
  store: 'nordic-home',
  type: 'order.cancelled',
  eventId: 'evt-auth-1',
  timestamp: '2026-09-17T09:59:00Z',
  data: { orderId: 'NH-1001', reason: 'customer' },
});

function generic(headers: Record<string, string | undefined> = {}, raw = body) {
  const signature = signStandardWebhook(GENERIC_SECRET, 'msg_2xYb8Qp', NOW_S, raw);
  return parseWebhook(
    {
      source: 'generic',
      rawBody: raw,
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_2xYb8Qp', 'webhook-timestamp': String(NOW_S), 'webhook-signature': signature, ...headers },
    },
    deps,
  );
}

const shopifyBody = JSON.stringify({ id: 820982911946154508, name: '#9999' });

function shopify(headers: Record<string, string | undefined> = {}) {
  return parseWebhook(
    {
      source: 'shopify',
      rawBody: shopifyBody,
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': signShopify(SHOPIFY_SECRET, shopifyBody),
        'x-shopify-shop-domain': SHOP,
        'x-shopify-topic': 'carts/update',
        'x-shopify-event-id': '4f0c0f3e-5b1a-4f5e-9f0a-1c2d3e4f5a6b',
        ...headers,
      },
    },
    deps,
  );
}

function failure(result: WebhookResult) {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return { status: result.status, ...result.error };
}

describe('webhook authentication: Shopify', () => {
  it('accepts a delivery whose HMAC matches, naming the shop', async () => {
    expect(await shopify()).toMatchObject({ ok: true, store: SHOP });
  });

  it('answers a missing HMAC header with 401 missing_signature, naming the header', async () => {
    expect(failure(await shopify({ 'x-shopify-hmac-sha256': undefined }))).toEqual({ status: 401, code: 'missing_signature', message: 'X-Shopify-Hmac-Sha256 header is missing' });
  });

  it('answers a missing or blank shop header with 401 unknown_store, naming the header', async () => {
    for (const domain of [undefined, '', '   ']) {
      expect(failure(await shopify({ 'x-shopify-shop-domain': domain }))).toEqual({ status: 401, code: 'unknown_store', message: 'X-Shopify-Shop-Domain header is missing' });
    }
  });

  it('accepts the shop header with whitespace around it, as the same shop', async () => {
    expect(await shopify({ 'x-shopify-shop-domain': `  ${SHOP} ` })).toMatchObject({ ok: true, store: SHOP });
  });

  it('answers a shop it does not know with 401 unknown_store and how to add one, without naming any shop', async () => {
    const answer = failure(await shopify({ 'x-shopify-shop-domain': 'other-shop.myshopify.com' }));

    expect(answer).toMatchObject({ status: 401, code: 'unknown_store' });
    expect(answer.message).toMatch(/^shop is not configured\. /);
    expect(answer.message).not.toContain('other-shop');
    expect(answer.message).not.toContain(SHOP);
  });

  it('answers a shop header that cannot be a store id with 401 unknown_store, without looking up any secret', async () => {
    lookedUp.length = 0;

    const answer = failure(await shopify({ 'x-shopify-shop-domain': 'berlin bikes/../admin' }));

    expect(answer).toMatchObject({ status: 401, code: 'unknown_store' });
    expect(answer.message).toMatch(/^shop is not configured\. /);
    expect(lookedUp).toEqual([]);
  });

  it('answers an HMAC that does not match with 401 invalid_signature', async () => {
    expect(failure(await shopify({ 'x-shopify-hmac-sha256': signShopify('another secret', shopifyBody) }))).toEqual({
      status: 401,
      code: 'invalid_signature',
      message: 'X-Shopify-Hmac-Sha256 does not match the body',
    });
  });
});

describe('webhook authentication: Standard Webhooks', () => {
  it('accepts a correctly signed delivery, with header values trimmed as a proxy may pad them', async () => {
    const signature = signStandardWebhook(GENERIC_SECRET, 'msg_2xYb8Qp', NOW_S, body);

    const result = await generic({ 'webhook-id': ' msg_2xYb8Qp ', 'webhook-timestamp': `\t${NOW_S} `, 'webhook-signature': `\t${signature}\t` });

    expect(result).toMatchObject({ ok: true, store: 'nordic-home', deliveryId: 'msg_2xYb8Qp' });
  });

  it('names every missing header, and only those', async () => {
    expect(failure(await generic({ 'webhook-id': undefined, 'webhook-signature': undefined }))).toEqual({
      status: 401,
      code: 'missing_signature',
      message: 'missing header(s): webhook-id, webhook-signature',
    });
    expect(failure(await generic({ 'webhook-timestamp': '  ' }))).toEqual({ status: 401, code: 'missing_signature', message: 'missing header(s): webhook-timestamp' });
  });

  it('answers a timestamp that is not unix seconds with 401 invalid_timestamp, however it is padded', async () => {
    for (const timestamp of ['2026-09-17T10:00:00Z', `x${NOW_S}`, `${NOW_S}x`, '1e9', String(NOW_S * 1000 * 1000)]) {
      expect(failure(await generic({ 'webhook-timestamp': timestamp }))).toEqual({ status: 401, code: 'invalid_timestamp', message: 'webhook-timestamp must be unix seconds' });
    }
  });

  it('says whether a timestamp outside the replay window is too old or in the future', async () => {
    const old = failure(await generic({ 'webhook-timestamp': String(NOW_S - TIMESTAMP_TOLERANCE_SECONDS - 1) }));
    const ahead = failure(await generic({ 'webhook-timestamp': String(NOW_S + TIMESTAMP_TOLERANCE_SECONDS + 1) }));

    expect(old).toEqual({ status: 401, code: 'stale_timestamp', message: 'webhook-timestamp is more than 300 seconds old' });
    expect(ahead).toEqual({ status: 401, code: 'stale_timestamp', message: 'webhook-timestamp is more than 300 seconds in the future' });
  });

  it('answers a body that names no store with 401 unknown_store', async () => {
    const raw = JSON.stringify({ type: 'order.cancelled', data: { orderId: 'NH-1001' } });

    expect(failure(await generic({}, raw))).toEqual({ status: 401, code: 'unknown_store', message: 'body names no store' });
  });

  it('answers a store it does not know with 401 unknown_store and how to add one, without naming any store', async () => {
    const raw = body.replace('"nordic-home"', '"someone-else"');

    const answer = failure(await generic({ 'webhook-signature': signStandardWebhook(GENERIC_SECRET, 'msg_2xYb8Qp', NOW_S, raw) }, raw));

    expect(answer).toMatchObject({ status: 401, code: 'unknown_store' });
    expect(answer.message).toMatch(/^store is not configured\. /);
    expect(answer.message).not.toContain('someone-else');
    expect(answer.message).not.toContain('nordic-home');
  });

  it('answers a store id outside the allowed characters with 401 unknown_store, without looking up any secret', async () => {
    const raw = body.replace('"nordic-home"', '"nordic home/../x"');
    lookedUp.length = 0;

    const answer = failure(await generic({ 'webhook-signature': signStandardWebhook(GENERIC_SECRET, 'msg_2xYb8Qp', NOW_S, raw) }, raw));

    expect(answer).toMatchObject({ status: 401, code: 'unknown_store' });
    expect(answer.message).toMatch(/^store is not configured\. /);
    expect(lookedUp).toEqual([]);
  });

  it('answers a signature that matches no secret with 401 invalid_signature', async () => {
    const forged = signStandardWebhook(`whsec_${Buffer.from('a secret someone guessed wrong!').toString('base64')}`, 'msg_2xYb8Qp', NOW_S, body);

    expect(failure(await generic({ 'webhook-signature': forged }))).toEqual({ status: 401, code: 'invalid_signature', message: 'no webhook-signature entry matches the message' });
  });
});
