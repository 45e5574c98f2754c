/**
 * Promise arithmetic: ship-by and deliver-by dates in business days, counted in the store's
 * time zone, ending at the store's cutoff hour. Pure: the clock is an argument.
 */
import type { PromiseDefaults } from './store-config.js';

const DAY_MS = 86_400_000;

interface LocalDate {
  y: number;
  m: number; // 1-12
  d: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a time zone. */
function wallClock(instant: number, timeZone: string) {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  return { y: +parts.year!, m: +parts.month!, d: +parts.day!, h: +parts.hour!, min: +parts.minute!, s: +parts.second! };
}

/** The instant at which the wall clock in `timeZone` reads the given date and hour. */
export function zonedInstant(date: LocalDate, hour: number, timeZone: string): number {
  const target = Date.UTC(date.y, date.m - 1, date.d, hour);
  let guess = target;
  // Two passes settle the offset, including across a DST change.
  for (let i = 0; i < 2; i++) {
    const w = wallClock(guess, timeZone);
    const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s);
    guess += target - asUtc;
  }
  return guess;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d) + days * DAY_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function isoDate(date: LocalDate): string {
  return `${date.y}-${String(date.m).padStart(2, '0')}-${String(date.d).padStart(2, '0')}`;
}

function isBusinessDay(date: LocalDate, cfg: PromiseDefaults): boolean {
  const weekday = ((new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay() + 6) % 7) + 1; // ISO 1..7
  return cfg.businessDays.includes(weekday) && !cfg.holidays.includes(isoDate(date));
}

/**
 * The end (cutoff) of the `days`-th business day after `from`. An instant after the cutoff, or
 * on a non-business day, starts counting from the next business day.
 */
export function addBusinessDays(from: string | number, days: number, cfg: PromiseDefaults): string {
  const instant = typeof from === 'number' ? from : Date.parse(from);
  const w = wallClock(instant, cfg.timeZone);
  let date: LocalDate = { y: w.y, m: w.m, d: w.d };
  if (w.h >= cfg.cutoffHour || !isBusinessDay(date, cfg)) {
    do date = addDays(date, 1);
    while (!isBusinessDay(date, cfg));
  }
  for (let left = days; left > 0; ) {
    date = addDays(date, 1);
    if (isBusinessDay(date, cfg)) left--;
  }
  return new Date(zonedInstant(date, cfg.cutoffHour, cfg.timeZone)).toISOString();
}

/** Business days in transit for a shipping method, falling back to the default. */
export function transitDaysFor(method: string | undefined, cfg: PromiseDefaults): number {
  // The method code comes from the order: an own-property check, so "constructor" is just unknown.
  const byMethod = cfg.transitDays.byMethod;
  return (method !== undefined && Object.hasOwn(byMethod, method) ? byMethod[method] : undefined) ?? cfg.transitDays.default;
}

/** The later of two ISO instants (undefined-safe). */
export function later(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

export function addDaysIso(from: string, days: number): string {
  return new Date(Date.parse(from) + days * DAY_MS).toISOString();
}
