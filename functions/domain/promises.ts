/**
 * Calendar arithmetic: ship-by and deliver-by dates in business days, counted in the store's
 * time zone and ending at the store's cutoff hour, and the shopper's local time of day (quiet
 * hours). Pure: the clock is an argument.
 *
 * Wall-clock conversion is Temporal's (temporal-polyfill), through its tree-shakable function
 * API: the class API adds ~55 KB to every bundle that reads a date (the pages bundle would
 * leave its 250 KB budget), these few functions ~20 KB. Temporal resolves a wall-clock time
 * in a zone (including the skipped and repeated hours of a DST change) by the spec's
 * "compatible" rule, which hand-written offset guessing got wrong at the edges.
 */
import * as Instant from 'temporal-polyfill/fns/Instant';
import * as PlainDate from 'temporal-polyfill/fns/PlainDate';
import * as ZonedDateTime from 'temporal-polyfill/fns/ZonedDateTime';
import type { PromiseDefaults } from './store-config.js';

const DAY_MS = 86_400_000;

type Zoned = ZonedDateTime.Record;
type Day = PlainDate.Record;

const validZones = new Map<string, boolean>();
/** Whether an IANA zone name is usable (orders carry whatever the platform sent). */
export function isValidTimeZone(timeZone: string | undefined): timeZone is string {
  if (!timeZone) return false;
  let ok = validZones.get(timeZone);
  if (ok === undefined) {
    try {
      Instant.toZonedDateTimeISO(Instant.fromEpochMilliseconds(0), timeZone);
      ok = true;
    } catch {
      ok = false;
    }
    validZones.set(timeZone, ok);
  }
  return ok;
}

function zoned(instant: number, timeZone: string): Zoned {
  return Instant.toZonedDateTimeISO(Instant.fromEpochMilliseconds(instant), timeZone);
}

/** The instant at which the wall clock in `timeZone` reads `day` at hour:minute (DST: "compatible"). */
function atLocal(day: Day, hour: number, minute: number, timeZone: string): number {
  return ZonedDateTime.fromFields({ year: day.year, month: day.month, day: day.day, hour, minute, timeZone }).epochMilliseconds;
}

function isBusinessDay(day: Day, cfg: PromiseDefaults): boolean {
  return cfg.businessDays.includes(PlainDate.dayOfWeek(day)) && !cfg.holidays.includes(PlainDate.toString(day));
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
  const z = zoned(instant, cfg.timeZone);
  let day = ZonedDateTime.toPlainDate(z);
  const cutoff = atLocal(day, cfg.cutoffHour, 0, cfg.timeZone);
  if (instant > cutoff || !isBusinessDay(day, cfg)) {
    do day = PlainDate.addDays(day, 1);
    while (!isBusinessDay(day, cfg));
  }
  for (let left = days; left > 0; ) {
    day = PlainDate.addDays(day, 1);
    if (isBusinessDay(day, cfg)) left--;
  }
  return new Date(atLocal(day, cfg.cutoffHour, 0, cfg.timeZone)).toISOString();
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
  const z = zoned(instant, timeZone);
  const m = z.hour * 60 + z.minute;
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/** The instant itself if it is outside the window, else the window's next end (local time). */
export function afterDailyWindow(instant: number, window: DailyWindow, timeZone: string): number {
  if (!inDailyWindow(instant, window, timeZone)) return instant;
  const end = minutesOf(window.end);
  const z = zoned(instant, timeZone);
  let day = ZonedDateTime.toPlainDate(z);
  // Before the end on the same local day (the early-morning part), else tomorrow's end.
  if (z.hour * 60 + z.minute >= end) day = PlainDate.addDays(day, 1);
  const at = atLocal(day, Math.floor(end / 60), end % 60, timeZone);
  return at > instant ? at : atLocal(PlainDate.addDays(day, 1), Math.floor(end / 60), end % 60, timeZone);
}
