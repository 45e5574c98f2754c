/**
 * A pure simulator of one order's workflow: it plays the state machine of lib/order-workflow.ts
 * (the same states, Catch routes and deadlines) with the lifecycle decisions the functions ask
 * (plannedEmails, decideAwait, waitSeconds), on a simulated clock that jumps to the next event
 * arrival or waiting-state deadline. What it records (every email with the state it was sent
 * in, every promise ever in force) is what the timeline properties are asserted over.
 *
 * Faithful where it matters to the policy: a waiting state's deadline is fixed when it is
 * entered (a Task timeout), every event wakes the waiting state (the router), a waiting state
 * is settled at once on entry if due (the await function), a send plans with the ledger as it
 * grows. Not modelled: SES faults and unsettled claims (the integration and resilience tests
 * cover those), continue-as-new (instead, the number of state entries is reported).
 */
import { foldOrder, type OrderState } from '../../functions/domain/order-state.js';
import { orderIdOf, type DomainEvent } from '../../functions/domain/events.js';
import {
  assumedDeliveryAt,
  decideAwait,
  plannedEmails,
  promiseInForce,
  waitSeconds,
  type AwaitPhase,
  type DecisionContext,
  type EmailKind,
  type LedgerEntry,
  type PromiseInForce,
} from '../../functions/domain/lifecycle.js';
import { UPDATE_KINDS, type DelayNoticeInfo } from '../../functions/domain/email/context.js';
import type { StoreConfig } from '../../functions/domain/store-config.js';

/** Something that reaches the product at `arriveAt` (epoch ms). */
export type Happening =
  | { kind: 'event'; arriveAt: number; event: DomainEvent }
  /** The shopper clicks a star (the pages record it and wake the order). */
  | { kind: 'feedback'; arriveAt: number; rating: number }
  | { kind: 'unsubscribe'; arriveAt: number }
  /** A bounce or complaint suppresses the address. */
  | { kind: 'bounce'; arriveAt: number };

export interface SimInput {
  config: StoreConfig;
  happenings: Happening[];
  /** The shopper rates this many hours after a feedback request reaches them. */
  feedbackAfterRequestHours?: number;
  /** Stop here at the latest (the execution's own ceiling is 180 days). */
  horizonMs?: number;
}

export interface SentEmail {
  kind: EmailKind;
  ref: string;
  at: number;
  delay?: DelayNoticeInfo;
  /** The order as known when it was sent, and the promises in force just before. */
  state: OrderState;
  inForce: PromiseInForce;
  unsubscribed: boolean;
  suppressed: boolean;
  feedbackGiven: boolean;
}

export interface SimResult {
  sent: SentEmail[];
  /** Every date ever in force (promiseInForce) up to each moment, in order of first appearance. */
  inForceSeen: Array<{ at: number; date: string }>;
  /** State entries of the execution (sends and waits). */
  steps: number;
  started?: number;
  ended?: { at: number; how: string };
  /** Readable log of what the machine did, for failure messages. */
  trace: string[];
  /** Whether the order was already cancelled when its execution started. */
  cancelledAtStart?: boolean;
  /** Whether it was already refunded in full then (it arrives closed: no receipt either). */
  refundedAtStart?: boolean;
  suppressedAtStart?: boolean;
  /** When the workflow took the order as delivered (reported or assumed), with what it knew then. */
  deliveryDecided?: { at: number; state: OrderState; assumedAt?: string; inForce: PromiseInForce };
}

type Route = 'OrderCancelled' | 'OrderClosed' | 'OrderDelayed' | 'ShipmentCreated' | 'UpdateDue' | 'States.Timeout';
/** What a send state sends: one kind, or the batch of update kinds (UPDATE_KINDS). */
type Sends = EmailKind | 'updates';

/** The states of lib/order-workflow.ts: a send (kind, the phase after it, the next state) or a wait. */
type MachineState = { send: Sends; next: AwaitPhase | 'none'; then: StateName } | { await: AwaitPhase; proceed: StateName | 'END'; catches: Partial<Record<Route, StateName | 'END'>> };
type StateName =
  | 'SendReceipt'
  | 'AwaitShipment'
  | 'SendShipmentDelayNotice'
  | 'SendShippingConfirmation'
  | 'AwaitDelivery'
  | 'SendDeliveryDelayNotice'
  | 'AwaitFeedbackWindow'
  | 'SendFeedbackRequest'
  | 'AwaitFeedback'
  | 'SendFeedbackReminder'
  | 'SendCancellation'
  | 'SendShipmentUpdates'
  | 'SendDeliveryUpdates'
  | 'SendDeliveredUpdates'
  | 'SendFeedbackWindowUpdates'
  | 'SendFeedbackUpdates';

