/**
 * The order's lifecycle as a table of states, and one step of walking it, pure. The states are
 * those of lib/order-workflow.ts: a *send* state sends one kind of email (or the batch of update
 * kinds) and enters the state after it; a *wait* state asks decideAwait what to do and, when
 * nothing happened yet, rests until its deadline, fixed when it was entered, routes it on.
 *
 * The timeline simulator (tests/support/timeline-sim.ts) walks this same table, so the property
 * suites check the lifecycle as the product walks it.
 */
import * as z from 'zod';
import { decideAwait, MIN_WAIT_SECONDS, phaseDeadline, type AwaitDecision, type AwaitPhase, type DecisionContext, type EmailKind } from './lifecycle.js';

export const stateNameSchema = z.enum([
  'SendReceipt',
  'AwaitShipment',
  'SendShipmentDelayNotice',
  'SendShippingConfirmation',
  'AwaitDelivery',
  'SendDeliveryDelayNotice',
  'AwaitFeedbackWindow',
  'SendFeedbackRequest',
  'AwaitFeedback',
  'SendFeedbackReminder',
  'SendCancellation',
  'SendShipmentUpdates',
  'SendDeliveryUpdates',
  'SendDeliveredUpdates',
  'SendFeedbackWindowUpdates',
  'SendFeedbackUpdates',
]);
export type StateName = z.infer<typeof stateNameSchema>;

/** Where an order's walk is: a state, or at its end (nothing more will be sent). */
export type Place = StateName | 'END';

/** What routes a wait elsewhere: an interrupting decision, or its deadline passing. */
export type Route = Extract<AwaitDecision, { action: 'interrupt' }>['error'] | 'States.Timeout';

/** What a send state sends: one kind, or the batch of update kinds (UPDATE_KINDS). */
export type Sends = EmailKind | 'updates';

/** A send state: what it sends, the phase of the wait after it (its deadline), the state after it. */
export interface SendState {
  readonly send: Sends;
  readonly next: AwaitPhase | 'none';
  readonly then: Place;
}

/** A wait state: its phase, where a proceed goes, where each route goes (absent: the end). */
export interface WaitState {
  readonly await: AwaitPhase;
  readonly proceed: Place;
  readonly catches: Partial<Record<Route, Place>>;
}

export type MachineState = SendState | WaitState;

const common = { OrderCancelled: 'SendCancellation', OrderClosed: 'END' } as const;

/** The lifecycle, state by state; the happy path reads down the keys that have no route in. */
export const MACHINE: Readonly<Record<StateName, MachineState>> = {
  SendReceipt: { send: 'receipt', next: 'shipment', then: 'AwaitShipment' },
  AwaitShipment: {
    await: 'shipment',
    proceed: 'SendShippingConfirmation',
    catches: { ...common, UpdateDue: 'SendShipmentUpdates', OrderDelayed: 'SendShipmentDelayNotice', 'States.Timeout': 'SendShipmentDelayNotice' },
  },
  SendShipmentUpdates: { send: 'updates', next: 'shipment', then: 'AwaitShipment' },
  SendShipmentDelayNotice: { send: 'delay_notice', next: 'shipment', then: 'AwaitShipment' },
  SendShippingConfirmation: { send: 'shipping_confirmation', next: 'delivery', then: 'AwaitDelivery' },
  AwaitDelivery: {
    await: 'delivery',
    proceed: 'SendDeliveredUpdates',
    catches: { ...common, ShipmentCreated: 'SendShippingConfirmation', UpdateDue: 'SendDeliveryUpdates', OrderDelayed: 'SendDeliveryDelayNotice', 'States.Timeout': 'SendDeliveryDelayNotice' },
  },
  SendDeliveryUpdates: { send: 'updates', next: 'delivery', then: 'AwaitDelivery' },
  // Delivery moves the order on through this state: the delivered email is one step, not two.
  SendDeliveredUpdates: { send: 'updates', next: 'feedback_window', then: 'AwaitFeedbackWindow' },
  SendDeliveryDelayNotice: { send: 'delay_notice', next: 'delivery', then: 'AwaitDelivery' },
  AwaitFeedbackWindow: { await: 'feedback_window', proceed: 'SendFeedbackRequest', catches: { ...common, UpdateDue: 'SendFeedbackWindowUpdates', 'States.Timeout': 'SendFeedbackRequest' } },
  SendFeedbackWindowUpdates: { send: 'updates', next: 'feedback_window', then: 'AwaitFeedbackWindow' },
  SendFeedbackRequest: { send: 'feedback_request', next: 'feedback', then: 'AwaitFeedback' },
  AwaitFeedback: { await: 'feedback', proceed: 'END', catches: { ...common, UpdateDue: 'SendFeedbackUpdates', 'States.Timeout': 'SendFeedbackReminder' } },
  SendFeedbackUpdates: { send: 'updates', next: 'feedback', then: 'AwaitFeedback' },
  SendFeedbackReminder: { send: 'feedback_reminder', next: 'none', then: 'END' },
  SendCancellation: { send: 'cancellation', next: 'none', then: 'END' },
};

export const isSendState = (s: MachineState): s is SendState => 'send' in s;

