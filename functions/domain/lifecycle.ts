/**
 * The lifecycle decisions, pure: given what we know of an order (its folded events, the email
 * ledger, feedback, suppression) and the time, what is due to be sent, and what a waiting state
 * should do. The notify and await functions, the router and the pages all ask these same
 * questions, so they always agree.
 */
import * as z from 'zod';
import { isFullyShipped, isPickupShipment, type OrderEdit, type OrderState, type RefundRecord, type ShipmentState } from './order-state.js';
import { addDaysIso, earlier } from './promises.js';
import { kindEnabled, type StoreConfig } from './store-config.js';
import { EMAIL_KINDS, KIND_SPECS, NON_ESSENTIAL_KINDS, UPDATE_KINDS, type EmailKind } from './email/context.js';
import { deferredUpdateAt, dueUpdates, plannedUpdates, trackingFingerprint } from './updates.js';
import {
  assumedDeliveryAt,
  deliveredAt,
  dueDelayNotice,
  earliestAssumedDeliveryAt,
  feedbackRequestAt,
  inQuietHours,
  nextDelayNoticeAt,
  outOfQuietHours,
  type DelayNotice,
} from './policy.js';

export type { EmailKind };

export const emailKindSchema = z.enum(EMAIL_KINDS);

export const awaitPhaseSchema = z.enum(['shipment', 'delivery', 'feedback_window', 'feedback']);
export type AwaitPhase = z.infer<typeof awaitPhaseSchema>;

/** One line of the email ledger: claimed before sending, settled with SES's message id. */
export interface LedgerEntry {
  kind: EmailKind;
  ref: string;
  status: 'claimed' | 'sent' | 'skipped';
  claimId: string;
  claimedAt: string;
  messageId?: string;
  sentAt?: string;
  reason?: string;
  /** For delay notices: the promise that was missed and the new estimate given. */
  missedPromise?: string;
  newEstimate?: string;
  /** For delay notices: whether it was about shipping or delivery, and the shipments it covered. */
  what?: 'shipment' | 'delivery';
  shipmentIds?: string[];
  /** For delay notices: it passed on a platform's report rather than a promise that passed unnoticed. */
  reported?: boolean;
  /** For shipping confirmations and updates: the tracking details stated (updates.ts, trackingFingerprint). */
  tracking?: string;
}

export interface OrderView {
  state: OrderState;
  ledger: readonly LedgerEntry[];
  feedback?: { rating: number; at: string };
  /** The shopper unsubscribed from non-essential mail of this store. */
  unsubscribed: boolean;
  /** Bounces or complaints: no mail at all to this address. */
  suppressed: boolean;
  /** Pending mail stopped from the merchant console: nothing more is sent for the order. */
  stopped?: { by: string; at: string };
}

export interface DecisionContext extends OrderView {
  config: StoreConfig;
  now: Date;
  /** The deadline of the wait being decided, when known: a later one is re-armed for an update held back by quiet hours. */
  waitDeadline?: string;
}

/** Longest single wait: kept under Node's timer limit (24.8 days) so local runs behave like AWS. */
export const MAX_WAIT_SECONDS = 20 * 86_400;

export type { DelayNotice, PromiseInForce } from './policy.js';
export { assumedDeliveryAt, currentDeliverBy, currentShipBy, deliveredAt, dueDelayNotice, feedbackRequestAt, promiseInForce, shipmentEstimate } from './policy.js';

/** The delay notice due now, if the store sends them (see policy.ts). */
const delayDue = (ctx: DecisionContext) => (kindEnabled(ctx.config, 'delay_notice') ? dueDelayNotice(ctx) : undefined);
const nextDelayAt = (ctx: DecisionContext) => (kindEnabled(ctx.config, 'delay_notice') ? nextDelayNoticeAt(ctx) : undefined);

/** The delay notices due now: at most one, for the whole order (see policy.ts). */
export function dueDelayNotices(ctx: DecisionContext): DelayNotice[] {
  const notice = delayDue(ctx);
  return notice ? [notice] : [];
}

/** An update email (updates.ts) is due now: the waiting state hands over to its update state. */
export function updatesDue(ctx: DecisionContext): boolean {
  return dueUpdates(UPDATE_KINDS, ctx).length > 0;
}

/**
 * An update held back by quiet hours arrived while the wait has a later deadline (fixed when it
 * was entered): the wait is left through its update state, which sends nothing yet and returns
 * with the end of the quiet hours as the deadline. Not when the deadline is already that close
 * (a minute's clamp aside), or the wait would loop.
 */
