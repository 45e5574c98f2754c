/**
 * Routes one stored domain event: every event wakes its order (functions/services/wake.ts), which
 * leases it and starts a step execution; an order just placed gets its position at the receipt.
 * An event that comes before its order is kept in the order's partition and wakes nothing: the
 * order.placed wake walks with it. An event after the walk ended wakes it like any other: the
 * walk is at its end, and a late email is sent only through the states that send it (issue 15).
 *
 * Routing writes nothing to the event's item: once SQS accepted an event (ingest or the outbox
 * sweeper took it out of the outbox) SQS owns its delivery, retries and then the dead-letter
 * queue. An ingest that died after the send and before taking the event out leaves it in the
 * outbox, and the sweeper queues it again after its grace: routed twice, which routing absorbs
 * (a wake is a lease and a walk of the stored order, not of the message; the lookups are puts
 * and the tallies apply once; see sweep-outbox.ts).
 */
import { orderIdOf, type DomainEvent } from '../domain/events.js';
import { orderTallies } from '../domain/console/tallies.js';
import { wake, type WakeOutcome } from './wake.js';
import type { SignalDeps } from './signal.js';

export type RouteDeps = SignalDeps;

export async function routeEvent(event: DomainEvent, deps: RouteDeps): Promise<{ wake: WakeOutcome }> {
  const orderId = orderIdOf(event);
  if (event.type === 'order.placed' || event.type === 'order.updated') {
    const order = event.data.order;
    await deps.orders.putLookup(event.store, orderId, order.orderName, order.customer.email, order.placedAt);
  }
  const woken = await wake(deps, event.store, orderId, event.eventId, { create: event.type === 'order.placed', eventType: event.type });
  const config = deps.configFor(event.store);
  // The console's counters of shipped, delivered and delayed orders, each milestone once.
  if (config) {
    const loaded = await deps.orders.load(event.store, orderId);
    for (const tally of orderTallies({ ...loaded, config, now: deps.clock.now() })) {
      if (!loaded.tallied.has(tally.key)) await deps.orders.stats.applyOnce(event.store, orderId, tally);
    }
  }
  return { wake: woken };
}
