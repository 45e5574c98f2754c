/**
 * A fast-check generator of realistic order histories: a store (time zone, business days,
 * holidays, cutoff, policy), an order (placed any time of 2026–2027, DST included; the shopper's
 * zone known, unknown or made up), split shipments with carrier estimates or none, status
 * updates in any order, late and duplicated, delivery reported or never, delays reported with or
 * without dates, cancellations, refunds and order edits at any point, unsubscribes, bounces, feedback given
 * or not. `toSim` turns one into the simulator's input; its toString prints it readably (that is
 * what a failing property shows, shrunk).
 */
import fc from 'fast-check';
import type { DomainEvent } from '../../functions/domain/events.js';
import { orderSchema, type Order } from '../../functions/domain/order.js';
import { storeConfigSchema, type StoreConfig } from '../../functions/domain/store-config.js';
import type { Happening, SimInput } from './timeline-sim.js';

const HOUR = 3_600_000;
export const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'America/Los_Angeles', 'UTC'] as const;

export interface GenShipment {
  id: string;
  items: Array<{ lineItemId: string; quantity: number }>;
  afterH: number;
  /** The carrier's estimate, hours after shipping; none: the store computes one. */
  estimateH?: number;
  updates: Array<{ status: 'in_transit' | 'out_for_delivery' | 'attempted_delivery' | 'failure' | 'delivered'; afterH: number }>;
  /** A tracking-only update (a new carrier and number), hours after shipping: a shipping update. */
  retrackH?: number;
}

export interface GenTimeline {
  store: { zone: string; handlingDays: number; transitDays: number; cutoffHour: number; businessDays: number[]; holidayOffsets: number[] };
  lifecycle: { feedbackDelayDays: number; feedbackReminderDays: number; delayGraceDays: number };
  policy: { maxPerOrder: number; minSpacingDays: number; assumeDeliveredDaysAfterEstimate: number; quietHours: { start: string; end: string } };
  placedAt: number;
  customerZone?: string;
  items: Array<{ id: string; quantity: number }>;
  promises: { shipByH?: number; deliverByH?: number };
  shipments: GenShipment[];
  delays: Array<{ afterH: number; shipment?: number; newShipByH?: number; newDeliverByH?: number; reason: 'backorder' | 'carrier_exception' | 'weather' | 'other' }>;
  cancelAfterH?: number;
  refund?: { afterH: number; full: boolean };
  /**
   * An order edit, hours after the order: one unit fewer (or an item fewer), or one more of the
   * first item; reported as an order.edited carrying the order, an order.updated alone (Shopify
   * signals some edits only so), or both (the order.edited first, its order.updated after).
   */
  edit?: { afterH: number; via: 'edited' | 'updated' | 'both'; change: 'less' | 'more'; notify: boolean };
  /** A local pickup order (no shipments): ready to collect, and collected (or never). */
  pickup?: { readyH: number; collectedH?: number };
  unsubscribeAfterH?: number;
  bounceAfterH?: number;
  feedbackAfterRequestH?: number;
  /** Per event, in the order toSim builds them: hours late it arrives, and whether it arrives twice. */
  arrival: Array<{ lagH: number; duplicateLagH?: number }>;
}

const hours = (max: number) => fc.integer({ min: 0, max: max * 4 }).map((q) => q / 4);
/** A value with probability `p`, else undefined (what shrinking goes to). */
const maybe = <T>(arb: fc.Arbitrary<T>, p = 0.5): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: Math.round(100 * (1 - p)), arbitrary: fc.constant(undefined) }, { weight: Math.round(100 * p), arbitrary: arb });

const shipmentArb = (id: string) =>
  fc.record({
    afterH: hours(400),
    estimateH: maybe(hours(600).map((h) => h + 12), 0.5),
    updates: fc.array(fc.record({ status: fc.constantFrom('in_transit', 'out_for_delivery', 'attempted_delivery', 'failure' as const), afterH: hours(400) }), { maxLength: 2 }),
    // Some platforms never report delivery.
    deliveredH: maybe(hours(500), 0.6),
    retrackH: maybe(hours(300), 0.25),
    id: fc.constant(id),
  })
  .map(({ deliveredH, updates, ...s }) => ({ ...s, updates: deliveredH === undefined ? updates : [...updates, { status: 'delivered' as const, afterH: deliveredH }] }));

