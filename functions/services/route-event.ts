/**
 * Routes one stored domain event: every event of a placed order wakes it (functions/services/wake.ts),
 * which starts a step execution; the walk of an order just placed writes its position at the
 * receipt. An event that comes before its order is kept in the order's partition and wakes
 * nothing: the order.placed wake walks with it. An event after the walk ended wakes it like any
 * other: the walk is at its end, and a late email is sent only through the states that send it
 * (issue 15).
 *
 * The event may not be stored yet: ingest queues it first and stores it after, so a message can
 * arrive before ingest's put, or without one (the put failed, or ingest died between the send
 * and the put). So the router loads the order first (the one Query it needs anyway: is the
 * order placed?) and, if the message's event is not among its events, stores it with the same
 * conditional put (a failed condition: ingest was first) and loads again, on that rare path
 * only. The event is stored before the wake, so the step execution the wake starts, and any walk
 * that loses its position write to it and walks again, sees it. Otherwise routing writes nothing
 * to the event's item; a message routed twice (a platform's retry sent it again, SQS redelivered
 * it) is absorbed: a wake is a walk of the stored order, not of the message, and the lookups are
 * puts. The console's milestone counters are the walk's (functions/services/step.ts). The message is acknowledged only once the execution started:
 * a start that fails (throttled) is retried by SQS.
 */
import { hasPlacedEvent, orderIdOf, type DomainEvent } from '../domain/events.js';
import { wake, type WakeOutcome } from './wake.js';
import type { SignalDeps } from './signal.js';

export type RouteDeps = SignalDeps;

/** `not-placed`: the order's placed event is not stored yet (its own wake walks with this one). */
export type RouteOutcome = WakeOutcome | 'not-placed';

export async function routeEvent(event: DomainEvent, deps: RouteDeps, message: { messageId?: string } = {}): Promise<{ wake: RouteOutcome; /** The router stored the event (it was missing). */ stored?: true }> {
  const orderId = orderIdOf(event);
  // The router sends nothing: no suppression look-up.
  const load = () => deps.orders.load(event.store, orderId, { suppression: false });
  let loaded = await load();
  const missing = !loaded.events.some((e) => e.eventId === event.eventId && e.occurredAt === event.occurredAt);
  // 'new': the router stored it (ingest's put failed, or ingest died before it, or is still under way).
  // Stored with the message's id: ingest, whose put then fails its condition, tells by it that the event is its own delivery's.
  const stored: boolean = missing && (await deps.orders.putEvent(event, orderId, { queuedAs: message.messageId })) === 'new';
  if (missing) loaded = await load();
  if (event.type === 'order.placed' || event.type === 'order.updated') {
    const order = event.data.order;
    await deps.orders.putLookup(event.store, orderId, order.orderName, order.customer.email, order.placedAt);
  }
  const woken: RouteOutcome = hasPlacedEvent(loaded.events) ? await wake(deps, event.store, orderId, event.eventId, { eventType: event.type }) : 'not-placed';
  return { wake: woken, ...(stored ? { stored: true as const } : {}) };
}
