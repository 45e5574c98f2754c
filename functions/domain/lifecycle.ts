/**
 * The lifecycle decisions, pure: given what we know of an order (its folded events, the email
 * ledger, feedback, suppression) and the time, what is due to be sent, and what a waiting state
 * should do. The notify and await functions, the router and the pages all ask these same
 * questions, so they always agree.
 */
import * as z from 'zod';
import { isDelivered, isFullyShipped, type OrderState, type ShipmentState } from './order-state.js';
import { addBusinessDays, addDaysIso, later, transitDaysFor } from './promises.js';
import type { StoreConfig } from './store-config.js';
import { EMAIL_KINDS, NON_ESSENTIAL_KINDS, type DelayNoticeInfo, type EmailKind } from './email/context.js';

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
}

export interface OrderView {
  state: OrderState;
  ledger: readonly LedgerEntry[];
  feedback?: { rating: number; at: string };
  /** The shopper unsubscribed from non-essential mail of this store. */
  unsubscribed: boolean;
  /** Bounces or complaints: no mail at all to this address. */
  suppressed: boolean;
}

export interface DecisionContext extends OrderView {
  config: StoreConfig;
  now: Date;
}

/** Longest single wait: kept under Node's timer limit (24.8 days) so local runs behave like AWS. */
export const MAX_WAIT_SECONDS = 20 * 86_400;