export const timelineArb: fc.Arbitrary<GenTimeline> = fc
  .record({
    store: fc.record({
      zone: fc.constantFrom(...ZONES),
      handlingDays: fc.integer({ min: 0, max: 3 }),
      transitDays: fc.integer({ min: 1, max: 5 }),
      cutoffHour: fc.integer({ min: 12, max: 18 }),
      businessDays: fc.constantFrom([1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6]).map((d) => [...d]),
      holidayOffsets: fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 3 }),
    }),
    lifecycle: fc.record({ feedbackDelayDays: fc.integer({ min: 0, max: 10 }), feedbackReminderDays: fc.integer({ min: 1, max: 6 }), delayGraceDays: fc.integer({ min: 1, max: 3 }) }),
    policy: fc.record({
      maxPerOrder: fc.integer({ min: 0, max: 3 }),
      minSpacingDays: fc.constantFrom(0.5, 1, 3, 5),
      assumeDeliveredDaysAfterEstimate: fc.integer({ min: 0, max: 5 }),
      quietHours: fc.constantFrom({ start: '21:00', end: '08:00' }, { start: '22:30', end: '07:00' }, { start: '00:00', end: '00:00' }, { start: '13:00', end: '15:00' }),
    }),
    // Any minute of 2026–2027, plus 7 s so that nothing lands exactly on a cutoff by accident.
    placedAt: fc.integer({ min: Date.parse('2026-01-01T00:00:00Z') / 60_000, max: Date.parse('2027-12-31T00:00:00Z') / 60_000 }).map((m) => m * 60_000 + 7_000),
    customerZone: maybe(fc.constantFrom(...ZONES, 'Mars/Olympus_Mons'), 0.6),
    items: fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => fc.record({ id: fc.constant(`li-${i + 1}`), quantity: fc.integer({ min: 1, max: 2 }) })))),
    promises: fc.record({ shipByH: maybe(hours(120).map((h) => h + 6), 0.3), deliverByH: maybe(hours(400).map((h) => h + 48), 0.3) }),
    // Which shipment each line item goes in (3: never shipped).
    groups: fc.array(fc.constantFrom(0, 0, 0, 1, 1, 2, 3), { minLength: 3, maxLength: 3 }),
    shipmentDetails: fc.tuple(shipmentArb('s1'), shipmentArb('s2'), shipmentArb('s3')),
    delays: fc.array(
      fc.record({
        afterH: hours(400),
        shipment: maybe(fc.integer({ min: 0, max: 2 }), 0.4),
        newShipByH: maybe(hours(300).map((h) => h + 24), 0.4),
        newDeliverByH: maybe(hours(300).map((h) => h + 24), 0.4),
        reason: fc.constantFrom('backorder', 'carrier_exception', 'weather', 'other' as const),
      }),
      { maxLength: 2 },
    ),
    cancelAfterH: maybe(hours(500), 0.15),
    pickup: maybe(fc.record({ readyH: hours(200), collectedH: maybe(hours(300), 0.7) }), 0.12),
    edit: maybe(
      fc.record({ afterH: hours(200), via: fc.constantFrom('edited', 'updated', 'both' as const), change: fc.constantFrom('less', 'more' as const), notify: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) }),
      0.2,
    ),
    refund: maybe(fc.record({ afterH: hours(600), full: fc.boolean() }), 0.15),
    unsubscribeAfterH: maybe(hours(900), 0.1),
    bounceAfterH: maybe(hours(900), 0.03),
    feedbackAfterRequestH: maybe(hours(200), 0.5),
    arrival: fc.array(fc.record({ lagH: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: hours(72) }), duplicateLagH: maybe(hours(72), 0.15) }), {
      minLength: 30,
      maxLength: 30,
    }),
  })
  .map(({ groups, shipmentDetails, ...rest }) => {
    const shipments: GenShipment[] = [];
    shipmentDetails.forEach((s, g) => {
      const items = rest.items.filter((_, i) => groups[i] === g).map((li) => ({ lineItemId: li.id, quantity: li.quantity }));
      if (items.length) shipments.push({ ...s, items });
    });
    // A pickup order ships nothing.
    const shipped = rest.pickup ? [] : shipments;
    const t: GenTimeline = { ...rest, shipments: shipped, delays: rest.delays.map((d) => ({ ...d, shipment: d.shipment !== undefined && d.shipment < shipped.length ? d.shipment : undefined })) };
    return Object.assign(t, { [fc.toStringMethod]: () => describeTimeline(t) });
  });

