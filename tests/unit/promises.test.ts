import { describe, expect, it } from 'vitest';
import { addBusinessDays, transitDaysFor } from '../../functions/domain/promises.js';
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
});
