import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OrderStore } from '../../functions/adapters/order-store.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { signShopify, signStandardWebhook } from '../../functions/domain/webhooks/parse-webhook.js';
import { webhookErrorResponseSchema, webhookReceiptSchema } from '../../functions/domain/webhooks/result.js';
import { ingestWebhook, type IngestDeps } from '../../functions/services/ingest-webhook.js';
import { buildOpenApiDocument } from '../../scripts/generate-schemas.js';

// The published response schemas (docs/openapi.json) against what the ingest service answers.

const SECRET = `whsec_${Buffer.from('generic secret for nordic-home!!').toString('base64')}`;
const NOW = new Date('2026-09-17T10:00:00Z');
const placed = readFileSync(new URL('../fixtures/generic/order-placed.json', import.meta.url), 'utf8');

function deps(overrides: Partial<IngestDeps> = {}): IngestDeps {
  const stored = new Set<string>();
  const orders = {
    putEvent: async (event: DomainEvent) => {
      if (stored.has(event.eventId)) return 'duplicate' as const;
      stored.add(event.eventId);
      return 'new' as const;
    },
    // Ingest stored every event here: none was stored from a message by the router.
    queuedAs: async () => undefined,
  } as unknown as OrderStore;
  return { orders, enqueue: async (events) => events.map((_, i) => `m${i}`), secretsFor: async (s) => (s === 'nordic-home' ? [SECRET] : undefined), now: () => NOW, ...overrides };
}

function request(body: string, headers: Record<string, string | undefined> = {}) {
  const ts = NOW.getTime() / 1000;
  return {
    source: 'generic' as const,
    rawBody: body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(ts),
      'webhook-signature': signStandardWebhook(SECRET, 'msg_1', ts, body),
      ...headers,
    },
  };
}

const documented = (path: string) =>
  Object.keys((buildOpenApiDocument().paths as Record<string, { post: { responses: object } }>)[path]!.post.responses);

describe('webhook answers match the published contract', () => {
  it('answers new events with 202 accepted, and their redelivery with 200 duplicate', async () => {
    const d = deps();
    const first = await ingestWebhook(request(placed), d);
    const again = await ingestWebhook(request(placed), d);
    expect([first.statusCode, again.statusCode]).toEqual([202, 200]);
    expect(webhookReceiptSchema.parse(first.body)).toEqual({ status: 'accepted', events: ['order-NH-100234-placed'] });
    expect(webhookReceiptSchema.parse(again.body)).toEqual({ status: 'duplicate', events: ['order-NH-100234-placed'] });
  });

  it('answers a delivery without events with 200 ignored and the reason', async () => {
    const body = '{"id":1}';
    const shopify = {
      source: 'shopify' as const,
      rawBody: body,
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': signShopify('shpss', body),
        'x-shopify-shop-domain': 'acme.myshopify.com',
        'x-shopify-topic': 'customers/create',
        'x-shopify-webhook-id': 'w1',
      },
    };
    const answer = await ingestWebhook(shopify, deps({ secretsFor: async () => ['shpss'] }));
    expect(answer.statusCode).toBe(200);
    expect(webhookReceiptSchema.parse(answer.body)).toEqual({ status: 'ignored', reason: 'topic "customers/create" is not used' });
  });

  it('answers every failure with a documented status and the error body', async () => {
    const answers = await Promise.all([
      ingestWebhook(request(placed), deps({ maxBytes: 10 })),
      ingestWebhook(request(placed, { 'content-type': 'text/plain' }), deps()),
      ingestWebhook(request(placed, { 'webhook-signature': 'v1,AAAA' }), deps()),
      ingestWebhook(request(JSON.stringify({ ...JSON.parse(placed), type: 'nonsense' })), deps()),
      ingestWebhook(request(placed), deps({ enqueue: async () => Promise.reject(new Error('queue refused')) })),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([413, 415, 401, 400, 503]);
    for (const answer of answers) {
      expect(webhookErrorResponseSchema.safeParse(answer.body).success).toBe(true);
      expect(documented('/webhooks')).toContain(String(answer.statusCode));
    }
  });
});
