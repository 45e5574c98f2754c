/**
 * Money and dates for shoppers, through Intl. Formatters are cached per locale because building
 * one costs far more than formatting with it, and a render formats a dozen amounts.
 */
import { canonicalLocale } from './locale.js';

const DECIMAL = /^-?\d+(\.\d+)?$/;
const CACHE_LIMIT = 200;

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, value);
  }
  return value;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * "1234.5", "EUR", "de-DE" → "1.234,50 €". The amount goes to Intl as the decimal string
 * itself (Intl.NumberFormat v3, Node 20+), so no float ever touches it; the currency decides
 * the digits (JPY none, KWD three).
 */
export function formatMoney(amount: string, currency: string, locale: string): string {
  if (!DECIMAL.test(amount)) throw new RangeError(`formatMoney: amount "${amount}" is not a decimal string such as "12.50"`);
  const tag = canonicalLocale(locale) ?? 'en';
  const format = cached(moneyFormats, `${tag}|${currency}`, () => new Intl.NumberFormat(tag, { style: 'currency', currency }));
  return format.format(amount as Intl.StringNumericLiteral);
}

/** The amount with its sign flipped to negative, for discounts however the platform signed them. */
export function negated(amount: string): string {
  return amount.startsWith('-') ? amount : `-${amount}`;
}

/** True for "0", "0.00", "-0.0". */
export function isZero(amount: string): boolean {
  return /^-?0+(\.0+)?$/.test(amount);
}

const percentFormats = new Map<string, Intl.NumberFormat>();

/** 0.19 → "19 %" in de, "19%" in en; up to two decimals for rates like 8.875 %. */
export function formatPercent(rate: number, locale: string): string {
  const tag = canonicalLocale(locale) ?? 'en';
  return cached(percentFormats, tag, () => new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 3 })).format(rate);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function validTimeZone(timeZone: string | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/**
 * The calendar date of an instant as the shopper sees it: "Tuesday, 24 November 2026" (en-GB),
 * "Dienstag, 24. November 2026" (de). 23:00 UTC is already tomorrow in Berlin, so the zone
 * matters; an unknown zone falls back to UTC rather than failing the email.
 */
export function formatDate(iso: string, locale: string, timeZone?: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) throw new RangeError(`formatDate: "${iso}" is not an ISO 8601 timestamp`);
  const tag = canonicalLocale(locale) ?? 'en';
  const format = cached(dateFormats, `${tag}|${timeZone ?? ''}`, () =>
    new Intl.DateTimeFormat(tag, { dateStyle: 'full', timeZone: validTimeZone(timeZone) }),
  );
  return format.format(time);
}
