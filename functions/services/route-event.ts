/**
 * Routes one stored domain event: an order that was placed gets its execution (started by a
 * name derived from store and order id, so a repeat is a no-op); any other event wakes the
 * order's waiting state if it is now due. Events that arrive before their order are kept in
 * the order's partition; the execution reads them when it starts. An event for an order whose
 * execution has ended starts a late walk if it made an email due.
 */
import { orderIdOf, type DomainEvent } from '../domain/events.js';
import type { WorkflowClient } from '../adapters/workflow-client.js';
import { orderTallies } from '../domain/console/tallies.js';
import { anythingDue } from '../domain/lifecycle.js';
import { settleIfDue, type SignalDeps, type SignalOutcome } from './signal.js';

export interface RouteDeps extends SignalDeps {
  workflow: WorkflowClient;
}

export async function routeEvent(event: DomainEvent, deps: RouteDeps): Promise<{ started?: 'started' | 'exists'; signal: SignalOutcome }> {
  const orderId = orderIdOf(event);
  let started: 'started' | 'exists' | undefined;
  if (event.type === 'order.placed' || event.type === 'order.updated') {
    const order = event.data.order;
    await deps.orders.putLookup(event.store, orderId, order.orderName, order.customer.email, order.placedAt);
  }
  if (event.type === 'order.placed') started = await deps.workflow.start(event.store, orderId);
  const loaded = await deps.orders.load(event.store, orderId);
  const config = deps.configFor(event.store);
  // The order's execution ended (a waiting state left registered is its own, timed out): an
  // email this event made due (a refund after a late return) is sent by a late walk, named from
  // the event so a redelivery is a no-op. No waiting state and no end: the execution is between
  // states, and its next wait reads this event.
  const ended = !!loaded.walkEnded && (!loaded.awaiting || loaded.awaiting.execution === loaded.walkEnded.execution);
  let signal: SignalOutcome = 'none';
  if (!ended) signal = await settleIfDue(deps, loaded);
  else if (config && anythingDue({ ...loaded, config, now: deps.clock.now() })) started = await deps.workflow.startLate(event.store, orderId, event.eventId);
  // The console's counters of shipped, delivered and delayed orders, each milestone once.
  if (config) {
    for (const tally of orderTallies({ ...loaded, config, now: deps.clock.now() })) {
      if (!loaded.tallied.has(tally.key)) await deps.orders.stats.applyOnce(event.store, orderId, tally);
    }
  }
  await deps.orders.markRouted(event, orderId);
  return { started, signal };
}
