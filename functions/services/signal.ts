/**
 * Settling a waiting state: whoever learns something (the router after an event, the await
 * function right after registering, the pages after feedback) asks the same pure question,
 * decideAwait, and settles the token with the answer. Signal first, clear after: a crash in
 * between leaves a token that the next signaller or the deadline settles.
 */
import { decideAwait, endsWalk, waitSeconds, type DecisionContext } from '../domain/lifecycle.js';
import type { LoadedOrder, OrderStore } from '../adapters/order-store.js';
import type { WorkflowClient } from '../adapters/workflow-client.js';
import type { StoreConfig } from '../domain/store-config.js';
import type { Clock } from '../adapters/clock.js';

export interface SignalDeps {
  orders: OrderStore;
  workflow: WorkflowClient;
  clock: Clock;
  configFor: (store: string) => StoreConfig | undefined;
}

export type SignalOutcome = 'none' | 'waiting' | 'proceeded' | 'interrupted';

/** Settles the order's awaited callback if what it waits for has happened. */
export async function settleIfDue(deps: SignalDeps, loaded: LoadedOrder): Promise<SignalOutcome> {
  const awaiting = loaded.awaiting;
  if (!awaiting) return 'none';
  const config = deps.configFor(loaded.state.store);
  if (!config) return 'none';
  const ctx: DecisionContext = { ...loaded, config, now: deps.clock.now(), waitDeadline: awaiting.deadline };
  const decision = decideAwait(awaiting.phase, ctx);
  if (decision.action === 'wait') return 'waiting';
  // Before the settle: once the token is gone, whoever finds no waiting state knows the walk ended.
  if (endsWalk(decision)) await deps.orders.markWalkEnded(loaded.state.store, loaded.state.orderId, awaiting.execution);
  if (decision.action === 'proceed') {
    await deps.workflow.succeed(awaiting.token, {
      Payload: {
        order: { store: loaded.state.store, orderId: loaded.state.orderId },
        steps: awaiting.steps ?? 0,
        wait: { seconds: waitSeconds(decision.next, ctx) },
      },
    });
  } else {
    await deps.workflow.fail(awaiting.token, decision.error, `${awaiting.phase}: ${decision.error}`);
  }
  await deps.orders.clearAwait(loaded.state.store, loaded.state.orderId, awaiting.token);
  return decision.action === 'proceed' ? 'proceeded' : 'interrupted';
}

/** Re-reads the order and settles its waiting state if due. */
export async function wakeOrder(deps: SignalDeps, store: string, orderId: string): Promise<SignalOutcome> {
  const loaded = await deps.orders.load(store, orderId);
  return settleIfDue(deps, loaded);
}