function rearmForDeferredUpdate(ctx: DecisionContext): boolean {
  if (!ctx.waitDeadline) return false;
  const deferred = deferredUpdateAt(UPDATE_KINDS, ctx);
  return !!deferred && Date.parse(ctx.waitDeadline) > Date.parse(deferred) + (MIN_WAIT_SECONDS + 1) * 1000;
}

/** The ledger line of one email, settled or not. */
const ledgerLine = (ledger: readonly LedgerEntry[], kind: EmailKind, ref = 'order') => ledger.find((e) => e.kind === kind && e.ref === ref);

/**
 * The ledger line of an email that is settled: `sent` (SES accepted it) or `skipped` (it will
 * never be sent). An unsettled `claimed` line is an attempt whose outcome is not known yet (a
 * crash, a timeout or a lost answer between the claim and the record): it counts neither as
 * done nor as sent, so the email stays planned and notify's claim-settle protocol decides it
 * (see functions/services/notify.ts). Every reader asks this, so none moves on past it.
 */
const settledLine = (ledger: readonly LedgerEntry[], kind: EmailKind, ref = 'order') => {
  const line = ledgerLine(ledger, kind, ref);
  return line && line.status !== 'claimed' ? line : undefined;
};

const couldHaveAssumed = (ctx: DecisionContext) => {
  const at = earliestAssumedDeliveryAt(ctx);
  return !!at && ctx.now.getTime() >= Date.parse(at);
};

/** Is non-essential mail to this shopper still wanted? */
function wantsFeedbackMail(ctx: DecisionContext): boolean {
  const { state } = ctx;
  return !ctx.feedback && !ctx.unsubscribed && !ctx.suppressed && !state.cancelled && state.refunded !== 'full';
}

/** The deadline of a waiting phase, as an ISO instant (undefined: nothing scheduled, only events can move it). */
export function phaseDeadline(phase: AwaitPhase, ctx: DecisionContext): string | undefined {
  switch (phase) {
    // Before delivery a deadline may also end quiet hours that hold back an update; the timeout
    // passes through the delay-notice check (which plans nothing early) back to the wait.
    case 'shipment':
      return earlier(nextDelayAt(ctx), deferredUpdateAt(UPDATE_KINDS, ctx));
    case 'delivery':
      return earlier(earlier(nextDelayAt(ctx), assumedDeliveryAt(ctx)), deferredUpdateAt(UPDATE_KINDS, ctx));
    case 'feedback_window': {
      const at = feedbackRequestAt(ctx);
      // Due but inside quiet hours now (an event woke the wait late): the end of them.
      if (at && ctx.now.getTime() >= Date.parse(at) && inQuietHours(ctx)) return outOfQuietHours(ctx, ctx.now.toISOString());
      return at;
    }
    case 'feedback': {
      // Counted from the send, or from the claim while SES has not yet settled it.
      const request = ledgerLine(ctx.ledger, 'feedback_request');
      const from = request?.sentAt ?? request?.claimedAt;
      return from ? outOfQuietHours(ctx, addDaysIso(from, ctx.config.lifecycle.feedbackReminderDays)) : undefined;
    }
  }
}

/**
 * Shortest wait: a deadline already passed still gives the waiting state's own function time to
 * register and settle it (a cold start included) before the timeout routes to a delay check.
 */
export const MIN_WAIT_SECONDS = 60;

/** Seconds until a phase's deadline, clamped to what a Task timeout accepts. */
export function waitSeconds(phase: AwaitPhase | 'none', ctx: DecisionContext): number {
  if (phase === 'none') return MIN_WAIT_SECONDS;
  const deadline = phaseDeadline(phase, ctx);
  // Nothing scheduled: wait as long as a wait may; only an event (or this loop) moves it on.
  if (!deadline) return MAX_WAIT_SECONDS;
  const seconds = Math.ceil((Date.parse(deadline) - ctx.now.getTime()) / 1000);
  return Math.min(MAX_WAIT_SECONDS, Math.max(MIN_WAIT_SECONDS, seconds));
}

export type AwaitDecision =
  | { action: 'wait' }
  | { action: 'proceed'; next: AwaitPhase | 'none' }
  | { action: 'interrupt'; error: 'OrderCancelled' | 'OrderClosed' | 'OrderDelayed' | 'ShipmentCreated' | 'UpdateDue' };

