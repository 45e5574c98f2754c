/**
 * The webhook endpoint's core: authenticate and validate (parseWebhook), then enqueue first and
 * store after.
 *
 * 1. Each event is looked up (an eventually consistent GetItem): a stored event was always
 *    queued before it was stored, so SQS owns its delivery (retries, then the dead-letter
 *    queue), and a duplicate queues nothing. A dead-lettered event is replayed from the
 *    dead-letter queue, not by a redelivered webhook.
 * 2. The new events are sent to SQS, each message the whole event. A refused send stores
 *    nothing and answers 503 (`queue_unavailable`, with Retry-After): the platform retries.
 * 3. Then each is stored, conditional on its key. A failed condition means it is stored already
 *    (a concurrent delivery, or the router was first). Any other failure still answers 2xx: the
 *    message is queued, and the router stores an event it finds missing (route-event.ts).
 *
 * So 2xx means queued, and stored or to be stored by the router; an invocation that dies between
 * the send and the put gives no 2xx, and the router still stores and routes the event, whether
 * or not the platform retries.
 */
import { orderIdOf, type DomainEvent } from '../domain/events.js';
import { parseWebhook } from '../domain/webhooks/parse-webhook.js';
import type { WebhookDeps } from '../domain/webhooks/parse-webhook.js';
import type { OrderStore } from '../adapters/order-store.js';
import type { Enqueue } from '../adapters/event-queue.js';
import type { StoreSetup } from '../domain/webhooks/unknown-store.js';
import { checkpoint } from '../adapters/host-hooks.js';

export interface IngestDeps {
  orders: OrderStore;
  enqueue: Enqueue;
  secretsFor: WebhookDeps['secretsFor'];
  now: () => Date;
  maxBytes?: number;
  /** Where the service runs: decides the how-to-add hint of an unknown_store answer. */
  storeSetup?: StoreSetup;
}

export interface HttpAnswer {
  statusCode: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** New events the queue refused: nothing stored, answered 503 (for the entry's metric and log). */
  notQueued?: number;
  /** Events queued whose put failed: the router stores them (for the entry's log). */
  notStored?: number;
}

/** Seconds a platform is asked to wait before retrying a delivery the queue refused. */
export const QUEUE_RETRY_AFTER_SECONDS = 5;

export async function ingestWebhook(
  req: { source: 'shopify' | 'generic'; headers: Record<string, string | undefined>; rawBody: string },
  deps: IngestDeps,
): Promise<HttpAnswer> {
  const parsed = await parseWebhook(req, { secretsFor: deps.secretsFor, now: deps.now, maxBytes: deps.maxBytes, storeSetup: deps.storeSetup });
  if (!parsed.ok) return { statusCode: parsed.status, body: { error: parsed.error } };
  if (parsed.events.length === 0) return { statusCode: 200, body: { status: 'ignored', reason: parsed.ignored ?? 'nothing to do' } };

  const stored = await Promise.all(parsed.events.map((event) => deps.orders.hasEvent(event, orderIdOf(event))));
  const fresh: DomainEvent[] = parsed.events.filter((_, i) => !stored[i]);
  const receipt = (status: 'accepted' | 'duplicate') => ({ status, events: parsed.events.map((e) => e.eventId) });
  if (fresh.length === 0) return { statusCode: 200, body: receipt('duplicate') };

  const first = fresh[0]!;
  const where = { store: first.store, orderId: orderIdOf(first), eventType: first.type };
  await checkpoint('ingest.beforeEnqueue', where);
  try {
    await deps.enqueue(fresh);
  } catch {
    // Nothing is stored: the platform's retry finds the events new and sends them again. Any of
    // them SQS did take (an earlier batch of ten) is routed, and stored, by the router.
    return {
      statusCode: 503,
      headers: { 'retry-after': String(QUEUE_RETRY_AFTER_SECONDS) },
      body: { error: { code: 'queue_unavailable', message: 'the event queue refused the events; nothing was stored: retry the delivery' } },
      notQueued: fresh.length,
    };
  }
  await checkpoint('ingest.afterEnqueue', where);
  const puts = await Promise.allSettled(fresh.map((event) => deps.orders.putEvent(event, orderIdOf(event))));
  const notStored = puts.filter((p) => p.status === 'rejected').length;
  return { statusCode: 202, body: receipt('accepted'), ...(notStored > 0 ? { notStored } : {}) };
}
