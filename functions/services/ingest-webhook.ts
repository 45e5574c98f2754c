/**
 * The webhook endpoint's core: authenticate and validate (parseWebhook), store every event
 * durably and once (a conditional put keyed by its business id, which also puts it in the
 * outbox index), then enqueue it for routing and take it out of the outbox.
 *
 * 2xx means stored, and a stored event is routed whatever happens next: if the enqueue fails,
 * or this invocation dies before or after it, the event stays in the outbox and the sweeper
 * (functions/services/sweep-outbox.ts) queues it. So a failed enqueue still answers 2xx; the
 * platform need not retry, and not every platform does.
 *
 * A duplicate is queued again only while its first copy is still in the outbox (its enqueue
 * failed, or its ingest died or is still under way): the sweeper would queue it too, and routing
 * absorbs the second copy. Once an event left the outbox SQS owns its delivery (retries, then the
 * dead-letter queue), so a duplicate of it queues nothing; a dead-lettered event is replayed from
 * the dead-letter queue, not by a redelivered webhook.
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
  /** Events stored but not queued now: the outbox sweeper queues them (for the entry's log). */
  deferred?: number;
}

export async function ingestWebhook(
  req: { source: 'shopify' | 'generic'; headers: Record<string, string | undefined>; rawBody: string },
  deps: IngestDeps,
): Promise<HttpAnswer> {
  const parsed = await parseWebhook(req, { secretsFor: deps.secretsFor, now: deps.now, maxBytes: deps.maxBytes, storeSetup: deps.storeSetup });
  if (!parsed.ok) return { statusCode: parsed.status, body: { error: parsed.error } };
  if (parsed.events.length === 0) return { statusCode: 200, body: { status: 'ignored', reason: parsed.ignored ?? 'nothing to do' } };

  const toRoute: DomainEvent[] = [];
  let duplicates = 0;
  for (const event of parsed.events) {
    const stored = await deps.orders.putEvent(event, orderIdOf(event));
    if (stored.result === 'new') toRoute.push(event);
    else {
      duplicates++;
      if (!stored.queued) toRoute.push(event);
    }
  }
  await checkpoint('ingest.afterStore', { store: parsed.events[0]!.store, orderId: orderIdOf(parsed.events[0]!), eventType: parsed.events[0]!.type });
  let deferred = 0;
  if (toRoute.length > 0) {
    try {
      await deps.enqueue(toRoute);
      // Queued: SQS owns delivery from here. If this write fails (or this invocation dies before
      // it) the events stay in the outbox and the sweeper queues them once more after its grace:
      // routed twice, which routing absorbs (a wake walks the stored order, not the message).
      await deps.orders.markQueued(toRoute).catch(() => undefined);
    } catch {
      deferred = toRoute.length;
    }
  }
  const allDuplicates = duplicates === parsed.events.length;
  return {
    statusCode: allDuplicates ? 200 : 202,
    body: { status: allDuplicates ? 'duplicate' : 'accepted', events: parsed.events.map((e) => e.eventId) },
    ...(deferred > 0 ? { deferred } : {}),
  };
}