/** Shipments still to confirm; none to a suppressed address (the send would plan nothing, and the wait would loop). */
const unconfirmedShipments = (ctx: DecisionContext) =>
  ctx.suppressed || !kindEnabled(ctx.config, 'shipping_confirmation')
    ? []
    : ctx.state.shipments.filter((s) => !isPickupShipment(ctx.state, s) && !settledLine(ctx.ledger, 'shipping_confirmation', s.shipmentId));

/**
 * What a waiting state should do now. `proceed` completes its task successfully (the
 * workflow moves down the lifecycle), `interrupt` fails it with an error that a Catch routes.
 */
export function decideAwait(phase: AwaitPhase, ctx: DecisionContext): AwaitDecision {
  const { state } = ctx;
  // Mail stopped from the console: the workflow ends where it waits (a claimed send still settles).
  if (ctx.stopped) return phase === 'feedback' ? { action: 'proceed', next: 'none' } : { action: 'interrupt', error: 'OrderClosed' };
  const cancelled = !!state.cancelled && kindEnabled(ctx.config, 'cancellation') && !settledLine(ctx.ledger, 'cancellation');
  const closed = state.refunded === 'full' || !!state.cancelled;
  // Updates go before the order closes (a full refund says so), never after a cancellation.
  const update = { action: 'interrupt', error: 'UpdateDue' } as const;
  switch (phase) {
    case 'shipment':
      if (cancelled) return { action: 'interrupt', error: 'OrderCancelled' };
      if (state.shipments.length > 0 || state.pickup?.pickedUpAt) return { action: 'proceed', next: 'delivery' };
      if (updatesDue(ctx)) return update;
      if (closed) return { action: 'interrupt', error: 'OrderClosed' };
      if (delayDue(ctx)) return { action: 'interrupt', error: 'OrderDelayed' };
      if (rearmForDeferredUpdate(ctx)) return update;
      return { action: 'wait' };
    case 'delivery':
      if (cancelled) return { action: 'interrupt', error: 'OrderCancelled' };
      if (unconfirmedShipments(ctx).length > 0) return { action: 'interrupt', error: 'ShipmentCreated' };
      // Delivered: the state after this one sends the delivered email (one transition, not two).
      if (!closed && deliveredAt(ctx)) return { action: 'proceed', next: 'feedback_window' };
      if (updatesDue(ctx)) return update;
      if (closed) return { action: 'interrupt', error: 'OrderClosed' };
      if (delayDue(ctx)) return { action: 'interrupt', error: 'OrderDelayed' };
      if (rearmForDeferredUpdate(ctx)) return update;
      return { action: 'wait' };
    case 'feedback_window': {
      if (updatesDue(ctx)) return update;
      if (!wantsFeedbackMail(ctx)) return { action: 'interrupt', error: 'OrderClosed' };
      // Asked already (a late walk, or a walk after a hand-over): on at once, never a second window.
      if (settledLine(ctx.ledger, 'feedback_request')) return { action: 'proceed', next: 'feedback' };
      const due = feedbackRequestAt(ctx);
      if (due && ctx.now.getTime() >= Date.parse(due) && !inQuietHours(ctx)) return { action: 'proceed', next: 'feedback' };
      return { action: 'wait' };
    }
    case 'feedback': {
      if (updatesDue(ctx)) return update;
      // Nothing to remind about: feedback given, request never sent, or the shopper opted out.
      // A request still unsettled may have gone out: keep waiting; the reminder itself needs it sent.
      const request = ledgerLine(ctx.ledger, 'feedback_request');
      if (!request || request.status === 'skipped' || !wantsFeedbackMail(ctx)) return { action: 'proceed', next: 'none' };
      // Reminded already (a late walk): nothing is left to wait for.
      if (settledLine(ctx.ledger, 'feedback_reminder')) return { action: 'proceed', next: 'none' };
      return { action: 'wait' };
    }
  }
}

export interface PlannedEmail {
  kind: EmailKind;
  ref: string;
  shipment?: ShipmentState;
  isFinalShipment?: boolean;
  delay?: DelayNotice;
  /** Shipping confirmation and update: the tracking details it states, kept in the ledger. */
  tracking?: string;
  /** delivered: the feedback request will follow. */
  feedbackFollows?: boolean;
  refund?: RefundRecord;
  edits?: OrderEdit[];
}

