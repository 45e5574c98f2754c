/**
 * Ingest's order of work with a fake order store and queue that record every call: queue the
 * event, then store it, with no look-up before. A duplicate is queued again (routing absorbs
 * it) and answered 200 duplicate by the put's failed condition; a refused send stores nothing.
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

/** A store and a queue that log what is asked of them, in order. */
function recording({ refuse = false, putFails = false }: { refuse?: boolean; putFails?: boolean } = {}) {
  const calls: string[] = [];
  const stored = new Map<string, DomainEvent>();
  const queued: DomainEvent[] = [];
  const orders = {
    putEvent: async (event: DomainEvent) => {
      calls.push(`put ${event.eventId}`);
      if (putFails) throw new Error('throttled');
      if (stored.has(event.eventId)) return 'duplicate' as const;
      stored.set(event.eventId, event);
      return 'new' as const;
    },
    markQueued: async () => void calls.push('markQueued'),
  } as unknown as OrderStore;
  const deps: IngestDeps = {
    orders,
    enqueue: async (events) => {
      calls.push(`send ${events.map((e) => e.eventId).join(',')}`);
      if (refuse) throw new Error('the queue refused');
      queued.push(...events);
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
    expect(r.calls).toEqual([`send ${ID}`, `put ${ID}`]);
    expect(r.queued).toHaveLength(2);
    expect(r.stored.get(ID)).toBe(item);
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
