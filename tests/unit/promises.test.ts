import { describe, expect, it } from 'vitest';
import { addBusinessDays, afterDailyWindow, inDailyWindow, isValidTimeZone, transitDaysFor } from '../../functions/domain/promises.js';
import { promiseDefaultsSchema } from '../../functions/domain/store-config.js';

const berlin = promiseDefaultsSchema.parse({ timeZone: 'Europe/Berlin', cutoffHour: 17 });

describe('promise arithmetic', () => {
  it('counts business days from an order placed before the cutoff, ending at the cutoff in the store time zone', () => {
    // Monday 10:00 in Berlin + 2 business days = Wednesday 17:00 Berlin (16:00Z in winter)
    expect(addBusinessDays('2026-11-23T09:00:00Z', 2, berlin)).toBe('2026-11-25T16:00:00.000Z');
  });

  it('starts counting on the next business day for an order placed after the cutoff on a Friday', () => {
    expect(addBusinessDays('2026-11-27T18:00:00Z', 2, berlin)).toBe('2026-12-02T16:00:00.000Z');
  });

  it('skips configured holidays', () => {
    const withHoliday = { ...berlin, holidays: ['2026-11-24'] };
    expect(addBusinessDays('2026-11-23T09:00:00Z', 2, withHoliday)).toBe('2026-11-26T16:00:00.000Z');
  });

  it('keeps the cutoff at local time across a daylight-saving change', () => {
    // Friday 27 March 2026 + 1 business day = Monday 30 March, 17:00 CEST = 15:00Z
    expect(addBusinessDays('2026-03-27T10:00:00Z', 1, berlin)).toBe('2026-03-30T15:00:00.000Z');
  });

  it('honours custom business days (a store shipping Monday to Saturday)', () => {
    const sixDays = { ...berlin, businessDays: [1, 2, 3, 4, 5, 6] };
    expect(addBusinessDays('2026-11-27T09:00:00Z', 1, sixDays)).toBe('2026-11-28T16:00:00.000Z');
  });

  it('looks up transit days by shipping method, falling back to the default', () => {
    const cfg = promiseDefaultsSchema.parse({ transitDays: { default: 3, byMethod: { express: 1 } } });
    expect(transitDaysFor('express', cfg)).toBe(1);
    expect(transitDaysFor('standard', cfg)).toBe(3);
    expect(transitDaysFor(undefined, cfg)).toBe(3);
  });

  it('treats a shipping method named like an Object member ("constructor", "__proto__") as unknown: the default transit days', () => {
    const cfg = promiseDefaultsSchema.parse({ transitDays: { default: 3, byMethod: { express: 1 } } });
    expect(transitDaysFor('constructor', cfg)).toBe(3);
    expect(transitDaysFor('__proto__', cfg)).toBe(3);
    expect(transitDaysFor('toString', cfg)).toBe(3);
    expect(transitDaysFor('express', cfg)).toBe(1);
  });

  it('counts an instant exactly at the cutoff as its own day (issue 11, case 3)', () => {
    // Ships by Monday 5 July 15:00 (cutoff 15:00), 3 transit days: arrives by Thursday 8 July, not Friday.
    const london = promiseDefaultsSchema.parse({ timeZone: 'Europe/London', cutoffHour: 15 });
    expect(addBusinessDays('2027-07-05T14:00:00Z', 3, london)).toBe('2027-07-08T14:00:00.000Z');
    // One second after the cutoff is the next day's business.
    expect(addBusinessDays('2027-07-05T14:00:01Z', 3, london)).toBe('2027-07-09T14:00:00.000Z');
  });

  it('resolves a cutoff inside the hour a DST change skips by moving it forward', () => {
    // Europe/Berlin skips 02:00–03:00 on 28 March 2027 (a Sunday); a 02:00 cutoff on a 7-day week.
    const night = promiseDefaultsSchema.parse({ timeZone: 'Europe/Berlin', cutoffHour: 2, businessDays: [1, 2, 3, 4, 5, 6, 7] });
    expect(addBusinessDays('2027-03-27T00:30:00Z', 1, night)).toBe('2027-03-28T01:00:00.000Z');
  });
});

describe('quiet hours on the shopper\'s clock', () => {
  const quiet = { start: '21:00', end: '08:00' };

  it('knows the window wraps midnight, in the given zone', () => {
    expect(inDailyWindow(Date.parse('2026-11-23T20:30:00Z'), quiet, 'Europe/Berlin')).toBe(true); // 21:30 Berlin
    expect(inDailyWindow(Date.parse('2026-11-23T20:30:00Z'), quiet, 'UTC')).toBe(false); // 20:30 UTC
    expect(inDailyWindow(Date.parse('2026-11-24T06:59:00Z'), quiet, 'Europe/Berlin')).toBe(true); // 07:59 Berlin
    expect(inDailyWindow(Date.parse('2026-11-24T07:00:00Z'), quiet, 'Europe/Berlin')).toBe(false); // 08:00 Berlin
    expect(inDailyWindow(Date.parse('2026-11-24T07:00:00Z'), { start: '00:00', end: '00:00' }, 'Europe/Berlin')).toBe(false);
  });

  it('defers an instant inside the window to its end, the same night or the next morning', () => {
    // 23:00 in New York (04:00Z next day) → 08:00 New York (13:00Z).
    expect(new Date(afterDailyWindow(Date.parse('2026-11-24T04:00:00Z'), quiet, 'America/New_York')).toISOString()).toBe('2026-11-24T13:00:00.000Z');
    // 03:00 in Tokyo → 08:00 the same morning.
    expect(new Date(afterDailyWindow(Date.parse('2026-11-23T18:00:00Z'), quiet, 'Asia/Tokyo')).toISOString()).toBe('2026-11-23T23:00:00.000Z');
    // Outside the window: unchanged.
    expect(afterDailyWindow(Date.parse('2026-11-23T03:00:00Z'), quiet, 'Asia/Tokyo')).toBe(Date.parse('2026-11-23T03:00:00Z')); // noon in Tokyo
    // A window that does not wrap (13:00–14:00).
    expect(new Date(afterDailyWindow(Date.parse('2026-11-23T13:30:00Z'), { start: '13:00', end: '14:00' }, 'UTC')).toISOString()).toBe('2026-11-23T14:00:00.000Z');
  });

  it('tells a usable zone from a made-up one', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone(undefined)).toBe(false);
  });
});
