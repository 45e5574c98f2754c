/**
 * The receipt's money rule as a property of the Shopify mapping: for any orders/create whose own
 * figures are consistent — line items, discounts allocated to lines and to shipping (or not
 * allocated at all), shipping lines, taxes on top or included, in currencies with 0, 2 or 3
 * decimals, in the shop's currency or the customer's, named by discount applications or only by
 * discount codes — the mapped order's lines add up to the
 * amount charged: subtotal − discounts + shipping + taxes (unless included) = total_price.
 *
 * Seeded and bounded so it stays fast; a failure prints the seed and the shrunk payload.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { domainEventSchema } from '../../functions/domain/events.js';
import { checkOrderMoney } from '../../functions/domain/money.js';
import { orderSchema } from '../../functions/domain/order.js';
import { mapShopifyWebhook } from '../../functions/domain/platforms/shopify.js';

const currencies = [
  { code: 'USD', digits: 2 },
  { code: 'EUR', digits: 2 },
  { code: 'JPY', digits: 0 },
  { code: 'KWD', digits: 3 },
] as const;

/** Minor units as Shopify writes them: 1234 → "12.34" (USD), "1234" (JPY), "1.234" (KWD). */
function decimal(units: number, digits: number): string {
  const sign = units < 0 ? '-' : '';
  const s = String(Math.abs(units)).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${s}` : `${sign}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

const line = fc.record({ price: fc.integer({ min: 1, max: 50_000 }), quantity: fc.integer({ min: 1, max: 5 }), discountShare: fc.double({ min: 0, max: 1, noNaN: true }) });
const shippingLine = fc.record({ price: fc.integer({ min: 0, max: 5_000 }), discountShare: fc.constantFrom(0, 0.5, 1) });

const order = fc.record({
  currency: fc.constantFrom(...currencies),
  lines: fc.array(line, { minLength: 1, maxLength: 4 }),
  shippingLines: fc.array(shippingLine, { maxLength: 2 }),
  /** Whether the lines carry a discount code's allocations. */
  lineDiscount: fc.boolean(),
  /** A discount Shopify counts in total_discounts but allocates nowhere (its own sample has one). */
  unallocated: fc.integer({ min: 0, max: 2_000 }),
  taxes: fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 2 }),
  taxesIncluded: fc.boolean(),
  /** Charged in another currency than the shop's: every amount in presentment_money. */
  presentment: fc.boolean(),
  /** Older payloads name discounts only in discount_codes (shop currency), without applications. */
  codesOnly: fc.boolean(),
});

type GeneratedOrder = typeof order extends fc.Arbitrary<infer T> ? T : never;

function payload(o: GeneratedOrder) {
  const { digits, code } = o.currency;
  const money = (units: number) => decimal(units, digits);
  // The shop's currency is CAD when the shopper pays in another; its amounts are deliberately different.
  const shop = o.presentment ? 'CAD' : code;
  const set = (units: number) => ({
    shop_money: { amount: o.presentment ? decimal(units * 3, 2) : money(units), currency_code: shop },
    presentment_money: { amount: money(units), currency_code: code },
  });
  const priced = (units: number) => (o.presentment ? { plain: decimal(units * 3, 2), set: set(units) } : { plain: money(units), set: set(units) });

  let allocated = 0;
  const lineItems = o.lines.map((l, i) => {
    const gross = l.price * l.quantity;
    const discount = o.lineDiscount ? Math.floor(gross * l.discountShare) : 0;
    allocated += discount;
    return {
      id: 1000 + i,
      title: `Item ${i + 1}`,
      quantity: l.quantity,
      current_quantity: l.quantity,
      price: priced(l.price).plain,
      price_set: set(l.price),
      discount_allocations: discount > 0 ? [{ amount: priced(discount).plain, amount_set: set(discount), discount_application_index: 0 }] : [],
    };
  });
  let shipping = 0;
  const shippingLines = o.shippingLines.map((s, i) => {
    const discount = Math.floor(s.price * s.discountShare);
    allocated += discount;
    shipping += s.price;
    return {
      title: `Rate ${i + 1}`,
      code: `RATE${i + 1}`,
      price: priced(s.price).plain,
      price_set: set(s.price),
      discounted_price: priced(s.price - discount).plain,
      discounted_price_set: set(s.price - discount),
      discount_allocations: discount > 0 ? [{ amount: priced(discount).plain, amount_set: set(discount), discount_application_index: 1 }] : [],
    };
  });
  const gross = o.lines.reduce((sum, l) => sum + l.price * l.quantity, 0);
  // The unallocated discount never takes the order below zero.
  const unallocated = Math.min(o.unallocated, gross + shipping - allocated);
  const discounts = allocated + unallocated;
  const tax = o.taxes.reduce((a, b) => a + b, 0);
  const total = gross - discounts + shipping + (o.taxesIncluded ? 0 : tax);
  return {
    body: {
      id: 5_000_000_001,
      name: '#P1',
      email: 'shopper@example.com',
      created_at: '2026-11-23T09:00:00Z',
      currency: shop,
      presentment_currency: code,
      financial_status: 'paid',
      taxes_included: o.taxesIncluded,
      line_items: lineItems,
      shipping_lines: shippingLines,
      discount_applications: o.codesOnly
        ? []
        : [
            { type: 'discount_code', code: 'LINES', target_type: 'line_item' },
            { type: 'automatic', title: 'Shipping offer', target_type: 'shipping_line' },
          ],
      discount_codes: o.codesOnly && discounts > 0 ? [{ code: 'LINES', amount: priced(discounts).plain }] : [],
      tax_lines: o.taxes.map((t, i) => ({ title: `Tax ${i + 1}`, rate: 0.1, price: priced(t).plain, price_set: set(t) })),
      total_tax: priced(tax).plain,
      total_tax_set: set(tax),
      total_discounts: priced(discounts).plain,
      total_discounts_set: set(discounts),
      subtotal_price: priced(gross - discounts).plain,
      subtotal_price_set: set(gross - discounts),
      total_price: priced(total).plain,
      total_price_set: set(total),
      // Shopify's current_* may say something else at creation (its own sample does): never read.
      current_total_price: priced(total + 1).plain,
      current_total_price_set: set(total + 1),
    },
    charged: money(total),
    currency: code,
  };
}

describe('receipt money, over generated Shopify orders', () => {
  test.prop([order], { numRuns: 200, seed: 20261201 })('adds up to total_price, in the currency the shopper paid', (o) => {
    const { body, charged, currency } = payload(o);
    const mapped = mapShopifyWebhook('orders/create', body, { store: 'acme.myshopify.com' });
    expect(mapped.kind).toBe('mapped');
    if (mapped.kind !== 'mapped') return;
    const placed = domainEventSchema.parse(mapped.events[0]);
    if (placed.type !== 'order.placed') throw new Error(placed.type);
    const mappedOrder = orderSchema.parse(placed.data.order);
    expect(mappedOrder.currency).toBe(currency);
    expect(mappedOrder.total).toBe(charged);
    expect(checkOrderMoney(mappedOrder)).toMatchObject({ reconciles: true, charged, computed: charged });
  });
});
