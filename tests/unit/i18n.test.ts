import { describe, expect, it } from 'vitest';
import {
  catalogues,
  formatDate,
  formatMoney,
  formattingLocale,
  LANGUAGES,
  pickLocale,
  resolveLocale,
  type Messages,
} from '../../functions/domain/i18n/index.js';
import { en } from '../../functions/domain/i18n/en.js';

/** Intl separates with no-break spaces (U+00A0, U+202F); compare with plain ones. */
const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('resolveLocale', () => {
  it('picks the catalogue by the customer locale language, whatever the region', () => {
    expect(resolveLocale('de-AT')).toBe('de');
    expect(resolveLocale('fr-CA')).toBe('fr');
    expect(resolveLocale('en-US')).toBe('en');
    expect(resolveLocale('de_CH')).toBe('de');
    expect(resolveLocale('FR')).toBe('fr');
  });

  it('falls back to the store default when the customer language is not one we write', () => {
    expect(resolveLocale('pt-BR', 'de-DE')).toBe('de');
    expect(resolveLocale('ja', 'fr')).toBe('fr');
    expect(resolveLocale(undefined, 'de')).toBe('de');
  });

  it('falls back to English when neither is supported', () => {
    expect(resolveLocale('pt-BR', 'es')).toBe('en');
    expect(resolveLocale()).toBe('en');
    expect(resolveLocale('', '')).toBe('en');
  });
});

describe('pickLocale', () => {
  it('keeps the customer tag, region included, when its language is supported', () => {
    expect(pickLocale('de-CH', 'en')).toBe('de-CH');
    expect(pickLocale('fr_ca', 'en')).toBe('fr-CA');
  });

  it("takes the store's full tag when the customer's language is not supported", () => {
    expect(pickLocale('pt-BR', 'fr-BE')).toBe('fr-BE');
  });

  it('ends at "en" for unsupported or malformed tags', () => {
    expect(pickLocale('pt-BR', 'es-ES')).toBe('en');
    expect(pickLocale('not a tag!', undefined)).toBe('en');
  });
});

describe('formattingLocale', () => {
  it('formats with the full tag when it agrees with the catalogue language', () => {
    expect(formattingLocale('de-AT', 'de')).toBe('de-AT');
  });

  it('formats with the bare language when the tag is for a language we do not write', () => {
    expect(formattingLocale('pt-BR', 'en')).toBe('en');
  });
});

describe('formatMoney', () => {
  it('writes EUR the German way and the French way', () => {
    expect(spaces(formatMoney('1234.50', 'EUR', 'de-DE'))).toBe('1.234,50 €');
    expect(spaces(formatMoney('1234.50', 'EUR', 'fr-FR'))).toBe('1 234,50 €');
  });

  it('writes USD the American way', () => {
    expect(formatMoney('1234.5', 'USD', 'en-US')).toBe('$1,234.50');
  });

  it('shows no decimals for JPY and three for KWD, as the currencies define', () => {
    expect(formatMoney('13200', 'JPY', 'en-US')).toBe('¥13,200');
    expect(spaces(formatMoney('13200', 'JPY', 'fr-FR'))).toBe('13 200 JPY');
    expect(spaces(formatMoney('49.375', 'KWD', 'en-GB'))).toBe('KWD 49.375');
    expect(spaces(formatMoney('1.5', 'KWD', 'en-GB'))).toBe('KWD 1.500');
  });

  it('keeps the region of the locale: Swiss German groups with an apostrophe', () => {
    expect(spaces(formatMoney('1234.50', 'CHF', 'de-CH'))).toMatch(/^CHF 1[’']234\.50$/);
  });

  it('formats the decimal string exactly, beyond what a float could hold', () => {
    expect(formatMoney('12345678901234567.89', 'USD', 'en-US')).toBe('$12,345,678,901,234,567.89');
  });

  it('writes negative amounts with a sign', () => {
    expect(formatMoney('-16.50', 'USD', 'en-US')).toBe('-$16.50');
  });

  it('rejects an amount that is not a decimal string', () => {
    expect(() => formatMoney('12,50', 'EUR', 'de')).toThrow(/"12,50" is not a decimal string/);
  });

  it('survives a malformed locale by formatting in English', () => {
    expect(formatMoney('5', 'USD', 'not a tag!')).toBe('$5.00');
  });
});

describe('formatDate', () => {
  const lateMonday = '2026-11-24T03:00:00Z'; // Tuesday in Europe, still Monday in New York

  it('writes the full date in the language of the locale', () => {
    expect(formatDate(lateMonday, 'en-GB')).toBe('Tuesday, 24 November 2026');
    expect(formatDate(lateMonday, 'de-DE')).toBe('Dienstag, 24. November 2026');
    expect(formatDate(lateMonday, 'fr-FR')).toBe('mardi 24 novembre 2026');
  });

  it("gives the calendar date in the shopper's time zone", () => {
    expect(formatDate(lateMonday, 'en-US', 'Europe/Berlin')).toBe('Tuesday, November 24, 2026');
    expect(formatDate(lateMonday, 'en-US', 'America/New_York')).toBe('Monday, November 23, 2026');
  });

  it('falls back to UTC for an unknown time zone instead of failing the email', () => {
    expect(formatDate(lateMonday, 'en-GB', 'Mars/Olympus_Mons')).toBe('Tuesday, 24 November 2026');
  });

  it('rejects a value that is not a timestamp', () => {
    expect(() => formatDate('next Tuesday', 'en')).toThrow(/not an ISO 8601 timestamp/);
  });
});

describe('message catalogues', () => {
  /** Every key path, with whether its value is a function, a string or a record. */
  function shape(value: unknown, path = ''): string[] {
    if (typeof value === 'function') return [`${path}()`];
    if (typeof value === 'string') return [path];
    return Object.entries(value as object).flatMap(([k, v]) => shape(v, path ? `${path}.${k}` : k));
  }

  it.each(LANGUAGES)('%s has exactly the keys of the English catalogue', (language) => {
    expect(shape(catalogues[language]).sort()).toEqual(shape(en).sort());
  });

  it('will not compile a catalogue with a key missing', () => {
    const { heading: _dropped, ...receiptWithoutHeading } = en.receipt;
    // @ts-expect-error: `receipt.heading` is missing, which is the point
    const incomplete: Messages = { ...en, receipt: receiptWithoutHeading };
    expect(incomplete.receipt).not.toHaveProperty('heading');
  });

  it.each(LANGUAGES)('%s writes plain text, never markup', (language) => {
    const m = catalogues[language];
    const samples = [m.receipt.heading, m.receipt.intro('#1'), m.shipping.complete, m.delay.apology, m.feedback.ask('#1'), m.cancellation.willRefund];
    for (const s of samples) expect(s).not.toMatch(/[<>]/);
  });
});
