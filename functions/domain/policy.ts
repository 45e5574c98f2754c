/**
 * The shopper-experience policy, pure: which promise is in force, when a delay notice is due
 * and what it says, when delivery counts as done, and when non-essential mail may arrive.
 * The receipt, the shipping confirmation, the delay notice and the tracking page all state
 * promises through `promiseInForce` (or its parts `currentShipBy`, `currentDeliverBy`,
 * `shipmentEstimate`), so they never contradict one another. The policy, as the README states it:
 *
 * - One promise in force at a time. Ship-by: the order's own, else `handlingDays` business days
 *   after the order. Deliver-by: the order's own (never before the ship-by), else ship-by plus
 *   transit. A shipment's estimate: the carrier's, else its shipping time plus transit but never
 *   earlier than the deliver-by the receipt promised (a computed guess does not tighten a
 *   promise). A platform's delay report moves the promises it concerns to its new date, or
 *   `delayGraceDays` business days on. A delay notice that was sent moves every promise that had
 *   passed when it went out to the notice's new estimate.
 * - Delay notices: one email for all late parcels of an order; at most `maxPerOrder`, at least
 *   `minSpacingDays` apart; none once the order is delivered (reported or assumed), cancelled or
 *   fully refunded, nor to a suppressed address. Each names the promise in force that was missed
 *   (passed, or broken by a platform's report; never the report's own date) and a new estimate
 *   in the future.
 * - Delivery is what the platform reports or, if it never does, assumed
 *   `assumeDeliveredDaysAfterEstimate` days after the latest estimate of every shipment.
 * - Non-essential mail (feedback request and reminder) is deferred out of quiet hours in the
 *   shopper's time zone (else the store's).
 */
import type { DelayNoticeInfo } from './email/context.js';
import type { DecisionContext, LedgerEntry } from './lifecycle.js';
import { isDelivered, isFullyShipped, isPickupShipment, type OrderState, type ReportedDelay, type ShipmentState } from './order-state.js';
import { addBusinessDays, addDaysIso, afterDailyWindow, inDailyWindow, isValidTimeZone, later, transitDaysFor } from './promises.js';

const DAY_MS = 86_400_000;
const ms = (iso: string) => Date.parse(iso);

/** The promises stated to the shopper now. */
export interface PromiseInForce {
  /** While items are still to ship: when they should. */
  shipBy?: string;
  /** When the whole order should have arrived: the receipt's "arrives by". */
  deliverBy?: string;
  /** Each undelivered shipment's delivery estimate, by shipment id. */
  shipments: Record<string, string>;
}

/** A delay notice that is due; its ref is its ledger key. */
export interface DelayNotice extends DelayNoticeInfo {
  ref: string;
}

/** Delay notices whose outcome is known: they count towards the maximum and the spacing. */
function settledNotices(ledger: readonly LedgerEntry[]): LedgerEntry[] {
  return ledger.filter((e) => e.kind === 'delay_notice' && e.status !== 'claimed');
}

const noticeTime = (e: LedgerEntry) => ms(e.sentAt ?? e.claimedAt);

/** One change to a promise: a platform's report, or a notice the shopper received. */
interface Move {
  at: number;
  apply: (p: string) => string;
}

function applyMoves(base: string, moves: Move[]): string {
  let p = base;
  for (const m of [...moves].sort((a, b) => a.at - b.at)) p = m.apply(p);
  return p;
}

/**
 * A notice that was sent is a floor for the promises it told the shopper about: the ship-by
 * for a notice about shipping, each shipment it covered; and any other promise that had passed
 * when it went out. A floor, not a step in time order: a report that happened earlier but
 * arrives later must not bring a promise back before the date the shopper was told.
 */
function noticeMoves(ledger: readonly LedgerEntry[], promise: 'shipBy' | { shipmentId: string }): Move[] {
  return ledger
    .filter((e) => e.kind === 'delay_notice' && e.status === 'sent' && e.newEstimate)
    .map((e) => {
      const at = noticeTime(e);
      const told = promise === 'shipBy' ? e.what === 'shipment' : !!e.shipmentIds?.includes(promise.shipmentId);
      return { at, apply: (p: string) => (told || ms(p) < at ? later(p, e.newEstimate)! : p) };
    });
}

