/**
 * What the console's overview counts, per store and per day (UTC), so that opening it reads a
 * month of day items instead of scanning orders. Counters are added once, where the fact is
 * recorded: an email when its ledger line settles as sent, a delivery event when SES reports
 * it, a rating when it is stored, and an order's milestones (shipped, delivered, a reported
 * delay) when the router sees them, each behind a marker so a repeat adds nothing.
 */
import type { DecisionContext } from '../lifecycle.js';
import { isDelivered } from '../order-state.js';
import { baseDeliverBy, baseShipBy } from '../policy.js';

/** Counter names (attributes of a day item). */
export const counter = {
  sent: (kind: string) => `sent.${kind}`,
  delivery: (outcome: 'delivered' | 'bounced' | 'complained' | 'delayed') => `mail.${outcome}`,
  rating: (rating: number) => `rating.${rating}`,
  shipOnTime: 'ship.onTime',
  shipLate: 'ship.late',
  deliveryOnTime: 'delivery.onTime',
  deliveryLate: 'delivery.late',
  delayReason: (reason: string) => `delay.${reason}`,
  /** Days from order to delivery, as a histogram: `days.<n>`, the last bucket `days.30` meaning 30 or more. */
  daysToDelivery: (days: number) => `days.${Math.min(30, Math.max(0, days))}`,
} as const;

export const MAX_DAYS_BUCKET = 30;

export type Counters = Record<string, number>;

/** The UTC day of an instant: `2026-12-01`. */
export const dayOf = (iso: string | Date) => (typeof iso === 'string' ? new Date(iso) : iso).toISOString().slice(0, 10);

/** One order's contribution, applied once per key (`shipped`, `delivered`, `delay:<report id>`). */
export interface Tally {
  key: string;
  day: string;
  counters: Counters;
}

const DAY_MS = 86_400_000;

/**
 * An order's milestones so far: the first shipment against the ship-by the receipt promised,
 * the delivery (reported, not assumed) against its deliver-by and the days it took, and each
 * delay the platform reported, by reason. Promises kept or missed are those of the receipt:
 * a delay notice moves the promise in force, not what the merchant first promised.
 */
export function orderTallies(ctx: DecisionContext): Tally[] {
  const { state } = ctx;
  const order = state.order;
  if (!order) return [];
  const out: Tally[] = [];
  const real = state.shipments.filter((s) => !s.provisional);
  if (real.length > 0) {
    const first = real.map((s) => s.shippedAt).sort()[0]!;
    const shipBy = baseShipBy(ctx);
    const onTime = !shipBy || Date.parse(first) <= Date.parse(shipBy);
    out.push({ key: 'shipped', day: dayOf(first), counters: { [onTime ? counter.shipOnTime : counter.shipLate]: 1 } });
  }
  if (isDelivered(state)) {
    // A collected pickup order is delivered when it was collected, parcel or none (with none, the
    // router's every pickup.completed failed here and was dead-lettered).
    const at = state.pickup?.pickedUpAt ?? state.shipments.map((s) => s.deliveredAt ?? s.statusAt).sort().at(-1)!;
    const deliverBy = baseDeliverBy(ctx);
    const onTime = !deliverBy || Date.parse(at) <= Date.parse(deliverBy);
    const days = Math.floor((Date.parse(at) - Date.parse(order.placedAt)) / DAY_MS);
    out.push({ key: 'delivered', day: dayOf(at), counters: { [onTime ? counter.deliveryOnTime : counter.deliveryLate]: 1, [counter.daysToDelivery(days)]: 1 } });
  }
  for (const d of state.delays) out.push({ key: `delay:${d.id}`, day: dayOf(d.at), counters: { [counter.delayReason(d.reason)]: 1 } });
  return out;
}
