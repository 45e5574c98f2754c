/**
 * Slots a host process can fill for every handler it runs. The local runtime fills them: a
 * virtual clock (tests move it), and fault checkpoints at the named step boundaries of the
 * email path (the fault-injection suite crashes there). Lambda fills none, so on AWS the clock
 * is the system clock and every checkpoint is a no-op. Handlers never import the host: it
 * reaches them only through these process-wide slots.
 */

/** The step boundaries of the email path, named `function.step`; see README "The exactly-once guarantee". */
export const STEP_BOUNDARIES = [
  /** ingest: the webhook is authenticated and parsed; nothing is queued or stored yet. */
  'ingest.beforeEnqueue',
  /** ingest: SQS accepted the new events; they are not yet stored (the router stores what it finds missing). */
  'ingest.afterEnqueue',
  /** router: a queued event is about to start or signal its order's execution. */
  'router.beforeRoute',
  /** router: the execution was started or signalled; the message is not yet acknowledged. */
  'router.afterRoute',
  /** notify: the ledger claim is written; SES has not been called. */
  'notify.afterClaim',
  /** notify: SES accepted the email and answered its message id, which is not yet recorded. */
  'notify.beforeRecord',
  /** notify: the message id is recorded; the invocation has not returned. */
  'notify.afterRecord',
  /** step: the walk sent (or rested, or ended) and has not yet recorded its position; `kinds`: what it sent. */
  'step.beforePosition',
  /** wake: its step execution is about to start (the poller's wake: its lease is written, the order due within it). */
  'wake.beforeStart',
  /** ses-events: SES's Send event is about to settle its ledger claim (its delivery is retried until it succeeds). */
  'sesEvents.beforeSettle',
  /** a participation email (review reward, reply, alerts; functions/services/participation.ts): claimed, SES not called. */
  'participation.afterClaim',
] as const;
export type StepBoundary = (typeof STEP_BOUNDARIES)[number];

/** What a checkpoint knows about where it is: enough for a fault plan to pick one email or order. */
export interface CheckpointDetail {
  kind?: string;
  /** Every kind sent before this boundary (a step's walk may send several before it records its position). */
  kinds?: readonly string[];
  ref?: string;
  store?: string;
  orderId?: string;
  eventType?: string;
}

export type CheckpointHook = (step: StepBoundary, detail: CheckpointDetail) => void | Promise<void>;

const CLOCK = Symbol.for('postpurchase.host.clock');
const CHECKPOINT = Symbol.for('postpurchase.host.checkpoint');
type Slots = { [CLOCK]?: () => number; [CHECKPOINT]?: CheckpointHook };
const slots = globalThis as Slots;

/** Fills (or, with undefined, empties) the clock slot: epoch milliseconds of the host's virtual now. */
export function installHostClock(now: (() => number) | undefined): void {
  slots[CLOCK] = now;
}

/** The host's virtual now in epoch ms, if a host installed a clock. */
export function hostNow(): number | undefined {
  return slots[CLOCK]?.();
}

/** Fills (or empties) the checkpoint slot. */
export function installCheckpointHook(hook: CheckpointHook | undefined): void {
  slots[CHECKPOINT] = hook;
}

/**
 * Marks a step boundary. Resolves at once unless a host hook decides otherwise: it may throw
 * (the invocation dies here) or never resolve (the process is gone).
 */
export async function checkpoint(step: StepBoundary, detail: CheckpointDetail = {}): Promise<void> {
  const hook = slots[CHECKPOINT];
  if (hook) await hook(step, detail);
}