export const positionSchema = z.object({
  state: z.union([stateNameSchema, z.literal('END')]),
  /** A wait's deadline, fixed when it was entered; absent: nothing is scheduled, only events move it. */
  deadline: z.string().optional(),
  /** States entered so far: bounded work per order (the timeline invariants check it). */
  steps: z.number().int().nonnegative(),
});
/** Where an order rests in its lifecycle. */
export type Position = z.infer<typeof positionSchema>;

/** Where every order starts: its receipt is the first thing sent. */
export const START: Position = { state: 'SendReceipt', steps: 1 };

/** A wait with no deadline is as far from one as a date can be (a deferred update re-arms it). */
const NO_DEADLINE = new Date(8.64e15).toISOString();

/** One step of a walk from a position. */
export type WalkStep =
  /** At a send state: send what it sends (with the ledger), then `afterSend`. */
  | { kind: 'send'; state: StateName; sends: Sends }
  /** A wait was left: on a decision (`proceed` or a route) or by its deadline (`States.Timeout`). */
  | { kind: 'move'; from: StateName; to: Position; cause: 'proceed' | Route }
  /** A wait that nothing moves yet: it rests (at `position`) until its deadline or the next event. */
  | { kind: 'rest'; position: Position }
  | { kind: 'end' };

const enter = (state: Place, steps: number, deadline?: string): Position => ({ state, steps: state === 'END' ? steps : steps + 1, ...(deadline ? { deadline } : {}) });

/**
 * The step to take now. A wait asks decideAwait first, and only when that says wait does a
 * passed deadline route it (its `States.Timeout`): a wake that comes late (a timer fires within
 * a minute or so) still sees what happened meanwhile.
 */
export function walkStep(pos: Position, ctx: DecisionContext): WalkStep {
  if (pos.state === 'END') return { kind: 'end' };
  const state = MACHINE[pos.state];
  if (isSendState(state)) return { kind: 'send', state: pos.state, sends: state.send };
  const decision = decideAwait(state.await, { ...ctx, waitDeadline: pos.deadline ?? NO_DEADLINE });
  if (decision.action === 'proceed') return { kind: 'move', from: pos.state, to: enter(state.proceed, pos.steps), cause: 'proceed' };
  if (decision.action === 'interrupt') return { kind: 'move', from: pos.state, to: enter(state.catches[decision.error] ?? 'END', pos.steps), cause: decision.error };
  if (pos.deadline && ctx.now.getTime() >= Date.parse(pos.deadline)) return { kind: 'move', from: pos.state, to: enter(state.catches['States.Timeout'] ?? 'END', pos.steps), cause: 'States.Timeout' };
  if (pos.deadline) return { kind: 'rest', position: pos };
  // Entered with nothing scheduled: an event may have scheduled something since (a parcel's
  // first report, say); without this the wait would rest until some other event came.
  const deadline = deadlineOf(state.await, ctx);
  return { kind: 'rest', position: deadline ? { ...pos, deadline } : pos };
}

/**
 * The deadline of a wait entered now (ctx: the order as it stands after the send). Never sooner
 * than MIN_WAIT_SECONDS: a deadline already passed that decides nothing would loop at once.
 */
export function deadlineOf(phase: AwaitPhase, ctx: DecisionContext): string | undefined {
  const deadline = phaseDeadline(phase, ctx);
  if (!deadline) return undefined;
  // Whole seconds from now, as a Task timeout counted them.
  const seconds = Math.max(MIN_WAIT_SECONDS, Math.ceil((Date.parse(deadline) - ctx.now.getTime()) / 1000));
  return new Date(ctx.now.getTime() + seconds * 1000).toISOString();
}

/** The position after a send state has sent (ctx: the order with the ledger as the send left it). */
export function afterSend(pos: Position, ctx: DecisionContext): Position {
  if (pos.state === 'END') return pos;
  const state = MACHINE[pos.state];
  if (!isSendState(state)) throw new Error(`afterSend at ${pos.state}, which is a wait, not a send state`);
  return enter(state.then, pos.steps, state.next === 'none' ? undefined : deadlineOf(state.next, ctx));
}

/** One move of an order's walk, kept on its position for ops (no personal data). */
export const transitionSchema = z.object({
  at: z.string(),
  from: z.union([stateNameSchema, z.literal('END')]),
  to: z.union([stateNameSchema, z.literal('END')]),
  /** What moved it: a wait's decision or route, or the count of emails a send state sent. */
  cause: z.string().optional(),
  sent: z.number().int().optional(),
});
export type Transition = z.infer<typeof transitionSchema>;

/** How many transitions a position keeps: enough for ops to read the last weeks of an order. */
export const HISTORY_CAP = 30;

/** The history with `t` added, the oldest dropped past the cap. */
export const withTransition = (history: readonly Transition[], t: Transition): Transition[] => [...history, t].slice(-HISTORY_CAP);

/** A position in words for ops: where the walk rests and until when (no personal data). */
export function describePosition(pos: Pick<Position, 'state' | 'deadline'> | undefined): string {
  if (!pos) return 'not started (no order placed yet)';
  if (pos.state === 'END') return 'ended: nothing more will be sent';
  const until = pos.deadline ? `until ${pos.deadline}` : 'with nothing scheduled (an event moves it)';
  return MACHINE[pos.state] && isSendState(MACHINE[pos.state]) ? `at ${pos.state}, back ${until} (an earlier attempt's outcome is being settled)` : `waiting in ${pos.state} ${until}`;
}