function applyWithNotices(base: string, reports: Move[], notices: Move[]): string {
  // Reports and passed-promise moves in time order, then the notices again as floors.
  const p = applyMoves(base, [...reports, ...notices]);
  return applyMoves(p, notices);
}

interface Options {
  /** Ignore reports after this instant: the promises as the last notice left them. */
  reportsUntil?: number;
  /** Ignore the notices sent: the promises before any delay. */
  withoutNotices?: boolean;
}

function reportsOf(state: OrderState, options: Options): ReportedDelay[] {
  const until = options.reportsUntil ?? Infinity;
  return state.delays.filter((d) => ms(d.at) <= until);
}

function reportMove(ctx: DecisionContext, d: ReportedDelay, newDate: string | undefined): Move {
  const cfg = ctx.config.promises;
  const grace = ctx.config.lifecycle.delayGraceDays;
  return { at: ms(d.at), apply: (p) => (newDate ? later(p, newDate)! : addBusinessDays(later(p, d.at)!, grace, cfg)) };
}

/** The ship-by the order started with: its own, else handling days after it was placed. */
export function baseShipBy(ctx: DecisionContext): string | undefined {
  const order = ctx.state.order;
  if (!order) return undefined;
  return order.promises.shipBy ?? addBusinessDays(order.placedAt, ctx.config.promises.handlingDays, ctx.config.promises);
}

/** The deliver-by the receipt promised, before any delay: the floor of computed estimates. */
export function baseDeliverBy(ctx: DecisionContext): string | undefined {
  const order = ctx.state.order;
  const shipBy = baseShipBy(ctx);
  if (!order || !shipBy) return undefined;
  const cfg = ctx.config.promises;
  return order.promises.deliverBy ? later(order.promises.deliverBy, shipBy) : addBusinessDays(shipBy, transitDaysFor(order.shippingMethod, cfg), cfg);
}

function shipByWith(ctx: DecisionContext, options: Options): string | undefined {
  const base = baseShipBy(ctx);
  if (!base) return undefined;
  const reports = reportsOf(ctx.state, options)
    // Order-level reports about shipping: a new ship-by, or no date at all.
    .filter((d) => !d.shipmentId && (d.newShipBy || !d.newDeliverBy))
    .map((d) => reportMove(ctx, d, d.newShipBy));
  return applyWithNotices(base, reports, noticeMoves(ctx.ledger, 'shipBy'));
}

function unshippedDeliverByWith(ctx: DecisionContext, options: Options): string | undefined {
  const order = ctx.state.order;
  const shipBy = shipByWith(ctx, options);
  if (!order || !shipBy) return undefined;
  const cfg = ctx.config.promises;
  const fromShipBy = addBusinessDays(shipBy, transitDaysFor(order.shippingMethod, cfg), cfg);
  // The platform's own deliver-by holds while the ship-by does; a later ship-by pushes it.
  let p = order.promises.deliverBy ? (shipBy === baseShipBy(ctx) ? later(order.promises.deliverBy, shipBy)! : later(order.promises.deliverBy, fromShipBy)!) : fromShipBy;
  for (const d of reportsOf(ctx.state, options)) if (!d.shipmentId && d.newDeliverBy) p = later(p, d.newDeliverBy)!;
  return p;
}

function shipmentEstimateWith(ctx: DecisionContext, s: ShipmentState, options: Options): string {
  const cfg = ctx.config.promises;
  const computed = () => later(addBusinessDays(s.shippedAt, transitDaysFor(ctx.state.order?.shippingMethod, cfg), cfg), baseDeliverBy(ctx))!;
  const base = s.estimatedDelivery ?? computed();
  const reports = reportsOf(ctx.state, options).flatMap((d): Move[] => {
    if (d.shipmentId === s.shipmentId) return [reportMove(ctx, d, d.newDeliverBy)];
    if (d.shipmentId) return [];
    if (d.newDeliverBy) return [reportMove(ctx, d, d.newDeliverBy)];
    // An undated order-level report concerns the parcels already on their way too.
    if (!d.newShipBy && ms(s.shippedAt) <= ms(d.at)) return [reportMove(ctx, d, undefined)];
    return [];
  });
  return applyWithNotices(base, reports, options.withoutNotices ? [] : noticeMoves(ctx.ledger, { shipmentId: s.shipmentId }));
}

