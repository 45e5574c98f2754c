import { describe, expect, it } from 'vitest';
import { parseWebhook, signShopify, signStandardWebhook, type WebhookDeps, type WebhookResult } from '../../functions/domain/webhooks/parse-webhook.js';

const NOW = new Date('2026-09-17T10:00:00Z');
const SHOPIFY_SECRET = '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';
const GENERIC_SECRET = `whsec_${Buffer.from('generic secret for nordic-home!!').toString('base64')}`;
const CONFIGURED = { 'berlin-bikes.myshopify.com': [SHOPIFY_SECRET], 'nordic-home': [GENERIC_SECRET] } as Record<string, string[]>;
const deps = (extra: Partial<WebhookDeps> = {}): WebhookDeps => ({ secretsFor: async (s) => CONFIGURED[s], now: () => NOW, ...extra });

const order = '{"id":820982911946154508,"name":"#9999"}';
const shopify = (shop: string) => ({
  source: 'shopify' as const,
  rawBody: order,
  headers: {
    'content-type': 'application/json',
    'x-shopify-hmac-sha256': signShopify(SHOPIFY_SECRET, order),
    'x-shopify-shop-domain': shop,
    'x-shopify-topic': 'orders/create',
    'x-shopify-event-id': 'e1',
  },
});
const generic = (store: string) => {
  const body = JSON.stringify({ type: 'order.cancelled', timestamp: NOW.toISOString(), store, data: { orderId: '1' } });
  const ts = Math.floor(NOW.getTime() / 1000);
  return {
    source: 'generic' as const,
    rawBody: body,
    headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(GENERIC_SECRET, 'msg_1', ts, body) },
  };
};

function error(result: WebhookResult) {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return { status: result.status, ...result.error };
}

describe('the answer to a webhook from a store that is not configured', () => {
  it('tells a deployed stack how to add a shop: the stores[].storeId key and the secret name pattern', async () => {
    const answer = error(await parseWebhook(shopify('stranger.myshopify.com'), deps()));
    expect(answer).toMatchObject({ status: 401, code: 'unknown_store' });
    expect(answer.message).toContain('stores[]');
    expect(answer.message).toContain('storeId');
    expect(answer.message).toContain('<stackName>/webhook/<storeId>');
    expect(answer.message).not.toContain('--shop');
  });

  it('tells the local runtime to restart with --shop (or SHOPIFY_SHOP) and which secret verifies it', async () => {
    const answer = error(await parseWebhook(shopify('stranger.myshopify.com'), deps({ storeSetup: 'local' })));
    expect(answer.message).toContain('npm start -- --shop <shop>.myshopify.com');
    expect(answer.message).toContain('SHOPIFY_SHOP');
    expect(answer.message).toContain('SHOPIFY_WEBHOOK_SECRET');
  });

  it('says the same thing for every unknown shop, naming neither it nor any configured one', async () => {
    for (const storeSetup of ['local', 'deployed'] as const) {
      const a = error(await parseWebhook(shopify('stranger.myshopify.com'), deps({ storeSetup })));
      const b = error(await parseWebhook(shopify('another-one.myshopify.com'), deps({ storeSetup })));
      expect(a).toEqual(b);
      for (const name of ['stranger', 'another-one', 'berlin-bikes', 'nordic-home']) expect(a.message).not.toContain(name);
    }
  });

  it('tells a generic source where its store goes, locally config/dev.json, verified with WEBHOOK_SECRET', async () => {
    const local = error(await parseWebhook(generic('someone-else'), deps({ storeSetup: 'local' })));
    expect(local).toMatchObject({ status: 401, code: 'unknown_store' });
    expect(local.message).toContain('config/dev.json');
    expect(local.message).toContain('WEBHOOK_SECRET');
    expect(local.message).not.toContain('someone-else');
    const deployed = error(await parseWebhook(generic('someone-else'), deps()));
    expect(deployed.message).toContain('stores[]');
    expect(deployed.message).toContain('whsec_');
  });

  it('still answers a configured shop with a wrong signature as invalid_signature, without the hint', async () => {
    const req = shopify('berlin-bikes.myshopify.com');
    const answer = error(await parseWebhook({ ...req, headers: { ...req.headers, 'x-shopify-hmac-sha256': signShopify('wrong', order) } }, deps({ storeSetup: 'local' })));
    expect(answer).toMatchObject({ status: 401, code: 'invalid_signature' });
    expect(answer.message).not.toContain('--shop');
  });
});
