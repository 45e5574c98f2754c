/**
 * A Shopify webhook delivery as `parseWebhook` and ingest take it: the raw body, signed with the
 * shop's secret, and the headers Shopify sends with every delivery (shopify.dev, "Webhook
 * headers"). `headers` adds or overrides (undefined removes one).
 */
import { signShopify } from '../../functions/domain/webhooks/parse-webhook.js';

export function shopifyDelivery(body: string, opts: { secret: string; shop: string; topic: string; headers?: Record<string, string | undefined> }) {
  return {
    source: 'shopify' as const,
    rawBody: body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-hmac-sha256': signShopify(opts.secret, body),
      'x-shopify-shop-domain': opts.shop,
      'x-shopify-topic': opts.topic,
      'x-shopify-event-id': '4f0c0f3e-5b1a-4f5e-9f0a-1c2d3e4f5a6b',
      'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      'x-shopify-triggered-at': '2026-06-15T07:21:48.123456789Z',
      'x-shopify-api-version': '2026-04',
      ...opts.headers,
    } as Record<string, string | undefined>,
  };
}
