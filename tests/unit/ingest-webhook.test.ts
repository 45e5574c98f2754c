/**
 * Ingest's order of work with a fake order store and queue that record every call: queue the
 * event, then store it, with no look-up before. A duplicate is queued again (routing absorbs
 * it) and answered 200 duplicate by the put's failed condition, unless the router stored it from
 * this delivery's own message; a refused send stores nothing.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderStore } from '../../functions/adapters/order-store.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { signStandardWebhook } from '../../functions/domain/webhooks/parse-webhook.js';
import { shopifyDelivery } from '../support/shopify-request.js';
import { installCheckpointHook, type CheckpointDetail } from '../../functions/adapters/host-hooks.js';
import { ingestWebhook, type IngestDeps } from '../../functions/services/ingest-webhook.js';

const SECRET = `whsec_${Buffer.from('generic secret for nordic-home!!').toString('base64')}`;
const NOW = new Date('2026-09-17T10:00:00Z');
const placed = readFileSync(new URL('../fixtures/generic/order-placed.json', import.meta.url), 'utf8');

function request(body: string) {
  const ts = NOW.getTime() / 1000;
  return {
    source: 'generic' as const,
    rawBody: body,
    headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(SECRET, 'msg_1', ts, body) },
  };
}

/**
 * A store and a queue that log what is asked of them, in order. The queue names its messages
 * `m1`, `m2`, …; `routerFirst`: the router takes each message and stores its event (with the
 * message's id, as route-event.ts does) before ingest's put comes.
 */
type Which = boolean | ((event: DomainEvent) => boolean);
const applies = (which: Which, event: DomainEvent) => (typeof which === 'boolean' ? which : which(event));

function recording({ refuse = false, putFails = false, routerFirst = false, readFails = false }: { refuse?: boolean; putFails?: Which; routerFirst?: Which; readFails?: boolean } = {}) {
  const calls: string[] = [];
  const stored = new Map<string, DomainEvent>();
  const storedFrom = new Map<string, string>();
  const queued: DomainEvent[] = [];
  const orders = {
    putEvent: async (event: DomainEvent) => {
      calls.push(`put ${event.eventId}`);
      if (applies(putFails, event)) throw new Error('throttled');
      if (stored.has(event.eventId)) return 'duplicate' as const;
      stored.set(event.eventId, event);
      return 'new' as const;
    },
    queuedAs: async (event: DomainEvent) => {
      calls.push(`read ${event.eventId}`);
      if (readFails) throw new Error('throttled');
      return storedFrom.get(event.eventId);
    },
    markQueued: async () => void calls.push('markQueued'),
  } as unknown as OrderStore;
  const deps: IngestDeps = {
    orders,
    enqueue: async (events) => {
      calls.push(`send ${events.map((e) => e.eventId).join(',')}`);
      if (refuse) throw new Error('the queue refused');
      queued.push(...events);
      const ids = events.map((_, i) => `m${queued.length - events.length + i + 1}`);
      if (routerFirst) {
        events.forEach((e, i) => {
          if (stored.has(e.eventId) || !applies(routerFirst, e)) return;
          stored.set(e.eventId, e);
          storedFrom.set(e.eventId, ids[i]!);
        });
      }
      return ids;
    },
    secretsFor: async (s) => (s === 'nordic-home' ? [SECRET] : s === SHOP ? [SHOPIFY_SECRET] : undefined),
    now: () => NOW,
  };
  return { deps, calls, stored, queued };
}

const ID = 'order-NH-100234-placed';

// A Shopify orders/updated for a cancelled order: two events in one delivery (order.updated, order.cancelled).
const SHOP = 'acme.myshopify.com';
const SHOPIFY_SECRET = 'shpss_0123456789abcdef0123456789abcdef';
const cancelledUpdate = readFileSync(new URL('../fixtures/shopify/orders-updated-cancelled.json', import.meta.url), 'utf8');
const shopifyRequest = (body: string, topic = 'orders/updated') => shopifyDelivery(body, { secret: SHOPIFY_SECRET, shop: SHOP, topic });