/** Whether the order may be confirmed to the shopper: not cancelled, voided or refunded in full. */
function isConfirmable(state: OrderState): boolean {
  const payment = state.order?.paymentStatus;
  return !state.cancelled && state.refunded !== 'full' && payment !== 'voided' && payment !== 'refunded';
}

/** Some email about the order (a receipt, a shipping confirmation…) reached, or may have reached, the shopper. */
function toldAboutOrder(ctx: DecisionContext): boolean {
  // A store that leaves the receipt to its platform told the shopper about every order.
  if (!kindEnabled(ctx.config, 'receipt')) return true;
  return ctx.ledger.some((e) => e.kind !== 'cancellation' && e.status !== 'skipped');
}

/**
 * The emails of one kind that are due now and not settled in the ledger. An unsettled claim is
 * planned again: notify then finds the claim and settles it (SES's Send event) or takes it over.
 */
export function plannedEmails(kind: EmailKind, ctx: DecisionContext): PlannedEmail[] {
  const { state, ledger } = ctx;
  if (!state.order || ctx.suppressed || ctx.stopped || !kindEnabled(ctx.config, kind)) return [];
  if (KIND_SPECS[kind].sentBy === 'updates') return plannedUpdates(kind, ctx);
  const notYet = (ref: string) => !settledLine(ledger, kind, ref);
  switch (kind) {
    case 'receipt':
      // An order that arrives cancelled, voided or refunded in full was never confirmed.
      return isConfirmable(state) && notYet('order') ? [{ kind, ref: 'order' }] : [];
    case 'shipping_confirmation': {
      if (state.cancelled) return [];
      // A pickup order's fulfillment is collected, not shipped: the pickup emails speak for it.
      const ordered = state.shipments.filter((s) => !isPickupShipment(state, s)).sort((a, b) => Date.parse(a.shippedAt) - Date.parse(b.shippedAt));
      const last = ordered[ordered.length - 1];
      return ordered
        .filter((s) => notYet(s.shipmentId))
        .map((s) => ({ kind, ref: s.shipmentId, shipment: s, isFinalShipment: isFullyShipped(state) && s === last, tracking: trackingFingerprint(s) }));
    }
    case 'delay_notice':
      return dueDelayNotices(ctx).map((d) => {
        // Retrying an unsettled claim: say what the claim recorded (and what the ledger will keep).
        const claim = ledgerLine(ledger, kind, d.ref);
        const delay = claim?.newEstimate ? { ...d, missedPromise: claim.missedPromise ?? d.missedPromise, newEstimate: claim.newEstimate } : d;
        return { kind, ref: d.ref, delay };
      });
    case 'feedback_request':
      // Timed by the waits: the feedback window begins only once delivery is reported or
      // assumed (decideAwait) and ends at feedbackRequestAt, out of quiet hours. News that
      // arrives after the window began (an old delay report delivered late) may move the
      // assumed delivery on and must not lose the request then: here it is enough that delivery
      // could have been assumed by now (the estimates before any delay, plus the grace period).
      return wantsFeedbackMail(ctx) && (deliveredAt(ctx) || couldHaveAssumed(ctx)) && notYet('order') ? [{ kind, ref: 'order' }] : [];
    case 'feedback_reminder': {
      const request = settledLine(ledger, 'feedback_request');
      return request?.status === 'sent' && wantsFeedbackMail(ctx) && notYet('order') ? [{ kind, ref: 'order' }] : [];
    }
    case 'cancellation':
      // Only a shopper who was told about the order is told it is cancelled.
      return state.cancelled && toldAboutOrder(ctx) && notYet('order') ? [{ kind, ref: 'order' }] : [];
    default:
      return [];
  }
}

/**
 * Whether an email of any kind is due now: for an order whose execution has ended (no waiting
 * state to wake), the router then starts a short late walk of the lifecycle (route-event.ts).
 */
export function anythingDue(ctx: DecisionContext): boolean {
  return EMAIL_KINDS.some((kind) => plannedEmails(kind, ctx).length > 0);
}

/** Whether a waiting state's decision ends the execution (its next state is the last one). */
export function endsWalk(decision: AwaitDecision): boolean {
  return (decision.action === 'proceed' && decision.next === 'none') || (decision.action === 'interrupt' && decision.error === 'OrderClosed');
}

/** Feedback requests and reminders are non-essential: they honour unsubscribes and the sending pause. */
export const NON_ESSENTIAL = NON_ESSENTIAL_KINDS;
