/**
 * Calendar arithmetic: ship-by and deliver-by dates in business days, counted in the store's
 * time zone and ending at the store's cutoff hour, and the shopper's local time of day (quiet
 * hours). Pure: the clock is an argument.
 *
 * Wall-clock conversion is Intl's (the zone database Node ships), not Temporal's: Temporal
 * (temporal-polyfill, even through its tree-shakable function API) adds about 21 KB to every
 * bundle that reads a date, which takes the pages bundle to 251 KB, past its 250 KB budget.
 * A local time is resolved to an instant by two offset corrections, which lands a time inside
 * a DST gap after the gap, as Temporal's "compatible" rule does (tests/unit/promises.test.ts).
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
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a time zone. */
function wallClock(instant: number, timeZone: string) {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  return { y: +parts.year!, m: +parts.month!, d: +parts.day!, h: +parts.hour!, min: +parts.minute!, s: +parts.second! };
}

const validZones = new Map<string, boolean>();
/** Whether an IANA zone name is usable (orders carry whatever the platform sent). */
export function isValidTimeZone(timeZone: string | undefined): timeZone is string {
  if (!timeZone) return false;
  let ok = validZones.get(timeZone);
  if (ok === undefined) {
    try {
      formatterFor(timeZone);
      ok = true;
    } catch {
      ok = false;
    }
    validZones.set(timeZone, ok);
  }
  return ok;
}

/** The instant at which the wall clock in `timeZone` reads the given date at hour:minute. */
function atLocal(date: LocalDate, hour: number, minute: number, timeZone: string): number {
  const target = Date.UTC(date.y, date.m - 1, date.d, hour, minute);
  let guess = target;
  // Two corrections settle the offset, across a DST change too (a time in the gap lands after it).
  for (let i = 0; i < 2; i++) {
    const w = wallClock(guess, timeZone);
    guess += target - Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s);
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
 * on a non-business day, starts counting from the next business day; an instant exactly at the
 * cutoff still belongs to its day (a ship-by of Monday 15:00 with a 15:00 cutoff is Monday's).
 */
export function addBusinessDays(from: string | number, days: number, cfg: PromiseDefaults): string {
  const instant = typeof from === 'number' ? from : Date.parse(from);
  // Pure and asked often with the same arguments (every decision recomputes the promises).
  let cache = businessDayCache.get(cfg);
  if (!cache) businessDayCache.set(cfg, (cache = new Map()));
  const key = `${instant}|${days}`;
  let result = cache.get(key);
  if (result === undefined) {
    if (cache.size > 10_000) cache.clear();
    cache.set(key, (result = computeBusinessDays(instant, days, cfg)));
  }
  return result;
}

const businessDayCache = new WeakMap<PromiseDefaults, Map<string, string>>();

function computeBusinessDays(instant: number, days: number, cfg: PromiseDefaults): string {
  const w = wallClock(instant, cfg.timeZone);
  let date: LocalDate = { y: w.y, m: w.m, d: w.d };
  const cutoff = atLocal(date, cfg.cutoffHour, 0, cfg.timeZone);
  if (instant > cutoff || !isBusinessDay(date, cfg)) {
    do date = addDays(date, 1);
    while (!isBusinessDay(date, cfg));
  }
  for (let left = days; left > 0; ) {
    date = addDays(date, 1);
    if (isBusinessDay(date, cfg)) left--;
  }
  return new Date(atLocal(date, cfg.cutoffHour, 0, cfg.timeZone)).toISOString();
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

/** The earlier of two ISO instants (undefined-safe). */
export function earlier(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

export function addDaysIso(from: string, days: number): string {
  return new Date(Date.parse(from) + days * DAY_MS).toISOString();
}

/** A daily window of local time, "HH:MM" to "HH:MM"; it may wrap midnight (21:00–08:00). */
export interface DailyWindow {
  start: string;
  end: string;
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/** Whether an instant falls inside the window, on the wall clock of `timeZone`. An empty window (start = end) never does. */
export function inDailyWindow(instant: number, window: DailyWindow, timeZone: string): boolean {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === end) return false;
  const w = wallClock(instant, timeZone);
  const m = w.h * 60 + w.min;
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/** The instant itself if it is outside the window, else the window's next end (local time). */
export function afterDailyWindow(instant: number, window: DailyWindow, timeZone: string): number {
  if (!inDailyWindow(instant, window, timeZone)) return instant;
  const end = minutesOf(window.end);
  const w = wallClock(instant, timeZone);
  let date: LocalDate = { y: w.y, m: w.m, d: w.d };
  // Before the end on the same local day (the early-morning part), else tomorrow's end.
  if (w.h * 60 + w.min >= end) date = addDays(date, 1);
  const at = atLocal(date, Math.floor(end / 60), end % 60, timeZone);
  return at > instant ? at : atLocal(addDays(date, 1), Math.floor(end / 60), end % 60, timeZone);
}