export const STORE_ID = 'timeline.example';

export function storeConfigOf(t: GenTimeline): StoreConfig {
  const holidays = t.store.holidayOffsets.map((d) => new Date(t.placedAt + d * 86_400_000).toLocaleDateString('sv-SE', { timeZone: t.store.zone }));
  return storeConfigSchema.parse({
    storeId: STORE_ID,
    branding: { name: 'Timeline Store', supportEmail: 'help@timeline.example', postalAddress: '1 Example Street, Berlin' },
    promises: { timeZone: t.store.zone, handlingDays: t.store.handlingDays, transitDays: { default: t.store.transitDays }, cutoffHour: t.store.cutoffHour, businessDays: t.store.businessDays, holidays },
    lifecycle: t.lifecycle,
    policy: { delayNotices: { maxPerOrder: t.policy.maxPerOrder, minSpacingDays: t.policy.minSpacingDays }, assumeDeliveredDaysAfterEstimate: t.policy.assumeDeliveredDaysAfterEstimate, quietHours: t.policy.quietHours },
  });
}

/** The line items after the timeline's edit (as ordered if there is none, or it cannot apply). */
export function editedItems(t: GenTimeline): GenTimeline['items'] {
  const items = t.items.map((li) => ({ ...li }));
  if (!t.edit) return items;
  if (t.edit.change === 'less') {
    const two = items.findIndex((li) => li.quantity > 1);
    if (two >= 0) return items.map((li, i) => (i === two ? { ...li, quantity: li.quantity - 1 } : li));
    if (items.length > 1) return items.slice(0, -1);
  }
  return items.map((li, i) => (i === 0 ? { ...li, quantity: li.quantity + 1 } : li));
}

export function orderOf(t: GenTimeline, orderId = 'T-1', items = t.items): Order {
  const iso = (h: number) => new Date(t.placedAt + h * HOUR).toISOString();
  return orderSchema.parse({
    orderId,
    orderName: `#${orderId}`,
    placedAt: iso(0),
    currency: 'EUR',
    customer: { email: `shopper-${orderId.toLowerCase()}@example.com`, firstName: 'Zoë', locale: 'en-GB', timeZone: t.customerZone },
    lineItems: items.map((li) => ({ id: li.id, title: `Item ${li.id}`, quantity: li.quantity, unitPrice: '10.00', total: `${10 * li.quantity}.00` })),
    subtotal: `${items.reduce((a, li) => a + 10 * li.quantity, 0)}.00`,
    total: `${items.reduce((a, li) => a + 10 * li.quantity, 0)}.00`,
    paymentStatus: 'paid',
    promises: { shipBy: t.promises.shipByH !== undefined ? iso(t.promises.shipByH) : undefined, deliverBy: t.promises.deliverByH !== undefined ? iso(t.promises.deliverByH) : undefined },
  });
}

