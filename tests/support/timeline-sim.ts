/**
 * A pure simulator of one order's workflow: it walks the lifecycle as the product does
 * (functions/domain/walk.ts: the same table of states, routes and deadlines, the same step) with
 * the lifecycle decisions the functions ask (plannedEmails), on a simulated clock that jumps to
 * the next event arrival or waiting-state deadline. What it records (every email with the state it was sent
 * in, every promise ever in force) is what the timeline properties are asserted over.
 *
 * Faithful where it matters to the policy: a waiting state's deadline is fixed when it is
 * entered, every event wakes the order, a waiting state is settled at once on entry if due, a
 * send plans with the ledger as it grows. Not modelled: SES faults and unsettled claims (the
 * integration and resilience tests cover those), how late a deadline's wake comes (the
 * simulated walk runs at the deadline itself); the number of state entries is reported.
 */
import { foldOrder, type OrderState } from '../../functions/domain/order-state.js';
import { orderIdOf, type DomainEvent } from '../../functions/domain/events.js';
import {
  assumedDeliveryAt,
  plannedEmails,
  promiseInForce,
  type DecisionContext,
  type EmailKind,
  type LedgerEntry,
  type PromiseInForce,
} from '../../functions/domain/lifecycle.js';
import { UPDATE_KINDS, type DelayNoticeInfo } from '../../functions/domain/email/context.js';
import type { StoreConfig } from '../../functions/domain/store-config.js';
import { afterSend, START, walkStep, type Position } from '../../functions/domain/walk.js';


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
  /** Stop here at the latest. */
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

  // The walk: where the order is (a state and, in a wait, its fixed deadline).
  let pos: Position | undefined;
  let pendingFeedbackAt: number | undefined;

  const log = (line: string) => result.trace.push(`${iso(now)} ${line}`);

  /** Walks from the position until it rests in a wait or ends, as the product's wake does. */
  const walk = () => {
    while (pos) {
      if (pos.steps > MAX_STEPS) {
        log(`stopped after ${MAX_STEPS} state entries`);
        result.ended ??= { at: now, how: 'too many steps' };
        return;
      }
      result.steps = pos.steps;
      const c = ctx();
      const step = walkStep(pos, c);
      if (step.kind === 'end') {
        result.ended ??= { at: now, how: 'ended' };
        return;
      }
      if (step.kind === 'rest') {
        if (step.position.deadline !== pos.deadline) log(`${pos.state}: waits until ${step.position.deadline}`);
        pos = step.position;
        return;
      }
      if (step.kind === 'move') {
        log(`${step.from}: ${step.cause === 'proceed' ? 'proceeds' : step.cause === 'States.Timeout' ? 'deadline' : step.cause}`);
        if (step.from === 'AwaitDelivery' && step.cause === 'proceed' && !result.deliveryDecided) {
          // The moment the product says delivery was assumed, and the promises as reported by then.
          const d = { ...c, waitDeadline: pos.deadline };
          const assumedAt = assumedDeliveryAt(d);
          const knownThen = assumedAt ? { ...d, state: { ...d.state, delays: d.state.delays.filter((x) => Date.parse(x.at) <= Date.parse(assumedAt)) } } : d;
          result.deliveryDecided = { at: now, state: d.state, assumedAt, inForce: promiseInForce(knownThen) };
        }
        pos = step.to;
        continue;
      }
      notePromises();
      // A batch plans each update kind with the ledger as it grows, as notify does.
      const kinds = step.sends === 'updates' ? UPDATE_KINDS : [step.sends];
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
      pos = afterSend(pos, ctx());
      if (pos.state !== 'END') log(`${pos.state}: ${pos.deadline ? `waits until ${pos.deadline}` : 'waits, nothing scheduled'}`);
    }
  };

  const deadline = () => (pos?.state !== 'END' && pos?.deadline ? Date.parse(pos.deadline) : Infinity);

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
        if (e.type === 'order.placed' && pos === undefined) {
          result.started = now;
          result.cancelledAtStart = !!ctx().state.cancelled;
          result.refundedAtStart = ctx().state.refunded === 'full';
          result.suppressedAtStart = suppressed;
          pos = START;
          walk();
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
    walk();
  };

  let i = 0;
  for (;;) {
    const nextArrival = Math.min(happenings[i]?.arriveAt ?? Infinity, pendingFeedbackAt ?? Infinity);
    const waiting = deadline();
    const next = Math.min(nextArrival, waiting);
    if (next === Infinity || next > horizon) break;
    now = Math.max(now, next);
    if (nextArrival <= waiting) {
      if (pendingFeedbackAt !== undefined && pendingFeedbackAt <= (happenings[i]?.arriveAt ?? Infinity)) {
        pendingFeedbackAt = undefined;
        arrive({ kind: 'feedback', arriveAt: now, rating: 5 });
      } else arrive(happenings[i++]!);
    } else walk();
    if (result.steps > MAX_STEPS || result.ended?.how === 'too many steps') break;
  }
  return result;
}
