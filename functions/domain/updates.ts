/**
 * When the update kinds are due (issue 13): news about a shipment after its confirmation (out
 * for delivery, delivered, a failed attempt, an exception, new tracking details). Pure, like
 * lifecycle.ts, which asks these for the kinds whose `sentBy` is `updates` (email/context.ts).
 *
 * The rules, as the README states them ("Notifications"):
 * - Each at most once per shipment and status (ref: the shipment id; for a shipping update the
 *   shipment id and the tracking details it states), never after a cancellation, never to a
 *   suppressed address, never for a shipment not yet confirmed to the shopper, only if the store
 *   sends the kind (`notifications`).
 * - Delivered supersedes what came before it: once a shipment is delivered, no out-for-delivery,
 *   attempt, exception or tracking email goes for it, however late those reports arrive.
 * - Out for delivery is news for a day: a report older than that (it arrived late) sends
 *   nothing, nor one overtaken by a failed attempt or an exception.
 * - No delivered email once the feedback request went out (the shopper was already asked about
 *   the delivered order).
 * - Kinds that are not urgent (a shipping update) wait out the shopper's quiet hours.
 */
import { KIND_SPECS, type EmailKind } from './email/context.js';
import type { DecisionContext, LedgerEntry, PlannedEmail } from './lifecycle.js';
import { isDelivered, isFullyShipped, isPickupShipment, type OrderEdit, type ShipmentState } from './order-state.js';
import { deliveredAt, inQuietHours, outOfQuietHours } from './policy.js';
import { kindEnabled } from './store-config.js';

const ms = (iso: string) => Date.parse(iso);

/** An out-for-delivery report is "today" for this long after it happened. */
export const OUT_FOR_DELIVERY_NEWS_MS = 86_400_000;

const settledLine = (ledger: readonly LedgerEntry[], kind: EmailKind, ref: string) =>
  ledger.find((e) => e.kind === kind && e.ref === ref && e.status !== 'claimed');

/**
 * The tracking details a shopper was told, as a short stable key: carrier, number and the
 * carrier's estimate (its day). FNV-1a, so the ledger ref stays short whatever the platform sends.
 */
