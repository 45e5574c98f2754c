/**
 * The overview of one store: a month of its day counters (one Query, whatever its volume)
 * turned into the series the charts draw, the reputation figures against SES's thresholds,
 * whether non-essential mail is paused, and the dead letters waiting.
 */
import { EMAIL_KINDS } from '../../domain/email/context.js';
import { counter, dayOf, MAX_DAYS_BUCKET, type Counters } from '../../domain/console/tallies.js';
import type { ConsoleDeps } from './deps.js';

/** SES's own review thresholds, and the alarms that pause non-essential mail (lib/monitoring.ts). */
export const SES_THRESHOLDS = { bounceReview: 0.05, complaintReview: 0.001, bounceAlarm: 0.04, complaintAlarm: 0.0008 } as const;
export const DELAY_REASONS = ['backorder', 'carrier_exception', 'weather', 'other'] as const;

export interface Overview {
  store: string;
  days: string[];
  /** Email kinds from the registry (functions/domain/email/context.ts), never a list of our own. */
  kinds: string[];
  sentPerKind: Record<string, number[]>;
  resent: number;
  onTime: { ship: { kept: number; missed: number }; delivery: { kept: number; missed: number }; delayReasons: Record<string, number> };
  /** Orders delivered after 0, 1, … 30+ days. */
  daysToDelivery: number[];
  ratings: { perDay: number[]; averagePerDay: (number | null)[]; distribution: number[] };
  mail: { sent: number; delivered: number; bounced: number; complained: number; bounceRate: number; complaintRate: number };
  thresholds: typeof SES_THRESHOLDS;
  nonEssentialPaused: boolean;
  deadLetters: number | null;
}

const sum = (c: Counters, prefix: string) => Object.entries(c).reduce((n, [k, v]) => (k.startsWith(prefix) ? n + v : n), 0);

export async function storeOverview(store: string, deps: Pick<ConsoleDeps, 'orders' | 'consoleStore' | 'now'>, options: { days?: number; deadLetters?: number | null } = {}): Promise<Overview> {
  const n = options.days ?? 30;
  const today = deps.now();
  const days = Array.from({ length: n }, (_, i) => dayOf(new Date(today.getTime() - (n - 1 - i) * 86_400_000)));
  const [items, paused] = await Promise.all([deps.consoleStore.dayCounters(store, days[0]!, days.at(-1)!), deps.orders.nonEssentialPaused()]);
  const byDay = new Map(items.map((i) => [i.day, i.counters]));
  const at = (d: string) => byDay.get(d) ?? {};
  const total: Counters = {};
  for (const i of items) for (const [k, v] of Object.entries(i.counters)) total[k] = (total[k] ?? 0) + v;
  const get = (k: string) => total[k] ?? 0;
  const sentPerKind = Object.fromEntries(EMAIL_KINDS.map((k) => [k, days.map((d) => at(d)[counter.sent(k)] ?? 0)]));
  const sent = sum(total, 'sent.');
  const ratingsPerDay = days.map((d) => [1, 2, 3, 4, 5].reduce((s, r) => s + (at(d)[counter.rating(r)] ?? 0), 0));
  const averagePerDay = days.map((d, i) => {
    const count = ratingsPerDay[i]!;
    if (count === 0) return null;
    return Math.round(([1, 2, 3, 4, 5].reduce((s, r) => s + r * (at(d)[counter.rating(r)] ?? 0), 0) / count) * 100) / 100;
  });
  const delivered = get(counter.delivery('delivered'));
  const bounced = get(counter.delivery('bounced'));
  const complained = get(counter.delivery('complained'));
  return {
    store,
    days,
    kinds: [...EMAIL_KINDS],
    sentPerKind,
    resent: get('resent.total'),
    onTime: {
      ship: { kept: get(counter.shipOnTime), missed: get(counter.shipLate) },
      delivery: { kept: get(counter.deliveryOnTime), missed: get(counter.deliveryLate) },
      delayReasons: Object.fromEntries(DELAY_REASONS.map((r) => [r, get(counter.delayReason(r))])),
    },
    daysToDelivery: Array.from({ length: MAX_DAYS_BUCKET + 1 }, (_, i) => get(counter.daysToDelivery(i))),
    ratings: { perDay: ratingsPerDay, averagePerDay, distribution: [1, 2, 3, 4, 5].map((r) => get(counter.rating(r))) },
    mail: { sent, delivered, bounced, complained, bounceRate: sent ? bounced / sent : 0, complaintRate: sent ? complained / sent : 0 },
    thresholds: SES_THRESHOLDS,
    nonEssentialPaused: paused,
    deadLetters: options.deadLetters ?? null,
  };
}