function promiseWith(ctx: DecisionContext, options: Options): PromiseInForce {
  const { state } = ctx;
  if (!state.order) return { shipments: {} };
  const shipments: Record<string, string> = {};
  for (const s of state.shipments) if (s.status !== 'delivered' && !isPickupShipment(state, s)) shipments[s.shipmentId] = shipmentEstimateWith(ctx, s, options);
  const unshipped = !isFullyShipped(state);
  let deliverBy = unshipped ? unshippedDeliverByWith(ctx, options) : undefined;
  for (const e of Object.values(shipments)) deliverBy = later(deliverBy, e);
  return { shipBy: unshipped ? shipByWith(ctx, options) : undefined, deliverBy, shipments };
}

/** Every promise in force now: what the receipt, confirmations, notices and tracking page state. */
export function promiseInForce(ctx: DecisionContext): PromiseInForce {
  return promiseWith(ctx, {});
}

/** The ship-by date in force (whether or not everything has shipped since). */
export function currentShipBy(ctx: DecisionContext): string | undefined {
  return shipByWith(ctx, {});
}

/**
 * The order's deliver-by in force: when the last parcel should arrive (the receipt's "arrives
 * by"; once all is delivered, what it would have been for items still to ship).
 */
export function currentDeliverBy(ctx: DecisionContext): string | undefined {
  return promiseInForce(ctx).deliverBy ?? unshippedDeliverByWith(ctx, {});
}

/** A shipment's delivery estimate in force (the shipping confirmation states it). */
export function shipmentEstimate(ctx: DecisionContext, s: ShipmentState): string {
  return shipmentEstimateWith(ctx, s, {});
}

function assumedWith(ctx: DecisionContext, options: Options): string {
  const grace = ctx.config.policy.assumeDeliveredDaysAfterEstimate;
  let at: string | undefined;
  for (const s of ctx.state.shipments)
    if (!s.provisional) at = later(at, s.status === 'delivered' && s.deliveredAt ? s.deliveredAt : addDaysIso(shipmentEstimateWith(ctx, s, options), grace));
  return at!;
}

/**
 * When delivery is assumed if the platform never reports it: the latest estimate of every
 * shipment plus the grace period. Once assumed, it stays: a delay reported after that moment
 * does not reopen the order (the feedback window has begun and must not lose its request).
 */
export function assumedDeliveryAt(ctx: DecisionContext): string | undefined {
  const { state } = ctx;
  if (!state.order || !isFullyShipped(state)) return undefined;
  let until = -Infinity;
  for (;;) {
    const at = assumedWith(ctx, { reportsUntil: until });
    const t = ms(at);
    // Reports up to the assumed moment count; each round takes in at least one more.
    if (!state.delays.some((d) => ms(d.at) > until && ms(d.at) <= t)) return at;
    until = t;
  }
}

/**
 * The earliest delivery could have been assumed: the estimates before any report or notice
 * (which only move them later), plus the grace period. Before it, no feedback window can have begun.
 */
export function earliestAssumedDeliveryAt(ctx: DecisionContext): string | undefined {
  if (!ctx.state.order || !isFullyShipped(ctx.state)) return undefined;
  return assumedWith(ctx, { reportsUntil: -Infinity, withoutNotices: true });
}

/** When the order was delivered: as reported, or assumed (see assumedDeliveryAt); undefined until then. */
export function deliveredAt(ctx: DecisionContext): string | undefined {
  const { state } = ctx;
  // A pickup order is delivered when it is collected.
  if (state.pickup?.pickedUpAt) return state.pickup.pickedUpAt;
  if (isDelivered(state)) return state.shipments.map((s) => s.deliveredAt ?? s.statusAt).reduce<string | undefined>((a, b) => later(a, b), undefined);
  const assumed = assumedDeliveryAt(ctx);
  return assumed && ctx.now.getTime() >= ms(assumed) ? assumed : undefined;
}

