/**
 * Waking an order from outside its events: the pages and reviews after feedback (the walk then
 * ends at once instead of at the reminder's deadline), the console after its mail was stopped.
 * The same start as the router's, without a lease (functions/services/wake.ts): what the signal
 * says is stored first, so a wake that is lost (its start failed) only leaves it to the order's
 * next timer, whose walk sees it (the reminder's deadline ends the walk without a reminder).
 */
import type { OrderStore } from '../adapters/order-store.js';
import type { WorkflowClient } from '../adapters/workflow-client.js';
import type { StoreConfig } from '../domain/store-config.js';
import type { Clock } from '../adapters/clock.js';
import { wake, type WakeOutcome } from './wake.js';

export interface SignalDeps {
  orders: OrderStore;
  workflow: WorkflowClient;
  clock: Clock;
  configFor: (store: string) => StoreConfig | undefined;
}

export type SignalOutcome = WakeOutcome;

/** Wakes the order: its next step walks from where it rests, with what it now knows. */
export async function wakeOrder(deps: SignalDeps, store: string, orderId: string, cause = 'signal'): Promise<SignalOutcome> {
  return wake(deps, store, orderId, cause);
}