const common = { OrderCancelled: 'SendCancellation', OrderClosed: 'END' } as const;
export const MACHINE: Record<StateName, MachineState> = {
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
  SendDeliveredUpdates: { send: 'updates', next: 'feedback_window', then: 'AwaitFeedbackWindow' },
  SendDeliveryDelayNotice: { send: 'delay_notice', next: 'delivery', then: 'AwaitDelivery' },
  AwaitFeedbackWindow: { await: 'feedback_window', proceed: 'SendFeedbackRequest', catches: { ...common, UpdateDue: 'SendFeedbackWindowUpdates', 'States.Timeout': 'SendFeedbackRequest' } },
  SendFeedbackWindowUpdates: { send: 'updates', next: 'feedback_window', then: 'AwaitFeedbackWindow' },
  SendFeedbackRequest: { send: 'feedback_request', next: 'feedback', then: 'AwaitFeedback' },
  AwaitFeedback: { await: 'feedback', proceed: 'END', catches: { ...common, UpdateDue: 'SendFeedbackUpdates', 'States.Timeout': 'SendFeedbackReminder' } },
  SendFeedbackUpdates: { send: 'updates', next: 'feedback', then: 'AwaitFeedback' },
  SendFeedbackReminder: { send: 'feedback_reminder', next: 'none', then: 'END' as StateName },
  SendCancellation: { send: 'cancellation', next: 'none', then: 'END' as StateName },
};

const EXECUTION_TIMEOUT_MS = 180 * 86_400_000;
const MAX_STEPS = 2_000;

