/**
 * The tracking page and the order lookup form. The estimate shown is the one the emails
 * promised (the same lifecycle functions compute both), so the page never contradicts the
 * shipping confirmation or delay notice that linked to it.
 */
import type { PointsCredit } from '../reviews/referrals.js';
import { pointsSection, responseEntry, type FeedbackOutcome } from './points.js';
import { canonicalLocale, formatDate, formatMoney, trackingMessagesFor } from '../i18n/index.js';
import { currentDeliverBy, deliveredAt, shipmentEstimate, type DecisionContext, type LedgerEntry } from '../lifecycle.js';
import { isDelivered, isFullyShipped, type OrderState, type ReportedDelay, type ShipmentState, type TimelineEntry } from '../order-state.js';
import { later } from '../promises.js';
import type { StoreConfig } from '../store-config.js';
import { html, safeHttpUrl, type SafeHtml } from './html.js';
import { renderLayout, trackPageText, type PageContext, type RenderedPage } from './layout.js';

/** What the tracking page needs to know about an order. */
export interface TrackView {
  state: OrderState;
  /** The email ledger: delay notices already sent moved the estimate, and the page follows them. */
  ledger?: readonly LedgerEntry[];
}

export interface Estimates {
  /** When the whole order should have arrived; undefined once there is nothing left to wait for. */
  order?: string;
  byShipment: ReadonlyMap<string, string>;
}

function isOpen(state: OrderState): boolean {
  return !!state.order && !state.cancelled && state.refunded !== 'full' && !isDelivered(state);
}

function decisionContext(view: TrackView, config: StoreConfig, now: Date): DecisionContext {
  return { state: view.state, ledger: view.ledger ?? [], unsubscribed: false, suppressed: false, config, now };
}

/**
 * Nothing is awaited any more: delivered, cancelled, refunded in full, or assumed delivered —
 * delivery was assumed after the latest estimate, or the feedback request (which follows delivery) went out. An
 * "estimated" date after that would be stale.
 */
export function isSettled(view: TrackView, config: StoreConfig, now: Date): boolean {
  if (!isOpen(view.state)) return true;
  if ((view.ledger ?? []).some((e) => e.kind === 'feedback_request')) return true;
  return deliveredAt(decisionContext(view, config, now)) !== undefined;
}

/** The delivery estimates in force now, for the order and each undelivered shipment. */
export function currentEstimates(view: TrackView, config: StoreConfig, now: Date): Estimates {
  const { state } = view;
  if (isSettled(view, config, now)) return { byShipment: new Map() };
  const ctx = decisionContext(view, config, now);
  const byShipment = new Map<string, string>();
  for (const s of state.shipments) if (s.status !== 'delivered') byShipment.set(s.shipmentId, shipmentEstimate(ctx, s));
  let order = [...byShipment.values()].reduce<string | undefined>((a, b) => later(a, b), undefined);
  if (!isFullyShipped(state)) {
    // Items still to ship arrive no earlier than the order-level promise, nor than a reported
    // new delivery date (currentDeliverBy follows only ship-by delays; the delay notice, like
    // this page, uses the reported date).
    order = later(order, currentDeliverBy(ctx));
    for (const d of state.delays) if (!d.shipmentId && d.newDeliverBy) order = later(order, d.newDeliverBy);
  }
  return { order, byShipment };
}

/** Timeline entries oldest first, as the shopper reads a story; equal times keep event order. */
export function timelineEntries(state: OrderState): TimelineEntry[] {
  return state.timeline
    .map((entry, i) => ({ entry, i }))
    .filter(({ entry }) => entry.type !== 'updated')
    .sort((a, b) => Date.parse(a.entry.at) - Date.parse(b.entry.at) || a.i - b.i)
    .map(({ entry }) => entry);
}

/** A delay notice we emailed about a missed promise, as the order history shows it. */
export interface DelayNoticeEntry {
  at: string;
  missedPromise: string;
  newEstimate: string;
}

