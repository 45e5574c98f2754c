/**
 * Exact arithmetic on decimal money strings. Platforms send money as strings ("19.99") and the
 * domain keeps it that way; adding line discounts through floating point would turn
 * 0.1 + 0.2 into 0.30000000000000004 on a receipt, so sums are done on scaled BigInts.
 */

/** A decimal as an integer count of 10^-scale units: "12.50" is { units: 1250n, scale: 2 }. */
interface Decimal {
  units: bigint;
  scale: number;
}

const decimalPattern = /^(-)?(\d+)(?:\.(\d+))?$/;

function parse(value: string): Decimal {
  const match = decimalPattern.exec(value.trim());
  if (!match) throw new RangeError(`not a decimal string: "${value}"`);
  const [, sign, whole = '0', fraction = ''] = match;
  const units = BigInt(whole + fraction);
  return { units: sign ? -units : units, scale: fraction.length };
}

function rescale(d: Decimal, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

/** Decimal places that are not trailing zeros: "12.50" has 1, "1200.00" has 0. */
function significantScale(d: Decimal): number {
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return scale;
}

function format(d: Decimal, minScale: number): string {
  const scale = Math.max(minScale, significantScale(d));
  const units = d.scale >= scale ? d.units / 10n ** BigInt(d.scale - scale) : rescale(d, scale);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Whether a string is a plain decimal such as "12", "12.5" or "-0.125". */
export function isDecimal(value: string): boolean {
  return decimalPattern.test(value.trim());
}

/** Exact sum of decimal strings, with as many places as the most precise operand. */
export function sumDecimals(values: readonly string[]): string {
  const parsed = values.map(parse);
  const scale = Math.max(0, ...parsed.map((d) => d.scale));
  const units = parsed.reduce((acc, d) => acc + rescale(d, scale), 0n);
  return format({ units, scale }, scale);
}

/** Exact `price * quantity - Σ deductions`, e.g. a line total after its discount allocations. */
export function lineTotal(price: string, quantity: number, deductions: readonly string[]): string {
  const p = parse(price);
  const gross = format({ units: p.units * BigInt(quantity), scale: p.scale }, p.scale);
  const deducted = deductions.length > 0 ? sumDecimals(deductions) : '0';
  const a = parse(gross);
  const b = parse(deducted);
  const scale = Math.max(a.scale, b.scale);
  return format({ units: rescale(a, scale) - rescale(b, scale), scale }, scale);
}

/**
 * `amount * numerator / denominator` at the amount's own precision, half away from zero: the
 * share of a line discount that stays with the items left after an order edit.
 */
export function prorate(amount: string, numerator: number, denominator: number): string {
  if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || denominator <= 0) {
    throw new RangeError('prorate needs integer parts and a positive denominator');
  }
  const d = parse(amount);
  const product = d.units * BigInt(numerator);
  const den = BigInt(denominator);
  const magnitude = product < 0n ? -product : product;
  const rounded = (magnitude * 2n + den) / (2n * den);
  return format({ units: product < 0n ? -rounded : rounded, scale: d.scale }, d.scale);
}

/** True when the decimal string is exactly zero ("0", "0.00", "-0.0"). */
export function isZero(value: string): boolean {
  return parse(value).units === 0n;
}

const fractionDigitsCache = new Map<string, number>();

/** Minor-unit digits of an ISO 4217 currency per CLDR: JPY 0, EUR 2, KWD 3. */
export function currencyDigits(currency: string): number {
  let digits = fractionDigitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    fractionDigitsCache.set(currency, digits);
  }
  return digits;
}

/**
 * The amount written with the currency's own number of places ("1200.00" JPY → "1200",
 * "4.5" KWD → "4.500"). Never rounds: digits beyond the currency's precision that are not
 * zero are kept, because dropping them would misstate what the platform charged.
 */
export function toCurrencyAmount(value: string, currency: string): string {
  return format(parse(value), currencyDigits(currency));
}

/** Exact `a - b`, with as many places as the more precise operand. */
export function subtractDecimals(a: string, b: string): string {
  return lineTotal(a, 1, [b]);
}

/** Whether the decimal string is below zero ("-0.01"; "-0" is not). */
export function isNegative(value: string): boolean {
  return parse(value).units < 0n;
}
