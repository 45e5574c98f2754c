import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventPayloads, eventTypes } from '../../functions/domain/events.js';
import { genericToDomainEvent, genericWebhookSchema } from '../../functions/domain/platforms/generic.js';
import { parseWebhook, signStandardWebhook } from '../../functions/domain/webhooks/parse-webhook.js';

const dir = new URL('../fixtures/generic/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const raw = (file: string) => readFileSync(new URL(file, dir), 'utf8');

const SECRET = `whsec_${Buffer.from('generic secret for nordic-home!!').toString('base64')}`;
const NOW = new Date('2026-09-17T10:00:00Z');

async function deliver(body: string, id = 'msg_01J9Z') {
  const timestamp = NOW.getTime() / 1000;
  return parseWebhook(
    {
      source: 'generic',
      rawBody: body,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signStandardWebhook(SECRET, id, timestamp, body),
      },
    },
    { secretsFor: async (store) => (store === 'nordic-home' ? [SECRET] : undefined), now: () => NOW },
  );
}

describe('generic webhook contract', () => {
  it('has a fixture for every domain event type', () => {
    const types = files.map((f) => JSON.parse(raw(f)).type as string).sort();
    expect([...new Set(types)]).toEqual([...eventTypes].sort());
  });

  it.each(files)('%s maps to the domain event it describes, data unchanged', async (file) => {
    const body = JSON.parse(raw(file));
    const result = await deliver(raw(file));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.events).toEqual([
      {
        eventId: body.eventId,
        store: 'nordic-home',
        source: 'generic',
        occurredAt: new Date(body.timestamp).toISOString(),
        type: body.type,
        data: eventPayloads[body.type as keyof typeof eventPayloads].parse(body.data),
      },
    ]);
  });

  it('stores occurredAt in UTC whatever offset the sender used', async () => {
    const result = await deliver(raw('shipment-updated.json'));
    expect(result.ok && result.events[0]?.occurredAt).toBe('2026-09-17T07:05:00.000Z');
  });

  it('accepts a shipment.updated without a status as a tracking-only update', async () => {
    const body = JSON.parse(raw('shipment-updated.json'));
    delete body.data.status;
    delete body.data.message;
    body.eventId = 'shipment-SH-7781-tracking';
    body.data.trackingNumber = '00340434161094042564';
    const result = await deliver(JSON.stringify(body));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.events[0]).toMatchObject({ type: 'shipment.updated', data: { shipmentId: 'SH-7781', trackingNumber: '00340434161094042564' } });
    expect(result.events[0]!.data).not.toHaveProperty('status');
  });

  it('applies the domain defaults a sender may leave out', () => {
    const body = JSON.parse(raw('order-delayed.json'));
    delete body.data.reason;
    const parsed = genericWebhookSchema.parse(body);
    expect(parsed.type === 'order.delayed' && parsed.data.reason).toBe('other');
  });

  it('gives the same event for a retry of the same message', async () => {
    const first = await deliver(raw('order-refunded.json'));
    const retry = await deliver(raw('order-refunded.json'));
    expect(retry).toEqual(first);
  });

  it('dedupes a business event resent under a new webhook-id through its eventId', async () => {
    const first = await deliver(raw('shipment-created.json'), 'msg_first');
    const resent = await deliver(raw('shipment-created.json'), 'msg_resent');
    expect(first.ok && resent.ok).toBe(true);
    if (!first.ok || !resent.ok) return;
    expect(resent.deliveryId).not.toBe(first.deliveryId);
    expect(resent.events).toEqual(first.events);
  });

  it.each([
    ['shipment-updated.json', (b: any) => (b.data.status = 'lost'), 'data.status'],
    ['order-refunded.json', (b: any) => delete b.data.full, 'data.full'],
    ['order-delayed.json', (b: any) => (b.data.newDeliverBy = '2026-09-25'), 'data.newDeliverBy'],
    ['shipment-created.json', (b: any) => (b.data.shipment.lineItems[1].quantity = 1.5), 'data.shipment.lineItems.1.quantity'],
    ['order-placed.json', (b: any) => (b.data.order.currency = 'eur'), 'data.order.currency'],
    ['order-cancelled.json', (b: any) => (b.timestamp = 'yesterday'), 'timestamp'],
  ])('%s with a bad value is rejected on field %s', async (file, corrupt, field) => {
    const body = JSON.parse(raw(file));
    corrupt(body);
    const result = await deliver(JSON.stringify(body));
    expect(result).toMatchObject({ ok: false, status: 400, error: { code: 'invalid_payload', field } });
  });

  it('maps without the eventId the body left out, using the webhook id', () => {
    const body = genericWebhookSchema.parse({ ...JSON.parse(raw('order-cancelled.json')), eventId: undefined });
    const event = genericToDomainEvent(body, 'msg_fallback');
    expect(event.success && event.data.eventId).toBe('msg_fallback');
  });
});