/** The domain events of a timeline, with when each happened (hours after the order). */
export function eventsOf(t: GenTimeline, orderId = 'T-1', store = STORE_ID): DomainEvent[] {
  const iso = (h: number) => new Date(t.placedAt + h * HOUR).toISOString();
  const env = (id: string, h: number) => ({ eventId: `${orderId}-${id}`, store, source: 'generic' as const, occurredAt: iso(h) });
  const out: DomainEvent[] = [{ ...env('placed', 0), type: 'order.placed', data: { order: orderOf(t, orderId) } }];
  for (const s of t.shipments) {
    out.push({
      ...env(`ship-${s.id}`, s.afterH),
      type: 'shipment.created',
      data: { orderId, shipment: { shipmentId: s.id, lineItems: s.items, carrier: 'DHL', trackingNumber: `JD${s.id}`, estimatedDelivery: s.estimateH !== undefined ? iso(s.afterH + s.estimateH) : undefined } },
    });
    s.updates.forEach((u, k) => out.push({ ...env(`upd-${s.id}-${k}`, s.afterH + u.afterH), type: 'shipment.updated', data: { orderId, shipmentId: s.id, status: u.status } }));
    if (s.retrackH !== undefined) out.push({ ...env(`retrack-${s.id}`, s.afterH + s.retrackH), type: 'shipment.updated', data: { orderId, shipmentId: s.id, carrier: 'UPS', trackingNumber: `1Z${s.id}` } });
  }
  t.delays.forEach((d, k) =>
    out.push({
      ...env(`delay-${k}`, d.afterH),
      type: 'order.delayed',
      data: {
        orderId,
        reason: d.reason,
        shipmentId: d.shipment !== undefined ? t.shipments[d.shipment]!.id : undefined,
        newShipBy: d.newShipByH !== undefined ? iso(d.afterH + d.newShipByH) : undefined,
        newDeliverBy: d.newDeliverByH !== undefined ? iso(d.afterH + d.newDeliverByH) : undefined,
      },
    }),
  );
  if (t.pickup) {
    out.push({ ...env('pickup-ready', t.pickup.readyH), type: 'pickup.ready', data: { orderId, location: 'Timeline Store, 1 Example Street' } });
    if (t.pickup.collectedH !== undefined) out.push({ ...env('pickup-done', t.pickup.readyH + t.pickup.collectedH), type: 'pickup.completed', data: { orderId } });
  }
  if (t.edit) {
    const after = orderOf(t, orderId, editedItems(t));
    const was = new Map(t.items.map((li) => [li.id, li.quantity]));
    const now = new Map(after.lineItems.map((li) => [li.id, li.quantity]));
    const added = after.lineItems.filter((li) => li.quantity > (was.get(li.id) ?? 0)).map((li) => ({ lineItemId: li.id, quantity: li.quantity - (was.get(li.id) ?? 0) }));
    const removed = t.items.filter((li) => li.quantity > (now.get(li.id) ?? 0)).map((li) => ({ lineItemId: li.id, quantity: li.quantity - (now.get(li.id) ?? 0) }));
    const { afterH, via, notify } = t.edit;
    if (via !== 'updated')
      out.push({ ...env('edit', afterH), type: 'order.edited', data: { orderId, editId: `ed-${orderId}`, added, removed, notifyCustomer: notify, ...(via === 'edited' ? { order: after } : {}) } });
    if (via !== 'edited') out.push({ ...env('edit-update', via === 'both' ? afterH + 0.25 : afterH), type: 'order.updated', data: { order: after } });
  }
  if (t.cancelAfterH !== undefined) out.push({ ...env('cancel', t.cancelAfterH), type: 'order.cancelled', data: { orderId, reason: 'customer' } });
  if (t.refund) {
    // A refund as platforms report it: its amount (all of it, or part), and its id.
    const total = `${t.items.reduce((a, li) => a + 10 * li.quantity, 0)}.00`;
    out.push({ ...env('refund', t.refund.afterH), type: 'order.refunded', data: { orderId, full: t.refund.full, refundId: `rf-${orderId}`, amount: t.refund.full ? total : '5.00' } });
  }
  return out;
}

/** Arrival of every event (late, twice) and the shopper's own actions. */
export function happeningsOf(t: GenTimeline, orderId = 'T-1', store = STORE_ID): Happening[] {
  const out: Happening[] = [];
  eventsOf(t, orderId, store).forEach((event, i) => {
    const a = t.arrival[i % t.arrival.length]!;
    const at = Date.parse(event.occurredAt);
    out.push({ kind: 'event', arriveAt: at + a.lagH * HOUR, event });
    if (a.duplicateLagH !== undefined) out.push({ kind: 'event', arriveAt: at + a.duplicateLagH * HOUR, event });
  });
  if (t.unsubscribeAfterH !== undefined) out.push({ kind: 'unsubscribe', arriveAt: t.placedAt + t.unsubscribeAfterH * HOUR });
  if (t.bounceAfterH !== undefined) out.push({ kind: 'bounce', arriveAt: t.placedAt + t.bounceAfterH * HOUR });
  return out;
}

export function toSim(t: GenTimeline): SimInput {
  return { config: storeConfigOf(t), happenings: happeningsOf(t), feedbackAfterRequestHours: t.feedbackAfterRequestH, horizonMs: t.placedAt + 200 * 86_400_000 };
}

const h = (x: number) => `+${Math.floor(x / 24)}d${String(Math.floor(x % 24)).padStart(2, '0')}h${x % 1 ? String(Math.round((x % 1) * 60)).padStart(2, '0') : ''}`;