/** Is the order still one a delay could concern? */
function awaitingParcels(ctx: DecisionContext): boolean {
  const { state } = ctx;
  // A pickup order ready to collect is not late: the shopper is told where to get it.
  return !!state.order && !state.cancelled && state.refunded !== 'full' && !ctx.suppressed && !state.pickup?.readyAt && !deliveredAt(ctx);
}

interface Late {
  what: 'shipment' | 'delivery';
  shipmentId?: string;
  missed: string;
  next: string;
  /** Moved by a report the shopper has not heard of (rather than passed unnoticed). */
  reported: boolean;
}

/**
 * Until when a shipment is out for delivery "today" (a day after the carrier said so): a delay
 * notice about it then would contradict the out-for-delivery email the shopper just got.
 */
function arrivingUntil(s: ShipmentState): number {
  return s.status === 'out_for_delivery' ? ms(s.statusAt) + DAY_MS : -Infinity;
}

/** When an email of this kind (and ref) went out, if it did: what it stated, the shopper knows. */
function sentTime(ledger: readonly LedgerEntry[], kind: LedgerEntry['kind'], ref: string): number {
  const e = ledger.find((l) => l.kind === kind && l.ref === ref && l.status === 'sent');
  return e ? noticeTime(e) : -Infinity;
}

/**
 * What is late now and is news to the shopper: a promise in force that passed, or one a
 * platform's report moved since the shopper last heard (the last notice, or the receipt or
 * shipping confirmation that already stated the moved date).
 */
function lateNow(ctx: DecisionContext, lastNotice: number | undefined): Late[] {
  const now = ctx.now.getTime();
  const told = Math.max(lastNotice ?? -Infinity, sentTime(ctx.ledger, 'receipt', 'order'));
  const before = promiseWith(ctx, { reportsUntil: told });
  const after = promiseInForce(ctx);
  const floor = () => addBusinessDays(now, ctx.config.lifecycle.delayGraceDays, ctx.config.promises);
  const late: Late[] = [];
  const consider = (what: Late['what'], was: string | undefined, is: string | undefined, shipmentId?: string) => {
    if (!was || !is) return;
    const passed = ms(was) < now;
    const reported = ms(is) > ms(was);
    if (!passed && !reported) return;
    late.push({ what, shipmentId, missed: was, next: ms(is) > now ? is : floor(), reported });
  };
  consider('shipment', before.shipBy, after.shipBy);
  for (const s of ctx.state.shipments) {
    const est = after.shipments[s.shipmentId];
    if (!est || now < arrivingUntil(s)) continue;
    const confirmed = sentTime(ctx.ledger, 'shipping_confirmation', s.shipmentId);
    consider('delivery', shipmentEstimateWith(ctx, s, { reportsUntil: Math.max(told, confirmed) }), est, s.shipmentId);
  }
  return late;
}

/** The newest report the shopper has not heard of: it gives the notice its reason. */
function newsReport(ctx: DecisionContext, lastNotice: number | undefined): ReportedDelay | undefined {
  const told = Math.max(lastNotice ?? -Infinity, sentTime(ctx.ledger, 'receipt', 'order'));
  return ctx.state.delays.filter((d) => ms(d.at) > told).sort((a, b) => ms(b.at) - ms(a.at))[0];
}

/**
 * The delay notice due now, if any: one for the whole order, within the maximum and the
 * spacing. Its ref (`late:<n>`, the n-th notice of the order) stays the same until it settles,
 * so a retry after an unknown outcome finds its claim.
 */
