/**
 * Waking an order: whoever learns it may have something to do (the router after each event, the
 * timers poller for each due timer, the pages after feedback) starts a step execution
 * (functions/services/step.ts), which walks from the position stored on the order.
 *
 * Only the poller's wake takes a lease first. It is conditional on the timer the poller found, so
 * of two poller runs that read the same timer one wakes it, and it leaves that timer due, so a
 * walk that dies is woken again once the lease (LEASE_MS) is over. Every other wake starts without writing
 * anything: what woke it is already stored (the router stores an event before its wake; the
 * pages store the feedback), and each walk loads the order when it starts, so it sees it; two
 * walks at once are safe (the position write is conditional on the version each loaded, and the
 * loser walks again). What brings back a walk of such a wake that failed or died:
 * - a start that failed: the router's message is not acknowledged (SQS delivers it again); a
 *   signal's feedback or stop is seen by the walk its order's timer wakes;
 * - an execution that failed past its retries: the machine's `Lease` state (lib/order-workflow.ts)
 *   takes the lease then, and the poller wakes the order once it ends;
 * - an execution that died: Express runs an asynchronous execution at least once.
 * That leaves a wake's position writes at one (the walk's), where a lease before every wake
 * made three (issue 15, docs/BENCHMARKS.md); the poller's lease is one item write, no index write.
 */
import type { OrderStore } from '../adapters/order-store.js';
import type { WorkflowClient } from '../adapters/workflow-client.js';
import { checkpoint as hostCheckpoint, type CheckpointDetail, type StepBoundary } from '../adapters/host-hooks.js';

/** A lease: longer than an Express execution may run (5 minutes), so a live one records its own due time first. */
export const LEASE_MS = 5 * 60_000;

export interface WakeDeps {
  orders: Pick<OrderStore, 'leaseTimer'>;
  workflow: Pick<WorkflowClient, 'startStep'>;
  /** @default the host hook */
  checkpoint?: (step: StepBoundary, detail: CheckpointDetail) => Promise<void>;
}

/** `taken`: the poller's wake found its timer moved (another run woke the order, or its walk moved on). */
export type WakeOutcome = 'started' | 'taken';

/**
 * Starts the order's step. `ifTimerSk`: the poller's wake of that timer, leased first and only
 * while it is still the one set.
 */
export async function wake(deps: WakeDeps, store: string, orderId: string, cause: string, options: { ifTimerSk?: string; eventType?: string } = {}): Promise<WakeOutcome> {
  let version: number | undefined;
  if (options.ifTimerSk !== undefined) {
    version = await deps.orders.leaseTimer(store, orderId, LEASE_MS, options.ifTimerSk);
    if (version === undefined) return 'taken';
  }
  await (deps.checkpoint ?? hostCheckpoint)('wake.beforeStart', { store, orderId, ...(options.eventType ? { eventType: options.eventType } : {}) });
  await deps.workflow.startStep(store, orderId, version, cause);
  return 'started';
}