/** A delay notice that is due; its ref is its ledger key (one notice per missed promise or report). */
export interface DelayNotice extends DelayNoticeInfo {
  ref: string;
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

const noticed = (ledger: readonly LedgerEntry[], ref: string) => settledLine(ledger, 'delay_notice', ref);

/** Follow the chain of missed promises already noticed: each notice set a new estimate. */
function followMissed(ledger: readonly LedgerEntry[], refFor: (p: string) => string, promise: string): string {
  let p = promise;
  for (let i = 0; i < 100; i++) {
    const entry = noticed(ledger, refFor(p));
    if (!entry?.newEstimate || entry.newEstimate === p) return p;
    p = entry.newEstimate;
  }
  return p;
}

const shipRef = (p: string) => `ship:${p}`;
const deliverRef = (shipmentId: string) => (p: string) => `deliver:${shipmentId}:${p}`;

function orderLevelShipmentDelays(state: OrderState) {
  return state.delays.filter((d) => !d.shipmentId && !d.newDeliverBy);
}

/** The ship-by date in force now: the order's promise, moved by reported delays and by noticed misses. */
export function currentShipBy(ctx: DecisionContext): string | undefined {
  const order = ctx.state.order;
  if (!order) return undefined;
  const cfg = ctx.config.promises;
  let p = order.promises.shipBy ?? addBusinessDays(order.placedAt, cfg.handlingDays, cfg);
  for (const d of [...ctx.state.delays].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    if (d.shipmentId || (d.newDeliverBy && !d.newShipBy)) continue;
    p = later(p, d.newShipBy ?? addBusinessDays(d.at, ctx.config.lifecycle.delayGraceDays, cfg))!;
  }
  return followMissed(ctx.ledger, shipRef, p);
}

/** The order-level deliver-by shown on the receipt. */
export function currentDeliverBy(ctx: DecisionContext): string | undefined {
  const order = ctx.state.order;
  const shipBy = currentShipBy(ctx);
  if (!order || !shipBy) return undefined;
  const cfg = ctx.config.promises;
  const fromConfig = addBusinessDays(shipBy, transitDaysFor(order.shippingMethod, cfg), cfg);
  let p = order.promises.deliverBy ? later(order.promises.deliverBy, shipBy)! : fromConfig;
  // An order-level delay that names a new delivery date moves the promise too.
  for (const d of ctx.state.delays) if (!d.shipmentId && d.newDeliverBy) p = later(p, d.newDeliverBy)!;
  return p;
}

/** A shipment's delivery estimate in force now. */
export function shipmentEstimate(ctx: DecisionContext, s: ShipmentState): string {
  const cfg = ctx.config.promises;
  let p = s.estimatedDelivery ?? addBusinessDays(s.shippedAt, transitDaysFor(ctx.state.order?.shippingMethod, cfg), cfg);
  for (const d of ctx.state.delays) {
    if (d.shipmentId === s.shipmentId || (!d.shipmentId && d.newDeliverBy)) {
      p = later(p, d.newDeliverBy ?? addBusinessDays(d.at, ctx.config.lifecycle.delayGraceDays, cfg))!;
    }
  }
  return followMissed(ctx.ledger, deliverRef(s.shipmentId), p);
}

function isOpen(state: OrderState): boolean {
  return !!state.order && !state.cancelled && state.refunded !== 'full' && !isDelivered(state);
}

/** Delay notices due now, each at most once (its ref is its ledger key). */
export function dueDelayNotices(ctx: DecisionContext): DelayNotice[] {
  const { state, ledger, now } = ctx;
  if (!isOpen(state)) return [];
  const due: DelayNotice[] = [];
  const fullyShipped = isFullyShipped(state);
  const grace = ctx.config.lifecycle.delayGraceDays;
  const cfg = ctx.config.promises;

  // Reported by the platform: one notice per report, saying the new estimate.
  for (const d of state.delays) {
    const ref = `report:${d.id}`;
    if (noticed(ledger, ref)) continue;
    const shipment = d.shipmentId ? state.shipments.find((s) => s.shipmentId === d.shipmentId) : undefined;
    if (shipment?.status === 'delivered') continue;
    const aboutDelivery = !!shipment || (fullyShipped && !d.newShipBy) || (!!d.newDeliverBy && !d.newShipBy);
    const undelivered = state.shipments.filter((s) => s.status !== 'delivered');
    const newEstimate = aboutDelivery
      ? shipment
        ? shipmentEstimate(ctx, shipment)
        : undelivered.map((s) => shipmentEstimate(ctx, s)).reduce((a, b) => later(a, b)!, d.newDeliverBy ?? currentDeliverBy(ctx)!)
      : currentShipBy(ctx)!;
    due.push({
      ref,
      what: aboutDelivery ? 'delivery' : 'shipment',
      missedPromise: aboutDelivery ? (shipment?.estimatedDelivery ?? currentDeliverBy(ctx)!) : (state.order!.promises.shipBy ?? d.at),
      newEstimate,
      reason: d.reason,
      message: d.message,
      shipmentId: d.shipmentId,
    });
  }

  // A ship-by date passed with items still unshipped.
  if (!fullyShipped) {
    const shipBy = currentShipBy(ctx)!;
    if (now.getTime() > Date.parse(shipBy) && !noticed(ledger, shipRef(shipBy)) && !due.some((n) => n.what === 'shipment')) {
      due.push({
        ref: shipRef(shipBy),
        what: 'shipment',
        missedPromise: shipBy,
        newEstimate: addBusinessDays(Math.max(now.getTime(), Date.parse(shipBy)), grace, cfg),
      });
    }
  }

  // A delivery estimate passed without delivery.
  for (const s of state.shipments) {
    if (s.status === 'delivered') continue;
    const estimate = shipmentEstimate(ctx, s);
    const ref = deliverRef(s.shipmentId)(estimate);
    if (now.getTime() > Date.parse(estimate) && !noticed(ledger, ref) && !due.some((n) => n.shipmentId === s.shipmentId)) {
      due.push({
        ref,
        what: 'delivery',
        missedPromise: estimate,
        newEstimate: addBusinessDays(Math.max(now.getTime(), Date.parse(estimate)), grace, cfg),
        shipmentId: s.shipmentId,
        reason: s.status === 'failure' ? 'carrier_exception' : undefined,
      });
    }
  }
  return due;
}

/** When the last shipment went out; the delivery fallback counts from it. */
function lastShippedAt(state: OrderState): string | undefined {
  return state.shipments.map((s) => s.shippedAt).reduce<string | undefined>((a, b) => later(a, b), undefined);
}

/** When the order counts as delivered: reported, or assumed after the fallback period. */
export function deliveredAt(ctx: DecisionContext): string | undefined {
  const { state } = ctx;
  if (isDelivered(state)) return state.shipments.map((s) => s.deliveredAt).reduce<string | undefined>((a, b) => later(a, b), undefined);
  if (!isFullyShipped(state)) return undefined;
  const fallback = addDaysIso(lastShippedAt(state)!, ctx.config.lifecycle.deliveryFallbackDays);
  return ctx.now.getTime() >= Date.parse(fallback) ? fallback : undefined;
}

/** Is non-essential mail to this shopper still wanted? */
function wantsFeedbackMail(ctx: DecisionContext): boolean {
  const { state } = ctx;
  return !ctx.feedback && !ctx.unsubscribed && !ctx.suppressed && !state.cancelled && state.refunded !== 'full';
}

/** The deadline of a waiting phase, as an ISO instant (undefined: nothing to wait for). */
export function phaseDeadline(phase: AwaitPhase, ctx: DecisionContext): string | undefined {
  const { state } = ctx;
  switch (phase) {
    case 'shipment':
      return currentShipBy(ctx);
    case 'delivery': {
      const candidates: string[] = [];
      if (!isFullyShipped(state)) candidates.push(currentShipBy(ctx)!);
      for (const s of state.shipments) if (s.status !== 'delivered') candidates.push(shipmentEstimate(ctx, s));
      const last = lastShippedAt(state);
      if (last && isFullyShipped(state)) candidates.push(addDaysIso(last, ctx.config.lifecycle.deliveryFallbackDays));
      return candidates.sort((a, b) => Date.parse(a) - Date.parse(b))[0];
    }
    case 'feedback_window': {
      const at = deliveredAt(ctx);
      return at ? addDaysIso(at, ctx.config.lifecycle.feedbackDelayDays) : undefined;
    }
    case 'feedback': {
      // Counted from the send, or from the claim while SES has not yet settled it.
      const request = ledgerLine(ctx.ledger, 'feedback_request');
      const from = request?.sentAt ?? request?.claimedAt;
      return from ? addDaysIso(from, ctx.config.lifecycle.feedbackReminderDays) : undefined;
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
  const deadline = phase === 'none' ? undefined : phaseDeadline(phase, ctx);
  if (!deadline) return MIN_WAIT_SECONDS;
  const seconds = Math.ceil((Date.parse(deadline) - ctx.now.getTime()) / 1000);
  return Math.min(MAX_WAIT_SECONDS, Math.max(MIN_WAIT_SECONDS, seconds));
}

export type AwaitDecision =
  | { action: 'wait' }
  | { action: 'proceed'; next: AwaitPhase | 'none' }
  | { action: 'interrupt'; error: 'OrderCancelled' | 'OrderClosed' | 'OrderDelayed' | 'ShipmentCreated' };

const unconfirmedShipments = (ctx: DecisionContext) =>
  ctx.state.shipments.filter((s) => !settledLine(ctx.ledger, 'shipping_confirmation', s.shipmentId));

/**
 * What a waiting state should do now. `proceed` completes its task successfully (the
 * workflow moves down the lifecycle), `interrupt` fails it with an error that a Catch routes.
 */
export function decideAwait(phase: AwaitPhase, ctx: DecisionContext): AwaitDecision {
  const { state } = ctx;
  const cancelled = !!state.cancelled && !settledLine(ctx.ledger, 'cancellation');
  switch (phase) {
    case 'shipment':
      if (cancelled) return { action: 'interrupt', error: 'OrderCancelled' };
      if (state.shipments.length > 0) return { action: 'proceed', next: 'delivery' };
      if (state.refunded === 'full' || state.cancelled) return { action: 'interrupt', error: 'OrderClosed' };
      if (dueDelayNotices(ctx).length > 0) return { action: 'interrupt', error: 'OrderDelayed' };
      return { action: 'wait' };
    case 'delivery':
      if (cancelled) return { action: 'interrupt', error: 'OrderCancelled' };
      if (unconfirmedShipments(ctx).length > 0) return { action: 'interrupt', error: 'ShipmentCreated' };
      if (state.refunded === 'full' || state.cancelled) return { action: 'interrupt', error: 'OrderClosed' };
      if (deliveredAt(ctx)) return { action: 'proceed', next: 'feedback_window' };
      if (dueDelayNotices(ctx).length > 0) return { action: 'interrupt', error: 'OrderDelayed' };
      return { action: 'wait' };
    case 'feedback_window': {
      if (!wantsFeedbackMail(ctx)) return { action: 'interrupt', error: 'OrderClosed' };
      const due = phaseDeadline('feedback_window', ctx);
      if (due && ctx.now.getTime() >= Date.parse(due)) return { action: 'proceed', next: 'feedback' };
      return { action: 'wait' };
    }
    case 'feedback': {
      // Nothing to remind about: feedback given, request never sent, or the shopper opted out.
      // A request still unsettled may have gone out: keep waiting; the reminder itself needs it sent.
      const request = ledgerLine(ctx.ledger, 'feedback_request');
      if (!request || request.status === 'skipped' || !wantsFeedbackMail(ctx)) return { action: 'proceed', next: 'none' };
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
}

/** Whether the order may be confirmed to the shopper: not cancelled, voided or refunded in full. */
function isConfirmable(state: OrderState): boolean {
  const payment = state.order?.paymentStatus;
  return !state.cancelled && state.refunded !== 'full' && payment !== 'voided' && payment !== 'refunded';
}

/** Some email about the order (a receipt, a shipping confirmation…) reached, or may have reached, the shopper. */
function toldAboutOrder(ledger: readonly LedgerEntry[]): boolean {
  return ledger.some((e) => e.kind !== 'cancellation' && e.status !== 'skipped');
}

/**
 * The emails of one kind that are due now and not settled in the ledger. An unsettled claim is
 * planned again: notify then finds the claim and settles it (SES's Send event) or takes it over.
 */
export function plannedEmails(kind: EmailKind, ctx: DecisionContext): PlannedEmail[] {
  const { state, ledger } = ctx;
  if (!state.order || ctx.suppressed) return [];
  const notYet = (ref: string) => !settledLine(ledger, kind, ref);
  switch (kind) {
    case 'receipt':
      // An order that arrives cancelled, voided or refunded in full was never confirmed.
      return isConfirmable(state) && notYet('order') ? [{ kind, ref: 'order' }] : [];
    case 'shipping_confirmation': {
      if (state.cancelled) return [];
      const ordered = [...state.shipments].sort((a, b) => Date.parse(a.shippedAt) - Date.parse(b.shippedAt));
      const last = ordered[ordered.length - 1];
      return ordered
        .filter((s) => notYet(s.shipmentId))
        .map((s) => ({ kind, ref: s.shipmentId, shipment: s, isFinalShipment: isFullyShipped(state) && s === last }));
    }
    case 'delay_notice':
      return dueDelayNotices(ctx).map((d) => {
        // Retrying an unsettled claim: say what the claim recorded (and what the ledger will keep).
        const claim = ledgerLine(ledger, kind, d.ref);
        const delay = claim?.newEstimate ? { ...d, missedPromise: claim.missedPromise ?? d.missedPromise, newEstimate: claim.newEstimate } : d;
        return { kind, ref: d.ref, delay };
      });
    case 'feedback_request':
      return wantsFeedbackMail(ctx) && deliveredAt(ctx) && notYet('order') ? [{ kind, ref: 'order' }] : [];
    case 'feedback_reminder': {
      const request = settledLine(ledger, 'feedback_request');
      return request?.status === 'sent' && wantsFeedbackMail(ctx) && notYet('order') ? [{ kind, ref: 'order' }] : [];
    }
    case 'cancellation':
      // Only a shopper who was told about the order is told it is cancelled.
      return state.cancelled && toldAboutOrder(ledger) && notYet('order') ? [{ kind, ref: 'order' }] : [];
  }
}

/** Feedback requests and reminders are non-essential: they honour unsubscribes and the sending pause. */
export const NON_ESSENTIAL = NON_ESSENTIAL_KINDS;