describe('ingest: enqueue first, then store', () => {
  it('sends the event, and only then stores it: no look-up first, nothing taken out of an outbox', async () => {
    const r = recording();
    const answer = await ingestWebhook(request(placed), r.deps);

    expect(answer.statusCode).toBe(202);
    expect(answer).not.toHaveProperty('notStored');
    expect(r.calls).toEqual([`send ${ID}`, `put ${ID}`]);
    expect(r.queued.map((e) => e.eventId)).toEqual([ID]);
  });

  it('answers a duplicate of a stored event 200 duplicate from the put, having queued it again (routing absorbs it), and stores nothing new', async () => {
    const r = recording();
    await ingestWebhook(request(placed), r.deps);
    const item = r.stored.get(ID);
    r.calls.length = 0;
    const again = await ingestWebhook(request(placed), r.deps);

    expect(again).toMatchObject({ statusCode: 200, body: { status: 'duplicate', events: [ID] } });
    // The failed condition's one read: ingest stored it, so it came from no message of the router's.
    expect(r.calls).toEqual([`send ${ID}`, `put ${ID}`, `read ${ID}`]);
    expect(r.queued).toHaveLength(2);
    expect(r.stored.get(ID)).toBe(item);
  });

  it('reads nothing more when its put stored the event: the ack path is one send and one put', async () => {
    const r = recording({ routerFirst: false });
    await ingestWebhook(request(placed), r.deps);
    expect(r.calls.filter((c) => c.startsWith('read'))).toEqual([]);
  });

  it('answers 202 accepted when the router stored the event from this very delivery\'s message before ingest\'s put', async () => {
    const r = recording({ routerFirst: true });
    const answer = await ingestWebhook(request(placed), r.deps);

    expect(answer).toMatchObject({ statusCode: 202, body: { status: 'accepted', events: [ID] } });
    expect(r.calls).toEqual([`send ${ID}`, `put ${ID}`, `read ${ID}`]);
  });

  it('answers 200 duplicate when the router stored the event from an earlier delivery\'s message', async () => {
    const r = recording({ routerFirst: true });
    expect((await ingestWebhook(request(placed), r.deps)).statusCode).toBe(202);
    const again = await ingestWebhook(request(placed), r.deps);

    // Queued again as m2; the event was stored from m1.
    expect(again).toMatchObject({ statusCode: 200, body: { status: 'duplicate', events: [ID] } });
    expect(r.queued).toHaveLength(2);
  });

  it('answers 200 duplicate, as before the read, when the read fails: stored either way, a 2xx the platform does not retry', async () => {
    const r = recording({ routerFirst: true, readFails: true });
    const answer = await ingestWebhook(request(placed), r.deps);

    expect(answer).toMatchObject({ statusCode: 200, body: { status: 'duplicate' } });
  });

  it('answers 503 queue_unavailable and stores nothing when the send fails', async () => {
    const r = recording({ refuse: true });
    const answer = await ingestWebhook(request(placed), r.deps);

    expect(answer).toMatchObject({ statusCode: 503, body: { error: { code: 'queue_unavailable', message: expect.stringMatching(/nothing was stored.*retry/) } }, headers: { 'retry-after': expect.any(String) }, notQueued: 1 });
    expect(r.calls).toEqual([`send ${ID}`]);
    expect(r.stored.size).toBe(0);
  });

  it('still answers 202 when the put fails after the send (the router stores the event), and says so for the log', async () => {
    const r = recording({ putFails: true });
    const answer = await ingestWebhook(request(placed), r.deps);

    expect(answer).toMatchObject({ statusCode: 202, body: { status: 'accepted' }, notStored: 1 });
    expect(r.queued).toHaveLength(1);
  });
});

describe('ingest: a delivery of several events', () => {
  const types = (r: ReturnType<typeof recording>) => [...r.stored.values()].map((e) => e.type).sort();
  afterEach(() => installCheckpointHook(undefined));

  it('answers 202 when one of its events is new, though the other was stored already, and reads nothing', async () => {
    const r = recording();
    const first = await ingestWebhook(shopifyRequest(cancelledUpdate), r.deps);
    expect(first.statusCode).toBe(202);
    expect(types(r)).toEqual(['order.cancelled', 'order.updated']);
    // The cancellation alone was seen before: the update is new.
    r.stored.delete([...r.stored.values()].find((e) => e.type === 'order.updated')!.eventId);
    r.calls.length = 0;

    expect(await ingestWebhook(shopifyRequest(cancelledUpdate), r.deps)).toMatchObject({ statusCode: 202, body: { status: 'accepted' } });
    expect(r.calls.filter((c) => c.startsWith('read'))).toEqual([]);
  });

  it('answers 202 when the router stored one of them from this delivery\'s message and the other was seen before', async () => {
    const r = recording({ routerFirst: (e) => e.type === 'order.updated' });
    // The cancellation came earlier, on its own topic: stored by that delivery's ingest.
    const cancelled = (await parseCancelled()).events[0]!;
    r.stored.set(cancelled.eventId, cancelled);

    expect(await ingestWebhook(shopifyRequest(cancelledUpdate), r.deps)).toMatchObject({ statusCode: 202, body: { status: 'accepted' } });
    expect(r.calls.filter((c) => c.startsWith('read'))).toHaveLength(2);
  });

  it('counts in notStored only the puts that failed', async () => {
    const r = recording({ putFails: (e) => e.type === 'order.cancelled' });
    expect(await ingestWebhook(shopifyRequest(cancelledUpdate), r.deps)).toMatchObject({ statusCode: 202, notStored: 1 });
  });

  it('passes its checkpoints before and after the send, naming the store, the order and the first event\'s type', async () => {
    const seen: Array<[string, CheckpointDetail]> = [];
    installCheckpointHook((step, detail) => void seen.push([step, detail]));
    const r = recording();
    await ingestWebhook(shopifyRequest(cancelledUpdate), r.deps);

    const where = { store: SHOP, orderId: expect.any(String), eventType: 'order.updated' };
    expect(seen).toEqual([['ingest.beforeEnqueue', where], ['ingest.afterEnqueue', where]]);
    expect(seen[0]![1].orderId).toBe(String(JSON.parse(cancelledUpdate).id));
  });
});

/** The same order's cancellation as Shopify's orders/cancelled topic delivers it (the same event id as in the update). */
async function parseCancelled() {
  const { parseWebhook } = await import('../../functions/domain/webhooks/parse-webhook.js');
  const body = readFileSync(new URL('../fixtures/shopify/orders-cancelled.json', import.meta.url), 'utf8');
  const result = await parseWebhook(shopifyRequest(body, 'orders/cancelled'), { secretsFor: async () => [SHOPIFY_SECRET], now: () => NOW });
  if (!result.ok || result.events.length !== 1) throw new Error('orders/cancelled should map to one event');
  return result;
}
