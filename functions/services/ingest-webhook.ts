/**
 * The webhook endpoint's core: authenticate and validate (parseWebhook), store every event
 * durably and once (a conditional put keyed by its business id), then enqueue for routing.
 * 2xx only after the store; a failed enqueue answers 503 so the platform retries, and the
 * retry re-enqueues the stored-but-unrouted event.
 */
import { orderIdOf, type DomainEvent } from '../domain/events.js';
import { parseWebhook } from '../domain/webhooks/parse-webhook.js';
import type { WebhookDeps } from '../domain/webhooks/parse-webhook.js';
import type { OrderStore } from '../adapters/order-store.js';
import type { StoreSetup } from '../domain/webhooks/unknown-store.js';

export interface IngestDeps {
  orders: OrderStore;
  enqueue: (events: DomainEvent[]) => Promise<void>;
  secretsFor: WebhookDeps['secretsFor'];
  now: () => Date;
  maxBytes?: number;
  /** Where the service runs: decides the how-to-add hint of an unknown_store answer. */
  storeSetup?: StoreSetup;
}

export interface HttpAnswer {
  statusCode: number;
  body: Record<string, unknown>;
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
      if (!stored.routed) toRoute.push(event);
    }
  }
  if (toRoute.length > 0) {
    try {
      await deps.enqueue(toRoute);
    } catch {
      return { statusCode: 503, body: { error: { code: 'enqueue_failed', message: 'Stored but not yet queued; retry the delivery.' } } };
    }
  }
  const allDuplicates = duplicates === parsed.events.length;
  return {
    statusCode: allDuplicates ? 200 : 202,
    body: { status: allDuplicates ? 'duplicate' : 'accepted', events: parsed.events.map((e) => e.eventId) },
  };
}
