import { describe, expect, it } from 'vitest';
import { currencyDigits, lineTotal, prorate, sumDecimals, toCurrencyAmount } from '../../functions/domain/webhooks/decimal.js';
import { parseJsonKeepingBigInts } from '../../functions/domain/webhooks/json.js';

describe('decimal money strings', () => {
  it('adds exactly where floating point would not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['17.80', '3.75'])).toBe('21.55');
    expect(sumDecimals(['1.125', '40'])).toBe('41.125');
  });

  it('computes a line total as price × quantity minus its discount allocations', () => {
    expect(lineTotal('89.00', 2, ['17.80'])).toBe('160.20');
    expect(lineTotal('34.95', 2, ['10.48'])).toBe('59.42');
    expect(lineTotal('4400', 2, [])).toBe('8800');
  });

  it('prorates a discount to the units left, rounding half away from zero', () => {
    expect(prorate('3.75', 2, 3)).toBe('2.50');
    expect(prorate('0.05', 1, 2)).toBe('0.03');
    expect(prorate('-0.05', 1, 2)).toBe('-0.03');
  });

  it('writes amounts with the currency’s own minor unit', () => {
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('EUR')).toBe(2);
    expect(currencyDigits('KWD')).toBe(3);
    expect(toCurrencyAmount('9600.00', 'JPY')).toBe('9600');
    expect(toCurrencyAmount('24.5', 'KWD')).toBe('24.500');
    expect(toCurrencyAmount('12.5', 'EUR')).toBe('12.50');
  });

  it('keeps digits beyond the currency’s precision rather than rounding money away', () => {
    expect(toCurrencyAmount('100.50', 'JPY')).toBe('100.5');
  });
});

describe('JSON with 64-bit ids', () => {
  it('keeps integers beyond 2^53 exact, as strings', () => {
    const parsed = parseJsonKeepingBigInts('{"id":820982911946154508,"order_id": 9007199254740993,"n":[1, -3]}');
    expect(parsed).toEqual({ id: '820982911946154508', order_id: '9007199254740993', n: [1, -3] });
  });

  it('leaves safe integers, decimals and digits inside strings alone', () => {
    const text = '{"id":5781132443843,"price":"12345678901234567890","rate":0.19,"note":"call 12345678901234567890, \\"ok\\""}';
    expect(parseJsonKeepingBigInts(text)).toEqual(JSON.parse(text));
  });

  it('still rejects invalid JSON', () => {
    expect(() => parseJsonKeepingBigInts('{"id": 1,')).toThrow(SyntaxError);
  });
});
