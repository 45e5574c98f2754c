/**
 * Ingest's order of work with a fake order store and queue that record every call: queue the
 * event, then store it, with no look-up before. A duplicate is queued again (routing absorbs
 * it) and answered 200 duplicate by the put's failed condition, unless the router stored it from
 * this delivery's own message; a refused send stores nothing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OrderStore } from '../../functions/adapters/order-store.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { signStandardWebhook } from '../../functions/domain/webhooks/parse-webhook.js';
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
function recording({ refuse = false, putFails = false, routerFirst = false, readFails = false }: { refuse?: boolean; putFails?: boolean; routerFirst?: boolean; readFails?: boolean } = {}) {
  const calls: string[] = [];
  const stored = new Map<string, DomainEvent>();
  const storedFrom = new Map<string, string>();
  const queued: DomainEvent[] = [];
  const orders = {
    putEvent: async (event: DomainEvent) => {
      calls.push(`put ${event.eventId}`);
      if (putFails) throw new Error('throttled');
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
          if (stored.has(e.eventId)) return;
          stored.set(e.eventId, e);
          storedFrom.set(e.eventId, ids[i]!);
        });
      }
      return ids;
    },
    secretsFor: async (s) => (s === 'nordic-home' ? [SECRET] : undefined),
    now: () => NOW,
  };
  return { deps, calls, stored, queued };
}

const ID = 'order-NH-100234-placed';

describe('ingest: enqueue first, then store', () => {
  it('sends the event, and only then stores it: no look-up first, nothing taken out of an outbox', async () => {
    const r = recording();
    const answer = await ingestWebhook(request(placed), r.deps);

    expect(answer.statusCode).toBe(202);
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

    expect(answer).toMatchObject({ statusCode: 503, body: { error: { code: 'queue_unavailable' } }, headers: { 'retry-after': expect.any(String) }, notQueued: 1 });
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