/** One line per fact, times relative to the order: what a failing property prints. */
export function describeTimeline(t: GenTimeline): string {
  const lines = [
    `store ${t.store.zone}, handling ${t.store.handlingDays}bd, transit ${t.store.transitDays}bd, cutoff ${t.store.cutoffHour}:00, days [${t.store.businessDays}], holidays +[${t.store.holidayOffsets}]d`,
    `lifecycle feedback +${t.lifecycle.feedbackDelayDays}d, reminder +${t.lifecycle.feedbackReminderDays}d, grace ${t.lifecycle.delayGraceDays}bd; policy max ${t.policy.maxPerOrder} notices ${t.policy.minSpacingDays}d apart, assume delivered +${t.policy.assumeDeliveredDaysAfterEstimate}d, quiet ${t.policy.quietHours.start}–${t.policy.quietHours.end}`,
    `order placed ${new Date(t.placedAt).toISOString()} (shopper zone ${t.customerZone ?? 'unknown'}), items ${t.items.map((i) => `${i.id}×${i.quantity}`).join(' ')}` +
      `${t.promises.shipByH !== undefined ? `, ship by ${h(t.promises.shipByH)}` : ''}${t.promises.deliverByH !== undefined ? `, deliver by ${h(t.promises.deliverByH)}` : ''}`,
  ];
  for (const s of t.shipments) {
    lines.push(`  ${h(s.afterH)} shipment ${s.id} [${s.items.map((i) => `${i.lineItemId}×${i.quantity}`).join(' ')}]${s.estimateH !== undefined ? ` carrier estimate ${h(s.afterH + s.estimateH)}` : ''}`);
    for (const u of s.updates) lines.push(`  ${h(s.afterH + u.afterH)} ${s.id} ${u.status}`);
    if (s.retrackH !== undefined) lines.push(`  ${h(s.afterH + s.retrackH)} ${s.id} new tracking (UPS 1Z${s.id})`);
  }
  for (const d of t.delays)
    lines.push(
      `  ${h(d.afterH)} delay reported (${d.reason})${d.shipment !== undefined ? ` for ${t.shipments[d.shipment]!.id}` : ''}${d.newShipByH !== undefined ? ` new ship-by ${h(d.afterH + d.newShipByH)}` : ''}${d.newDeliverByH !== undefined ? ` new deliver-by ${h(d.afterH + d.newDeliverByH)}` : ''}`,
    );
  if (t.pickup) lines.push(`  ${h(t.pickup.readyH)} ready for pickup${t.pickup.collectedH !== undefined ? `, collected ${h(t.pickup.readyH + t.pickup.collectedH)}` : ', never collected'}`);
  if (t.edit)
    lines.push(`  ${h(t.edit.afterH)} edited (${t.edit.change === 'less' ? 'fewer' : 'more'}: ${editedItems(t).map((i) => `${i.id}×${i.quantity}`).join(' ')}) by ${t.edit.via === 'both' ? 'order.edited then order.updated' : `order.${t.edit.via}`}${t.edit.notify ? '' : ', not to be told'}`);
  if (t.cancelAfterH !== undefined) lines.push(`  ${h(t.cancelAfterH)} cancelled`);
  if (t.refund) lines.push(`  ${h(t.refund.afterH)} refunded${t.refund.full ? ' in full' : ' in part'}`);
  if (t.unsubscribeAfterH !== undefined) lines.push(`  ${h(t.unsubscribeAfterH)} unsubscribes`);
  if (t.bounceAfterH !== undefined) lines.push(`  ${h(t.bounceAfterH)} address bounces`);
  if (t.feedbackAfterRequestH !== undefined) lines.push(`  feedback ${t.feedbackAfterRequestH}h after the request`);
  const late = t.arrival.slice(0, eventsOf(t).length).map((a, i) => (a.lagH || a.duplicateLagH !== undefined ? `#${i}: +${a.lagH}h${a.duplicateLagH !== undefined ? ` and again +${a.duplicateLagH}h` : ''}` : '')).filter(Boolean);
  if (late.length) lines.push(`  arrivals late/duplicated (events in the order above): ${late.join(', ')}`);
  return `\n${lines.join('\n')}`;
}
