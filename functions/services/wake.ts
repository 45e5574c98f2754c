/**
 * Waking an order: whoever learns it may have something to do (the router after each event, the
 * timers poller for each due timer, the pages after feedback) leases it and starts a step
 * execution (functions/services/step.ts). Lease first, start after: the lease makes the order
 * due within LEASE_MS, so if the start fails or the execution dies, the timers poller wakes it
 * again then. Nothing is lost between the two, and a wake too many walks to where it rests.
 */
import type { OrderStore } from '../adapters/order-store.js';
import type { WorkflowClient } from '../adapters/workflow-client.js';
import { checkpoint as hostCheckpoint, type CheckpointDetail, type StepBoundary } from '../adapters/host-hooks.js';

/** A wake's lease: longer than an Express execution may run (5 minutes), so a live one records its own due time first. */
export const LEASE_MS = 5 * 60_000;

export interface WakeDeps {
  orders: Pick<OrderStore, 'lease'>;
  workflow: Pick<WorkflowClient, 'startStep'>;
  /** @default the host hook */
  checkpoint?: (step: StepBoundary, detail: CheckpointDetail) => Promise<void>;
}

export type WakeOutcome = 'started' | 'not-placed' | 'taken';

/**
 * Leases the order and starts its step. `create`: the order was just placed (its position starts
 * at the receipt). `ifTimerSk`: the poller's wake of that timer, only while it is still the one set.
 */
export async function wake(deps: WakeDeps, store: string, orderId: string, cause: string, options: { create?: boolean; ifTimerSk?: string; eventType?: string } = {}): Promise<WakeOutcome> {
  const version = await deps.orders.lease(store, orderId, LEASE_MS, options);
  if (version === undefined) return options.ifTimerSk !== undefined ? 'taken' : 'not-placed';
  await (deps.checkpoint ?? hostCheckpoint)('wake.afterLease', { store, orderId, ...(options.eventType ? { eventType: options.eventType } : {}) });
  await deps.workflow.startStep(store, orderId, version, cause);
  return 'started';
}