export function simulate(input: SimInput): SimResult {
  const happenings = [...input.happenings].sort((a, b) => a.arriveAt - b.arriveAt);
  const events: DomainEvent[] = [];
  const ledger: LedgerEntry[] = [];
  let feedback: { rating: number; at: string } | undefined;
  let unsubscribed = false;
  let suppressed = false;
  const result: SimResult = { sent: [], inForceSeen: [], steps: 0, trace: [] };
  const seenDates = new Set<string>();
  const iso = (t: number) => new Date(t).toISOString();

  let now = happenings[0]?.arriveAt ?? 0;
  const horizon = input.horizonMs ?? Infinity;
  let storeId = '';
  let orderId = '';
  const ctx = (): DecisionContext => ({ state: foldOrder(storeId, orderId, events), ledger, feedback, unsubscribed, suppressed, config: input.config, now: new Date(now) });
  const notePromises = () => {
    const c = ctx();
    if (!c.state.order) return;
    const p = promiseInForce(c);
    for (const d of [p.shipBy, p.deliverBy, ...Object.values(p.shipments)]) {
      if (d && !seenDates.has(d)) {
        seenDates.add(d);
        result.inForceSeen.push({ at: now, date: d });
      }
    }
  };

  // The execution: where it is, and a waiting state's fixed deadline.
  let at: StateName | 'END' | undefined;
  let deadline = Infinity;
  let pendingFeedbackAt: number | undefined;

  const log = (line: string) => result.trace.push(`${iso(now)} ${line}`);

  /** Runs sends (and settles waits due on entry) until the machine rests in a wait or ends. */
  const run = (waitSecondsIn: number) => {
    let wait = waitSecondsIn;
    while (at && at !== 'END') {
      if (++result.steps > MAX_STEPS) {
        log(`stopped after ${MAX_STEPS} state entries`);
        at = 'END';
        result.ended = { at: now, how: 'too many steps' };
        return;
      }
      const state = MACHINE[at];
      if ('send' in state) {
        notePromises();
        // A batch plans each update kind with the ledger as it grows, as notify does.
        const kinds = state.send === 'updates' ? UPDATE_KINDS : [state.send];
        for (const planned of kinds.flatMap((kind) => plannedEmails(kind, ctx()))) {
          const before = ctx();
          const entry: LedgerEntry = {
            kind: planned.kind,
            ref: planned.ref,
            status: 'sent',
            claimId: `sim-${result.sent.length}`,
            claimedAt: iso(now),
            sentAt: iso(now),
            messageId: `m-${result.sent.length}`,
            // As notify records it.
            ...(planned.tracking ? { tracking: planned.tracking } : {}),
            ...(planned.delay ? { missedPromise: planned.delay.missedPromise, newEstimate: planned.delay.newEstimate, what: planned.delay.what, shipmentIds: planned.delay.shipmentIds, reported: planned.delay.reported } : {}),
          };
          result.sent.push({
            kind: planned.kind,
            ref: planned.ref,
            at: now,
            delay: planned.delay,
            state: before.state,
            inForce: before.state.order ? promiseInForce(before) : { shipments: {} },
            unsubscribed,
            suppressed,
            feedbackGiven: !!feedback,
          });
          ledger.push(entry);
          log(`sent ${planned.kind}/${planned.ref}${planned.delay ? ` (missed ${planned.delay.missedPromise}, new ${planned.delay.newEstimate})` : ''}`);
          if (planned.kind === 'feedback_request' && input.feedbackAfterRequestHours !== undefined) pendingFeedbackAt = now + input.feedbackAfterRequestHours * 3_600_000;
        }
        notePromises();
        wait = waitSeconds(state.next, ctx());
        at = state.then;
        continue;
      }
      // Entering a waiting state: its Task timeout is fixed now; the await function settles it at once if due.
      deadline = now + wait * 1000;
      log(`${at}: waits until ${iso(deadline)}`);
      // Moving on from here runs the rest of the machine itself.
      settle();
      return;
    }
    if (at === 'END' && !result.ended) result.ended = { at: now, how: 'ended' };
  };

  /** A waiting state asks decideAwait (on entry, on an event); true if it moved on. */
  const settle = (): boolean => {
    if (!at || at === 'END') return false;
    const state = MACHINE[at];
    if (!('await' in state)) return false;
    const c = { ...ctx(), waitDeadline: iso(deadline) };
    const decision = decideAwait(state.await, c);
    if (decision.action === 'wait') return false;
    if (decision.action === 'proceed') {
      log(`${at}: proceeds`);
      if (state.await === 'delivery' && !result.deliveryDecided) {
        // The moment the product says delivery was assumed, and the promises as reported by then.
        const assumedAt = assumedDeliveryAt(c);
        const knownThen = assumedAt ? { ...c, state: { ...c.state, delays: c.state.delays.filter((d) => Date.parse(d.at) <= Date.parse(assumedAt)) } } : c;
        result.deliveryDecided = { at: now, state: c.state, assumedAt, inForce: promiseInForce(knownThen) };
      }
      at = state.proceed;
      const w = decision.next === 'none' ? 0 : waitSeconds(decision.next, c);
      run(w);
      return true;
    }
    log(`${at}: ${decision.error}`);
    at = state.catches[decision.error] ?? 'END';
    run(0);
    return true;
  };

  const timeout = () => {
    if (!at || at === 'END') return;
    const state = MACHINE[at];
    if (!('await' in state)) return;
    log(`${at}: deadline`);
    at = state.catches['States.Timeout'] ?? 'END';
    run(0);
  };

  const arrive = (h: Happening) => {
    switch (h.kind) {
      case 'event': {
        const e = h.event;
        if (!storeId) {
          storeId = e.store;
          orderId = orderIdOf(e);
        }
        // Duplicates are dropped by event id at ingest; the fold deduplicates too.
        if (!events.some((x) => x.eventId === e.eventId)) events.push(e);
        const about = 'shipment' in e.data ? e.data.shipment.shipmentId : 'shipmentId' in e.data ? e.data.shipmentId : undefined;
        const status = e.type === 'shipment.updated' ? ` ${e.data.status ?? 'tracking'}` : '';
        log(`arrives ${e.type}${about ? ` ${about}` : ''}${status} (happened ${e.occurredAt})`);
        if (e.type === 'order.placed' && at === undefined) {
          result.started = now;
          result.cancelledAtStart = !!ctx().state.cancelled;
          result.refundedAtStart = ctx().state.refunded === 'full';
          result.suppressedAtStart = suppressed;
          at = 'SendReceipt';
          run(0);
          return;
        }
        break;
      }
      case 'feedback':
        feedback ??= { rating: h.rating, at: iso(now) };
        log('feedback given');
        break;
      case 'unsubscribe':
        unsubscribed = true;
        log('unsubscribed');
        break;
      case 'bounce':
        suppressed = true;
        log('address suppressed');
        break;
    }
    notePromises();
    settle();
  };

  let i = 0;
  for (;;) {
    const nextArrival = Math.min(happenings[i]?.arriveAt ?? Infinity, pendingFeedbackAt ?? Infinity);
    const waiting = at && at !== 'END' ? deadline : Infinity;
    const ceiling = result.started !== undefined ? Math.min(horizon, result.started + EXECUTION_TIMEOUT_MS) : horizon;
    const next = Math.min(nextArrival, waiting);
    if (next === Infinity || next > ceiling) break;
    now = Math.max(now, next);
    if (nextArrival <= waiting) {
      if (pendingFeedbackAt !== undefined && pendingFeedbackAt <= (happenings[i]?.arriveAt ?? Infinity)) {
        pendingFeedbackAt = undefined;
        arrive({ kind: 'feedback', arriveAt: now, rating: 5 });
      } else arrive(happenings[i++]!);
    } else timeout();
    if (result.steps > MAX_STEPS) break;
  }
  return result;
}