export function dueDelayNotice(ctx: DecisionContext): DelayNotice | undefined {
  if (!awaitingParcels(ctx)) return undefined;
  const { maxPerOrder, minSpacingDays } = ctx.config.policy.delayNotices;
  const done = settledNotices(ctx.ledger);
  if (done.length >= maxPerOrder) return undefined;
  const last = done.length ? Math.max(...done.map(noticeTime)) : undefined;
  const now = ctx.now.getTime();
  if (last !== undefined && now < last + minSpacingDays * DAY_MS) return undefined;
  const late = lateNow(ctx, last);
  if (late.length === 0) return undefined;
  const what = late.some((l) => l.what === 'shipment') ? 'shipment' : 'delivery';
  const headline = late.filter((l) => l.what === what);
  const missedPromise = headline.map((l) => l.missed).reduce((a, b) => (ms(a) <= ms(b) ? a : b));
  const newEstimate = headline.map((l) => l.next).reduce((a, b) => later(a, b)!);
  const shipmentIds = late.flatMap((l) => (l.shipmentId ? [l.shipmentId] : []));
  // The newest report since the shopper last heard gives the reason; a carrier failure is one too.
  const report = newsReport(ctx, last);
  const failed = ctx.state.shipments.some((s) => shipmentIds.includes(s.shipmentId) && s.status === 'failure');
  return {
    ref: `late:${done.length + 1}`,
    what,
    missedPromise,
    newEstimate,
    reason: report?.reason ?? (failed ? 'carrier_exception' : undefined),
    message: report?.message,
    shipmentId: what === 'delivery' && shipmentIds.length === 1 ? shipmentIds[0] : undefined,
    shipmentIds: shipmentIds.length ? shipmentIds : undefined,
    reported: late.some((l) => l.reported) || undefined,
  };
}

/**
 * When the next delay notice could become due if nothing else happens: the first promise in
 * force to pass (or a report's change waiting out the spacing), not before the spacing ends.
 * Undefined when no further notice is possible.
 */
export function nextDelayNoticeAt(ctx: DecisionContext): string | undefined {
  if (!awaitingParcels(ctx)) return undefined;
  const { maxPerOrder, minSpacingDays } = ctx.config.policy.delayNotices;
  const done = settledNotices(ctx.ledger);
  if (done.length >= maxPerOrder) return undefined;
  const last = done.length ? Math.max(...done.map(noticeTime)) : undefined;
  const spacingEnd = last === undefined ? -Infinity : last + minSpacingDays * DAY_MS;
  const inForce = promiseInForce(ctx);
  const arriving = new Map(ctx.state.shipments.map((s) => [s.shipmentId, arrivingUntil(s)]));
  const candidates = [
    ...(inForce.shipBy ? [ms(inForce.shipBy) + 1000] : []),
    // A parcel out for delivery is not late before its day is over.
    ...Object.entries(inForce.shipments).map(([id, p]) => Math.max(ms(p) + 1000, arriving.get(id) ?? -Infinity)),
  ];
  // A report since the last notice is news as soon as the spacing allows.
  if (lateNow(ctx, last).length > 0) candidates.push(ctx.now.getTime());
  if (candidates.length === 0) return undefined;
  return new Date(Math.max(Math.min(...candidates), spacingEnd)).toISOString();
}

/** The shopper's time zone for quiet hours: theirs when the platform gave a usable one, else the store's. */
export function shopperTimeZone(ctx: DecisionContext): string {
  const tz = ctx.state.order?.customer.timeZone;
  return isValidTimeZone(tz) ? tz : ctx.config.promises.timeZone;
}

export function inQuietHours(ctx: DecisionContext, at: number = ctx.now.getTime()): boolean {
  return inDailyWindow(at, ctx.config.policy.quietHours, shopperTimeZone(ctx));
}

/** The instant itself, or the end of the quiet hours it falls in. */
export function outOfQuietHours(ctx: DecisionContext, at: string): string {
  const t = afterDailyWindow(ms(at), ctx.config.policy.quietHours, shopperTimeZone(ctx));
  return t === ms(at) ? at : new Date(t).toISOString();
}

/** When the feedback request is due: `feedbackDelayDays` after delivery (reported or assumed), out of quiet hours. */
export function feedbackRequestAt(ctx: DecisionContext): string | undefined {
  const { state } = ctx;
  const delivered = isDelivered(state) ? deliveredAt(ctx) : assumedDeliveryAt(ctx);
  return delivered ? outOfQuietHours(ctx, addDaysIso(delivered, ctx.config.lifecycle.feedbackDelayDays)) : undefined;
}
