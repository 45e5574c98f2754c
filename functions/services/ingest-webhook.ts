/**
 * The webhook endpoint's core: authenticate and validate (parseWebhook), then enqueue first and
 * store after, with no look-up before: the ack path is one SQS send and one conditional put.
 *
 * 1. The events are sent to SQS, each message the whole event. A refused send stores nothing and
 *    answers 503 (`queue_unavailable`, with Retry-After): the platform retries.
 * 2. Then each is stored, conditional on its key. A failed condition means it is stored already:
 *    a duplicate (the platform delivered it again, a concurrent delivery), or the router was
 *    first: it stores an event it finds missing, with the message's id, which ingest compares
 *    with its own (one consistent read, on this path only). A delivery whose every event was
 *    stored already, none of them from its own message, answers 200 `duplicate`; its message is
 *    routed like any other and absorbed (a walk to where the order rests, route-event.ts).
 *    Any other put failure still answers 2xx: the message is queued, and the router stores an
 *    event it finds missing.
 *
 * So 2xx means queued, and stored or to be stored by the router; an invocation that dies between
 * the send and the put gives no 2xx, and the router still stores and routes the event, whether
 * or not the platform retries. A redelivered webhook queues its events again, so a platform's
 * retry also re-drives an event that was dead-lettered.
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

  const receipt = (status: 'accepted' | 'duplicate') => ({ status, events: parsed.events.map((e) => e.eventId) });
  const first = parsed.events[0]!;
  const where = { store: first.store, orderId: orderIdOf(first), eventType: first.type };
  await checkpoint('ingest.beforeEnqueue', where);
  let messageIds: readonly string[];
  try {
    messageIds = await deps.enqueue(parsed.events);
  } catch {
    // Nothing is stored: the platform's retry sends the events again. Any of them SQS did take
    // (an earlier batch of ten) is routed, and stored, by the router.
    return {
      statusCode: 503,
      headers: { 'retry-after': String(QUEUE_RETRY_AFTER_SECONDS) },
      body: { error: { code: 'queue_unavailable', message: 'the event queue refused the events; nothing was stored: retry the delivery' } },
      notQueued: parsed.events.length,
    };
  }
  await checkpoint('ingest.afterEnqueue', where);
  const puts = await Promise.allSettled(parsed.events.map((event) => deps.orders.putEvent(event, orderIdOf(event))));
  const notStored = puts.filter((p) => p.status === 'rejected').length;
  if (puts.every((p) => p.status === 'fulfilled' && p.value === 'duplicate') && !(await storedFromOwnMessage(parsed.events, messageIds, deps.orders))) {
    return { statusCode: 200, body: receipt('duplicate') };
  }
  return { statusCode: 202, body: receipt('accepted'), ...(notStored > 0 ? { notStored } : {}) };
}

/**
 * Whether the router stored one of these events from this very delivery's message before
 * ingest's put (it stores events it finds missing): a first delivery, answered 202, not a
 * duplicate. Read only when every put failed its condition; a read that fails answers as before.
 */
async function storedFromOwnMessage(events: readonly DomainEvent[], messageIds: readonly string[], orders: Pick<OrderStore, 'queuedAs'>): Promise<boolean> {
  const own = await Promise.all(
    events.map((event, i) =>
      orders.queuedAs(event, orderIdOf(event)).then(
        (id) => id !== undefined && id === messageIds[i],
        () => false,
      ),
    ),
  );
  return own.some(Boolean);
}
