/**
 * One step of an order's walk, run by the OrderStep Express execution that a wake started
 * (functions/services/wake.ts): it walks the lifecycle (functions/domain/walk.ts) from the
 * position stored on the order until it rests in a wait or ends, sending what each send state on
 * the way sends, and records where it got to with when the order is next due (the timers index):
 * one position write per wake, however many emails the walk sent. `more`: it sent in
 * MAX_SENDING_STATES send states and stopped there, and the execution steps again (a bounded
 * Lambda call); the timer then stands at the lease, so a crash between two steps is woken.
 *
 * Safe to run twice or at once: the position is written only if nobody wrote it since it was
 * read (the poller's lease and a failed step's lease bump it too; the first, only if there is
 * none), and a walk that loses walks again from what won. A send that went out before a lost
 * write is in the ledger, which the walk again plans around. The same write counts the order's
 * milestones for the console, once each.
 *
 * An unsettled claim (an earlier attempt's outcome unknown, notify.ts) rests the walk AT its send
 * state until the claim's settle window ends; the timer brings it back, as often as needed, and
 * the take-over sends. No retry budget can run out on it.
 *
 * An order woken after its walk ended walks again from the start when the event made an email
 * due (issue 13's late walk, now ordinary): the ledger skips what was sent.
 */
import * as z from 'zod';
import { afterSend, walkStep, withTransition, type Position, type Transition } from '../domain/walk.js';
import { anythingDue, type DecisionContext, type LedgerEntry } from '../domain/lifecycle.js';
import { START } from '../domain/walk.js';
import { hasPlacedEvent } from '../domain/events.js';
import type { LoadedOrder } from '../adapters/order-ledger.js';
import { checkpoint as hostCheckpoint } from '../adapters/host-hooks.js';
import { ClaimPending, sendDue, type NotifyDeps, type NotifyOptions } from './notify.js';
import { LEASE_MS } from './wake.js';
import { earlier } from '../domain/promises.js';
import { orderTallies } from '../domain/console/tallies.js';

export const stepInputSchema = z.object({
  order: z.object({ store: z.string().min(1), orderId: z.string().min(1) }),
  /** What woke the order (an event id, a timer), for the logs. */
  cause: z.string().optional(),
  /**
   * The machine's `Lease` state, after the step failed past its retries: lease the order (due
   * within LEASE_MS, when the timers poller wakes it again) instead of walking.
   */
  lease: z.literal(true).optional(),
});
export type StepInput = z.input<typeof stepInputSchema>;

export interface StepResult {
  order: { store: string; orderId: string };
  /** It stopped after MAX_SENDING_STATES send states that sent, short of a rest: the execution steps again. */
  more: boolean;
  /** Where the walk rests or got to, and until when. */
  at: Position['state'] | 'unplaced' | 'superseded' | 'leased';
  deadline?: string;
  sent: number;
  /** It entered the feedback window (delivered, reported or assumed): the machine credits a referral. */
  delivered: boolean;
}

export interface StepDeps extends NotifyDeps {
  /**
   * Called when the order enters its feedback window (delivered, reported or assumed): credits a
   * referral; must be idempotent (a re-walk after a lost write calls it again). @default none
   */
  onDelivered?: (loaded: LoadedOrder) => Promise<void>;
  /** Each move of the walk (no personal data: states, causes, counts). */
  onTransition?: (order: { store: string; orderId: string }, t: Transition) => void;
}

/** Send states with nothing to send walked in one call at most (then the execution steps again). */
const MAX_QUIET_SENDS = 20;

/**
 * Send states that sent, walked in one call at most. A wake rarely has more than two due (a
 * shipment and its delivery posted together); each one more in the same call saves a position
 * write and its timer move. Past it the execution steps again.
 */
export const MAX_SENDING_STATES = 4;

/** A walk that keeps losing its write to newer wakes hands over to the newest one's execution. */
const MAX_REWALKS = 5;

