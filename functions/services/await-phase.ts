/**
 * Registers a waiting state's task token and settles it at once if what it waits for has
 * already happened (a shipment reported before the workflow got here moves it on at once).
 * Register first, then read: together with the router's "write event, then read the
 * registration", at least one of the two always sees the other.
 */
import * as z from 'zod';
import { awaitPhaseSchema } from '../domain/lifecycle.js';
import { generationOf, type WorkflowClient } from '../adapters/workflow-client.js';
import { settleIfDue, type SignalDeps, type SignalOutcome } from './signal.js';
import type { LoadedOrder } from '../adapters/order-store.js';

export const awaitInputSchema = z.object({
  phase: awaitPhaseSchema,
  taskToken: z.string().min(1),
  order: z.object({ store: z.string().min(1), orderId: z.string().min(1) }),
  steps: z.number().int().min(0).default(0),
  execution: z.string().optional(),
  /** The deadline the state machine gave this wait (`$.Payload.wait`). */
  wait: z.object({ seconds: z.number().min(0) }).optional(),
});
export type AwaitInput = z.input<typeof awaitInputSchema>;

export interface AwaitDeps extends SignalDeps {
  workflow: WorkflowClient;
  /** Loops through delay notices and shipments after which a fresh execution takes over. */
  maxStepsPerExecution: number;
  /**
   * Called when the order enters its feedback window: it is delivered (reported or assumed) and
   * neither cancelled nor refunded in full. Credits a referral; must be idempotent (a retried or
   * re-entered phase calls it again). @default none
   */
  onDelivered?: (loaded: LoadedOrder) => Promise<void>;
}

export async function awaitPhase(rawInput: AwaitInput, deps: AwaitDeps): Promise<SignalOutcome | 'continued'> {
  const input = awaitInputSchema.parse(rawInput);
  const { store, orderId } = input.order;
  if (input.steps >= deps.maxStepsPerExecution) {
    // Far below the 25,000-event history limit: hand over to a new execution. The ledger
    // makes it skip everything already sent and wait where this one waited.
    await deps.workflow.start(store, orderId, generationOf(input.execution) + 1);
    await deps.workflow.fail(input.taskToken, 'ContinuedAsNew', `after ${input.steps} steps`);
    return 'continued';
  }
  await deps.orders.putAwait(store, orderId, {
    token: input.taskToken,
    phase: input.phase,
    execution: input.execution,
    registeredAt: deps.clock.now().toISOString(),
    steps: input.steps,
    ...(input.wait ? { deadline: new Date(deps.clock.now().getTime() + input.wait.seconds * 1000).toISOString() } : {}),
  });
  const loaded = await deps.orders.load(store, orderId);
  const { state } = loaded;
  if (input.phase === 'feedback_window' && deps.onDelivered && state.order && !state.cancelled && state.refunded !== 'full') await deps.onDelivered(loaded);
  return settleIfDue(deps, loaded);
}