/**
 * The delay notices sent (or possibly sent) for missed promises, oldest first. A notice about a
 * platform-reported delay (`reported`, or a `report:` ref before issue 11's one-notice-per-order
 * refs) is left out: the report itself is already in the history.
 */
export function delayNoticeEntries(ledger: readonly LedgerEntry[]): DelayNoticeEntry[] {
  return ledger
    .filter((e) => e.kind === 'delay_notice' && e.status !== 'skipped' && !e.ref.startsWith('report:') && !e.reported && e.missedPromise && e.newEstimate)
    .map((e) => ({ at: e.sentAt ?? e.claimedAt, missedPromise: e.missedPromise!, newEstimate: e.newEstimate! }))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** The most recent reported delay that still matters: the order is open and its shipment is not delivered. */
export function activeDelay(state: OrderState): ReportedDelay | undefined {
  if (!isOpen(state)) return undefined;
  return state.delays
    .filter((d) => !d.shipmentId || state.shipments.find((s) => s.shipmentId === d.shipmentId)?.status !== 'delivered')
    .reduce<ReportedDelay | undefined>((latest, d) => (!latest || Date.parse(d.at) >= Date.parse(latest.at) ? d : latest), undefined);
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** Date and time of a timeline event, in the shopper's zone ("24 Nov 2026, 09:12 CET"). */
export function formatDateTime(iso: string, locale: string, timeZone?: string): string {
  const key = `${locale}|${timeZone ?? ''}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
    const tag = canonicalLocale(locale) ?? 'en';
    try {
      format = new Intl.DateTimeFormat(tag, { ...options, timeZone: timeZone ?? 'UTC' });
    } catch {
      // An unknown zone from an order must not break the page: fall back to UTC.
      format = new Intl.DateTimeFormat(tag, { ...options, timeZone: 'UTC' });
    }
    if (dateTimeFormats.size > 200) dateTimeFormats.clear();
    dateTimeFormats.set(key, format);
  }
  return format.format(Date.parse(iso));
}

/** What the tracking page shows beyond the order: the merchant's responses to feedback and the shopper's points. */
export interface TrackExtras {
  responses?: ReadonlyArray<{ at: string; reply: string; outcome: FeedbackOutcome }>;
  points?: { balance: number; history: PointsCredit[] };
}

export function renderTrackPage(ctx: PageContext, view: TrackView, config: StoreConfig, now: Date, extras: TrackExtras = {}): RenderedPage {
  const { state } = view;
  const order = state.order;
  const p = trackPageText(ctx);
  const m = trackingMessagesFor(ctx.language);
  if (!order) throw new Error(`renderTrackPage: order ${state.orderId} has no order data`);
  const date = (iso: string) => formatDate(iso, ctx.locale, ctx.timeZone);
  const dateTime = (iso: string) => formatDateTime(iso, ctx.locale, ctx.timeZone);
  const estimates = currentEstimates(view, config, now);
  const delay = isSettled(view, config, now) ? undefined : activeDelay(state);
  const shipmentNo = new Map(state.shipments.map((s, i) => [s.shipmentId, i + 1]));
  const titleOf = new Map(order.lineItems.map((li) => [li.id, li.variant ? `${li.title} (${li.variant})` : li.title]));
  const delayReason = (d: ReportedDelay) => (d.reason === 'other' ? p.track.delayOther : m.delay.reasons[d.reason]);
  const knownCancel = (reason: string | undefined) =>
    reason && Object.hasOwn(m.cancellation.knownReasons, reason) ? m.cancellation.knownReasons[reason as keyof typeof m.cancellation.knownReasons] : undefined;

  const timelineItem = (e: TimelineEntry): SafeHtml => {
    const n = e.shipmentId ? shipmentNo.get(e.shipmentId) : undefined;
    const ref = n !== undefined && state.shipments.length > 1 ? html` · ${p.track.shipmentRef(n)}` : '';
    let detail: unknown = e.message;
    if (e.type === 'delayed') {
      const d = state.delays.find((x) => x.at === e.at && x.shipmentId === e.shipmentId);
      detail = d ? [delayReason(d), d.message].filter(Boolean).join(' ') : e.message;
    } else if (e.type === 'cancelled') {
      // Raw platform codes ("fraud", "other") are not for the shopper; only the ones we can say nicely.
      detail = knownCancel(e.message);
    } else if (e.type === 'refunded') {
      // The amount, as the refund email stated it.
      const r = state.refunds?.find((x) => x.at === e.at && x.amount);
      detail = r?.amount ? (r.currency && r.currency !== order.currency ? `${r.amount} ${r.currency}` : formatMoney(r.amount, order.currency, ctx.locale)) : undefined;
    } else if (e.type === 'tracking_updated') {
      const s = state.shipments.find((x) => x.shipmentId === e.shipmentId);
      detail = s ? [s.carrier, s.trackingNumber].filter(Boolean).join(' ') || undefined : undefined;
    } else if (e.type === 'pickup_ready') {
      detail = state.pickup?.location ?? config.pickup?.location;
    }
    return html`<li><time datetime="${e.at}">${dateTime(e.at)}</time><br><strong>${p.track.events[e.type]}</strong>${ref}${
      detail ? html`<br><span class="muted">${detail}</span>` : ''
    }</li>`;
  };

  const noticeItem = (n: DelayNoticeEntry): SafeHtml =>
    html`<li><time datetime="${n.at}">${dateTime(n.at)}</time><br><strong>${p.track.delayNoticeSent}</strong><br><span class="muted">${p.track.delayNoticeDetail(
      date(n.missedPromise),
      date(n.newEstimate),
    )}</span></li>`;
  // The platform's events and the notices we sent, in one story, oldest first (a notice after
  // an event of the same instant).
  const history = [
    ...timelineEntries(state).map((e, i) => ({ at: e.at, order: i, item: timelineItem(e) })),
    ...delayNoticeEntries(view.ledger ?? []).map((n, i) => ({ at: n.at, order: 100_000 + i, item: noticeItem(n) })),
    ...(extras.responses ?? []).map((r, i) => ({ at: r.at, order: 200_000 + i, item: responseEntry(ctx, r, dateTime) })),
  ]
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.order - b.order)
    .map((h) => h.item);

  const shipmentCard = (s: ShipmentState, i: number): SafeHtml => {
    const url = safeHttpUrl(s.trackingUrl);
    const estimate = estimates.byShipment.get(s.shipmentId);
    const statusLabel = p.track.events[s.status === 'created' ? 'shipped' : s.status === 'failure' ? 'delivery_failure' : s.status];
    return html`<section class="shipment" aria-labelledby="shipment-${i + 1}">
<h3 id="shipment-${i + 1}">${p.track.shipmentOf(i + 1, state.shipments.length)}</h3>
<dl>
<dt>${p.track.shipmentStatus}</dt><dd>${statusLabel}${s.status === 'delivered' && s.deliveredAt ? html` (${dateTime(s.deliveredAt)})` : ''}</dd>
${s.carrier ? html`<dt>${m.shipping.carrier}</dt><dd>${s.carrier}</dd>` : ''}
${s.trackingNumber ? html`<dt>${m.shipping.trackingNumber}</dt><dd>${s.trackingNumber}</dd>` : ''}
${estimate ? html`<dt>${m.shipping.estimatedDelivery}</dt><dd>${date(estimate)}</dd>` : ''}
</dl>
${url ? html`<p><a href="${url}" rel="noopener noreferrer">${m.shipping.trackWithCarrier(s.carrier)}</a></p>` : ''}
${
  s.lineItems.length > 0
    ? html`<ul class="items">${s.lineItems.map((li) => html`<li>${titleOf.get(li.lineItemId) ?? m.common.itemFallback(li.lineItemId)} · ${m.common.quantity(li.quantity)}</li>`)}</ul>`
    : ''
}
</section>`;
  };

  const address = order.shippingAddress;
  const shipTo = address ? [address.name, address.city, address.country].filter(Boolean).join(', ') : '';
  const cancelReason = knownCancel(state.cancelled?.reason);

  const body = html`<h1>${m.common.orderLabel(order.orderName)}</h1>
<p class="muted">${p.track.placedOn(date(order.placedAt))}</p>
<dl class="status">
<dt>${p.track.status}</dt><dd>${p.track.statuses[state.status]}</dd>
${estimates.order ? html`<dt>${m.shipping.estimatedDelivery}</dt><dd>${date(estimates.order)}</dd>` : ''}
${shipTo ? html`<dt>${m.receipt.shipTo}</dt><dd>${shipTo}</dd>` : ''}
</dl>
${state.cancelled ? html`<p class="notice">${p.track.cancelledNotice}${cancelReason ? html` ${cancelReason}` : ''}</p>` : ''}
${
  delay
    ? html`<div class="notice" role="status"><p><strong>${m.delay.heading}</strong></p><p>${delayReason(delay)}${delay.message ? html` ${delay.message}` : ''}</p>${
        estimates.order ? html`<p>${m.delay.newDeliverBy}${m.common.colon}${date(estimates.order)}</p>` : ''
      }</div>`
    : ''
}
<h2>${p.track.shipments}</h2>
${state.shipments.length > 0 ? state.shipments.map(shipmentCard) : html`<p>${p.track.noShipmentsYet}</p>`}
<h2>${p.track.items}</h2>
<ul class="items">${order.lineItems.map((li) => html`<li>${titleOf.get(li.id)} · ${m.common.quantity(li.quantity)}</li>`)}</ul>
<h2>${p.track.timeline}</h2>
<ol class="timeline">${history}</ol>
${extras.points ? pointsSection(ctx, extras.points) : ''}`;

  return renderLayout(ctx, { status: 200, title: m.common.orderLabel(order.orderName), body });
}

export interface LookupFormOptions {
  /** Stores to choose from; a select appears when there is more than one. */
  stores: ReadonlyArray<{ storeId: string; name: string }>;
  /** A store fixed by the link (`?store=`), sent as a hidden field. */
  store?: string;
  values?: { order?: string; email?: string; store?: string };
  error?: 'not_found' | 'incomplete';
}

/** The order lookup form; the same page, with a generic message, answers a failed lookup. */
export function renderLookupPage(ctx: PageContext, options: LookupFormOptions): RenderedPage {
  const p = trackPageText(ctx);
  const error = options.error === 'not_found' ? p.lookup.notFound : options.error === 'incomplete' ? p.lookup.incomplete : undefined;
  const storeField =
    options.store !== undefined
      ? html`<input type="hidden" name="store" value="${options.store}">`
      : options.stores.length > 1
        ? html`<label for="store">${p.lookup.store}</label>
<select id="store" name="store" required>${options.stores.map((s) => html`<option value="${s.storeId}"${options.values?.store === s.storeId ? html` selected` : ''}>${s.name}</option>`)}</select>`
        : '';
  const body = html`<h1>${p.lookup.title}</h1>
<p>${p.lookup.intro}</p>
${error ? html`<p class="error" role="alert" id="lookup-error">${error}</p>` : ''}
<form method="post">
${storeField}
<label for="order">${p.lookup.orderNumber}</label>
<input id="order" name="order" type="text" required maxlength="100" autocomplete="off" aria-describedby="order-hint${error ? ' lookup-error' : ''}" value="${options.values?.order ?? ''}">
<p class="hint" id="order-hint">${p.lookup.orderNumberHint}</p>
<label for="email">${p.lookup.email}</label>
<input id="email" name="email" type="email" required maxlength="320" autocomplete="email" value="${options.values?.email ?? ''}">
<button type="submit">${p.lookup.submit}</button>
</form>`;
  const status = options.error === 'not_found' ? 404 : options.error === 'incomplete' ? 400 : 200;
  return renderLayout(ctx, { status, title: p.lookup.title, body });
}