export function trackingFingerprint(s: Pick<ShipmentState, 'carrier' | 'trackingNumber' | 'estimatedDelivery'>): string {
  const text = `${s.carrier ?? ''}|${s.trackingNumber ?? ''}|${s.estimatedDelivery?.slice(0, 10) ?? ''}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The ledger ref of a shipping update: the shipment and the details it states. */
export const shippingUpdateRef = (s: ShipmentState) => `${s.shipmentId}#${trackingFingerprint(s)}`;

/** The shopper was told about this shipment: its confirmation went out (or the store leaves confirmations to its platform). */
function confirmed(ctx: DecisionContext, s: ShipmentState): boolean {
  if (!kindEnabled(ctx.config, 'shipping_confirmation')) return true;
  return settledLine(ctx.ledger, 'shipping_confirmation', s.shipmentId)?.status === 'sent';
}

/**
 * The tracking details the shopper last heard for a shipment: the latest confirmation or
 * shipping update sent. `null`: a confirmation went out before fingerprints were recorded (the
 * details it stated are unknown, so no update is sent for it); undefined: none was sent.
 */
function lastToldTracking(ctx: DecisionContext, s: ShipmentState): string | null | undefined {
  const told = ctx.ledger
    .filter((e) => e.status === 'sent' && ((e.kind === 'shipping_confirmation' && e.ref === s.shipmentId) || (e.kind === 'shipping_update' && e.ref.startsWith(`${s.shipmentId}#`))))
    .sort((a, b) => ms(a.sentAt ?? a.claimedAt) - ms(b.sentAt ?? b.claimedAt));
  const last = told.at(-1);
  if (!last) return undefined;
  return last.tracking ?? null;
}

export interface UpdateOptions {
  /** Plan as if it were not quiet hours: what is deferred, not what is due. */
  ignoreQuietHours?: boolean;
}

/** The update emails of one kind that are due now and not settled in the ledger. */
export function plannedUpdates(kind: EmailKind, ctx: DecisionContext, options: UpdateOptions = {}): PlannedEmail[] {
  const { state, ledger } = ctx;
  if (!state.order || ctx.suppressed || state.cancelled || !kindEnabled(ctx.config, kind)) return [];
  // A full refund closes the order: its own email says so, nothing else follows.
  if (state.refunded === 'full' && kind !== 'refund') return [];
  if (!KIND_SPECS[kind].urgent && !options.ignoreQuietHours && inQuietHours(ctx)) return [];
  const now = ctx.now.getTime();
  const notYet = (ref: string) => !settledLine(ledger, kind, ref);
  const told = state.shipments.filter((s) => !s.provisional && !isPickupShipment(state, s) && confirmed(ctx, s));
  const open = told.filter((s) => s.status !== 'delivered');
  const one = (s: ShipmentState, extra: Partial<PlannedEmail> = {}): PlannedEmail => ({ kind, ref: s.shipmentId, shipment: s, ...extra });
  switch (kind) {
    case 'out_for_delivery':
      return open
        .filter((s) => {
          const at = s.reported?.out_for_delivery;
          if (!at || now - ms(at) >= OUT_FOR_DELIVERY_NEWS_MS) return false;
          // A failed attempt or an exception since says more than "out for delivery".
          const since = [s.reported?.attempted_delivery, s.reported?.failure].some((t) => t !== undefined && ms(t) >= ms(at));
          return !since && notYet(s.shipmentId);
        })
        .map((s) => one(s));
    case 'delivery_attempt_failed':
      return open.filter((s) => s.reported?.attempted_delivery && notYet(s.shipmentId)).map((s) => one(s));
    case 'delivery_exception':
      return open.filter((s) => s.reported?.failure && notYet(s.shipmentId)).map((s) => one(s));
    case 'delivered': {
      const request = ledger.find((e) => e.kind === 'feedback_request');
      if (request && request.status !== 'skipped') return [];
      const feedbackFollows =
        isDelivered(state) && kindEnabled(ctx.config, 'feedback_request') && !ctx.unsubscribed && !ctx.feedback;
      return told.filter((s) => s.status === 'delivered' && notYet(s.shipmentId)).map((s) => one(s, { feedbackFollows }));
    }
    case 'shipping_update': {
      // Once the order counts as delivered (reported or assumed) new tracking is not news.
      if (deliveredAt(ctx)) return [];
      return open
        .filter((s) => {
          if (!s.retrackedAt) return false;
          const last = lastToldTracking(ctx, s);
          if (last === null) return false;
          const fp = trackingFingerprint(s);
          return fp !== last && notYet(shippingUpdateRef(s));
        })
        .map((s) => ({ kind, ref: shippingUpdateRef(s), shipment: s, tracking: trackingFingerprint(s) }));
    }
    case 'refund':
      // For a shopper who was told about the order; each refund with an amount, once.
      if (!toldAbout(ctx)) return [];
      return (state.refunds ?? []).filter((r) => notYet(r.id)).map((r) => ({ kind, ref: r.id, refund: r }));
    case 'order_edited': {
      const edits = [...(state.edits ?? [])].sort((a, b) => ms(a.at) - ms(b.at));
      const latest = edits.at(-1);
      const receipt = settledLine(ledger, 'receipt', 'order');
      // An edit is told under any of its ids (orders/edited's, or the orders/updated that showed it).
      const told = (e: OrderEdit) => [e.id, ...(e.aliases ?? [])].some((id) => ledger.some((l) => l.kind === 'order_edited' && l.ref === id && l.status === 'sent'));
      const settled = (e: OrderEdit) => [e.id, ...(e.aliases ?? [])].some((id) => !notYet(id));
      if (!latest || settled(latest) || !latest.notify || isFullyShipped(state)) return [];
      // The receipt went out after the edit: it showed the order as edited already.
      const toldFrom = receipt?.status === 'sent' ? ms(receipt.sentAt ?? receipt.claimedAt) : kindEnabled(ctx.config, 'receipt') ? Infinity : -Infinity;
      // The order as it stands after the edit must be known (Shopify's orders/updated follows its orders/edited).
      if (!state.orderUpdatedAt || ms(state.orderUpdatedAt) < ms(latest.at)) return [];
      // Everything since the last edit the shopper heard of, in one email.
      const lastTold = edits.filter(told).at(-1);
      const news = edits.filter((e) => ms(e.at) > Math.max(toldFrom, lastTold ? ms(lastTold.at) : -Infinity) && e.notify);
      return news.length ? [{ kind, ref: latest.id, edits: news }] : [];
    }
    case 'pickup_ready': {
      const p = state.pickup;
      // Ready to collect, not collected yet, and somewhere to say: the platform's, else the store's.
      if (!p?.readyAt || p.pickedUpAt || !toldAbout(ctx) || !(p.location || ctx.config.pickup)) return [];
      return notYet('pickup') ? [{ kind, ref: 'pickup' }] : [];
    }
    case 'picked_up': {
      const feedbackFollows = kindEnabled(ctx.config, 'feedback_request') && !ctx.unsubscribed && !ctx.feedback;
      return state.pickup?.pickedUpAt && toldAbout(ctx) && notYet('pickup') ? [{ kind, ref: 'pickup', feedbackFollows }] : [];
    }
    default:
      return [];
  }
}

/** The shopper was sent an email about the order (or the store leaves the receipt to its platform). */
function toldAbout(ctx: DecisionContext): boolean {
  if (!kindEnabled(ctx.config, 'receipt')) return true;
  return settledLine(ctx.ledger, 'receipt', 'order')?.status === 'sent';
}

/** The update kinds due now, in the order a batch sends them. */
export function dueUpdates(kinds: readonly EmailKind[], ctx: DecisionContext): PlannedEmail[] {
  return kinds.flatMap((kind) => plannedUpdates(kind, ctx));
}

/**
 * When an update deferred by quiet hours becomes due (their end), if one is: a waiting state
 * before delivery takes it as its deadline. Undefined when nothing waits.
 */
export function deferredUpdateAt(kinds: readonly EmailKind[], ctx: DecisionContext): string | undefined {
  if (!inQuietHours(ctx)) return undefined;
  const deferred = kinds.some((kind) => !KIND_SPECS[kind].urgent && plannedUpdates(kind, ctx, { ignoreQuietHours: true }).length > 0);
  return deferred ? outOfQuietHours(ctx, ctx.now.toISOString()) : undefined;
}