export async function step(rawInput: StepInput, deps: StepDeps, options: NotifyOptions = {}): Promise<StepResult> {
  const input = stepInputSchema.parse(rawInput);
  if (input.lease) return leaseAfterFailure(input, deps);
  const { store, orderId } = input.order;
  const config = deps.configFor(store);
  if (!config) throw new Error(`Unknown store "${store}": add it to the STORES configuration`);
  const at = deps.checkpoint ?? hostCheckpoint;

  for (let walk = 0; walk < MAX_REWALKS; walk++) {
    const loaded = await deps.orders.load(store, orderId);
    // No position yet: the first walk of a placed order writes it (version 0: only if none was
    // written meanwhile); not placed yet (an event that came before its order), nothing to walk.
    if (!loaded.position && !hasPlacedEvent(loaded.events)) return { order: input.order, more: false, at: 'unplaced', sent: 0, delivered: false };
    const stored = loaded.position ?? { ...START, version: 0, history: [] };
    const ledger: LedgerEntry[] = [...loaded.ledger];
    const ctx = (): DecisionContext => ({ ...loaded, ledger, config, now: deps.clock.now() });
    let pos: Position = { state: stored.state, steps: stored.steps, ...(stored.deadline ? { deadline: stored.deadline } : {}) };
    let history = stored.history;
    let sent = 0;
    let more = false;
    let quiet = 0;
    let sending = 0;
    // What this walk sent, for the step boundary below (a fault plan may pick a kind there).
    const sentKinds: string[] = [];
    const walkDeps: StepDeps = { ...deps, onSent: (kind) => (sentKinds.push(kind), deps.onSent?.(kind)) };
    let delivered = false;
    const moved = (t: Omit<Transition, 'at'>) => {
      const full = { at: deps.clock.now().toISOString(), ...t };
      history = withTransition(history, full);
      deps.onTransition?.(input.order, full);
    };

    for (let first = true; ; first = false) {
      const next = walkStep(pos, ctx());
      if (next.kind === 'end') {
        // Woken after its end by an event that made an email due (a refund after a late return):
        // the walk starts over, and the ledger and the waits move it on at once past what was
        // sent, to the state that sends it. Only from a walk that was at its end when woken.
        if (first && anythingDue(ctx())) {
          moved({ from: 'END', to: START.state, cause: 'late' });
          pos = { state: START.state, steps: pos.steps + 1 };
          continue;
        }
        break;
      }
      if (next.kind === 'rest') {
        pos = next.position;
        break;
      }
      if (next.kind === 'move') {
        moved({ from: next.from, to: next.to.state, cause: next.cause });
        pos = next.to;
        continue;
      }
      let sentNow: number;
      try {
        sentNow = await sendDue(next.sends, ctx, ledger, walkDeps, options);
        sent += sentNow;
      } catch (e) {
        if (!(e instanceof ClaimPending)) throw e;
        // Back when the claim may be taken over (real time, as SES's events run), on our clock.
        const wait = Math.max(1000, e.takeOverFromMs - Date.now());
        pos = { ...pos, deadline: new Date(deps.clock.now().getTime() + wait).toISOString() };
        moved({ from: pos.state, to: pos.state, cause: 'ClaimPending' });
        break;
      }
      const after = afterSend(pos, ctx());
      moved({ from: pos.state, to: after.state, sent: sentNow });
      if (after.state === 'AwaitFeedbackWindow' && loaded.state.order && !loaded.state.cancelled && loaded.state.refunded !== 'full') {
        delivered = true;
        await deps.onDelivered?.(loaded);
      }
      pos = after;
      // The walk goes on in this same call (the ledger holds what was sent: a crash before the
      // position is written re-walks past it), up to the bounds, then the execution steps again.
      if (sentNow > 0 ? ++sending < MAX_SENDING_STATES : ++quiet < MAX_QUIET_SENDS) continue;
      more = after.state !== 'END';
      break;
    }

    await at('step.beforePosition', { store, orderId, ...(sentKinds.length ? { kinds: sentKinds } : {}) });
    // Stepping again: due at the lease's end at the latest, so an execution that dies before its
    // next step is woken by the timers poller as a wake's lease would be (functions/services/wake.ts).
    const lease = new Date(deps.clock.now().getTime() + LEASE_MS).toISOString();
    const due = more ? earlier(pos.deadline, lease) : pos.state === 'END' ? undefined : pos.deadline;
    // The console's counters of shipped, delivered and delayed orders, each milestone once: the
    // conditional position write records which it counts, then the day counters follow it (a
    // crash between the two leaves a count short, never double, as every counter's).
    const tallies = orderTallies(ctx()).filter((t) => !loaded.tallied.has(t.key));
    if (await deps.orders.savePosition(store, orderId, pos, { version: stored.version, history, due, tallied: tallies.map((t) => t.key) })) {
      for (const t of tallies) await deps.orders.stats.add(store, t.day, t.counters);
      return { order: input.order, more, at: pos.state, ...(pos.deadline ? { deadline: pos.deadline } : {}), sent, delivered };
    }
  }
  // Every walk lost to a newer wake, whose own execution walks from what it wrote.
  return { order: input.order, more: false, at: 'superseded', sent: 0, delivered: false };
}

/**
 * A step that failed past the machine's retries leaves the order leased: due within LEASE_MS, so
 * the timers poller wakes it again then, and again, as long as its walks fail (no retry budget
 * runs out). Wakes take no lease before they start (functions/services/wake.ts); this is where a
 * failed one takes it. A placed order whose first walk failed gets its position at the start;
 * an order not placed has nothing to walk.
 */
async function leaseAfterFailure(input: z.output<typeof stepInputSchema>, deps: StepDeps): Promise<StepResult> {
  const { store, orderId } = input.order;
  // No position yet: only a placed order gets one (the rare path: one read is nothing here).
  const loaded = await deps.orders.load(store, orderId, { suppression: false });
  if (!loaded.position && !hasPlacedEvent(loaded.events)) return { order: input.order, more: false, at: 'unplaced', sent: 0, delivered: false };
  await deps.orders.lease(store, orderId, LEASE_MS);
  return { order: input.order, more: false, at: 'leased', sent: 0, delivered: false };
}
