/**
 * The money of a Shopify order in the domain's receipt model (see `order.ts`): each line item at
 * price × quantity, every discount listed (on items and on shipping), shipping before its
 * discounts, taxes, and the amount charged, so that
 *   subtotal − discounts + shipping + taxes (unless included) = total.
 *
 * Which of Shopify's figures: at creation (orders/create), what the shopper was charged —
 * `total_price`, `quantity`, `total_discounts`, `total_tax`; after an order edit
 * (orders/updated), what the order costs now — `current_total_price`, `current_quantity`,
 * `current_total_discounts`, `current_total_tax`, shipping lines not removed. Shopify's sample
 * payloads carry `current_*` figures that disagree with the charged ones, which is why creation
 * never reads them.
 */
import type { OrderInput } from '../../order.js';
import { discountSchema, lineItemSchema, orderSchema, taxLineSchema } from '../../order.js';
import { currencyDigits, isNegative, isZero, lineTotal, prorate, subtractDecimals, sumDecimals, toCurrencyAmount } from '../../webhooks/decimal.js';
import { clip } from './common.js';
import type { PriceSet, ShopifyOrder } from './schemas.js';

/** Which of Shopify's two amounts to read: the shop's currency or the customer's. */
export type MoneyView = 'shop' | 'presentment';
/** The charge at creation, or the order as it stands after edits. */
export type MoneyMoment = 'created' | 'current';

/** Thrown when the presentment view lacks an amount: the caller falls back to the shop view. */
export class MissingPresentmentAmount extends Error {}

export interface MoneyParts {
  currency: string;
  lineItems: OrderInput['lineItems'];
  subtotal: string;
  discounts: NonNullable<OrderInput['discounts']>;
  shipping: OrderInput['shipping'];
  taxLines: NonNullable<OrderInput['taxLines']>;
  taxTotal: string;
  total: string;
}

type Priced = [plain: string | null | undefined, set: PriceSet | null | undefined];

const shippingTitleLimit = orderSchema.shape.shipping.unwrap().shape.title.unwrap().maxLength;
const taxTitleLimit = taxLineSchema.shape.title.maxLength;
const discountCodeLimit = discountSchema.shape.code.unwrap().maxLength;
const discountTitleLimit = discountSchema.shape.title.unwrap().maxLength;

export function moneyParts(o: ShopifyOrder, view: MoneyView, currency: string, moment: MoneyMoment): MoneyParts {
  /** The first of the candidates present in this view, as a decimal in the order's currency. */
  const read = (...candidates: Priced[]): string | undefined => {
    for (const [plain, set] of candidates) {
      const value = view === 'shop' ? plain : set?.presentment_money.amount;
      if (value !== null && value !== undefined) return toCurrencyAmount(value, currency);
    }
    return undefined;
  };
  const required = (...candidates: Priced[]): string => {
    const value = read(...candidates);
    if (value === undefined) throw new MissingPresentmentAmount();
    return value;
  };
  const amount = (values: readonly string[]) => toCurrencyAmount(values.length > 0 ? sumDecimals(values) : '0', currency);
  const current = moment === 'current';

  // Line items: the quantity charged (after edits, what is left), at their price.
  const items = o.line_items
    .map((li) => ({ li, quantity: current ? (li.current_quantity ?? li.quantity) : li.quantity }))
    .filter(({ quantity }) => quantity > 0);
  const lineItems = items.map(({ li, quantity }) => {
    const price = required([li.price, li.price_set]);
    return {
      id: li.id,
      title: clip(li.title, lineItemSchema.shape.title.maxLength) ?? li.title,
      variant: clip(li.variant_title, lineItemSchema.shape.variant.unwrap().maxLength),
      sku: clip(li.sku, lineItemSchema.shape.sku.unwrap().maxLength),
      // Reviews are published under the product, whatever variant was bought.
      ...(li.product_id !== null && li.product_id !== undefined ? { productId: String(li.product_id) } : {}),
      ...(li.vendor ? { brand: clip(li.vendor, lineItemSchema.shape.brand.unwrap().maxLength) } : {}),
      quantity,
      unitPrice: price,
      total: toCurrencyAmount(lineTotal(price, quantity, []), currency),
    };
  });

  // Shipping before its discounts; a shipping discount is listed with the others.
  const shippingLines = (o.shipping_lines ?? []).filter((s) => !(current && s.is_removed));
  const shipping =
    shippingLines.length === 0
      ? undefined
      : {
          title: clip(shippingLines.map((s) => s.title).filter(Boolean).join(' + '), shippingTitleLimit),
          amount: amount(shippingLines.map((s) => required([s.price, s.price_set]))),
        };

  // Discounts: per discount application, what it took off the items left and the shipping.
  let prorated = 0;
  const allocations = [
    ...items.flatMap(({ li, quantity }) =>
      (li.discount_allocations ?? []).map((a) => {
        const full = required([a.amount, a.amount_set]);
        // After an edit removed some units, only their share of the line's discounts remains.
        if (quantity === li.quantity) return { index: a.discount_application_index, amount: full };
        prorated += 1;
        return { index: a.discount_application_index, amount: prorate(full, quantity, li.quantity) };
      }),
    ),
    ...shippingLines.flatMap((s) => (s.discount_allocations ?? []).map((a) => ({ index: a.discount_application_index, amount: required([a.amount, a.amount_set]) }))),
  ];
  const applications = o.discount_applications ?? [];
  let discounts: MoneyParts['discounts'] = applications.flatMap((app, index) => {
    const taken = amount(allocations.filter((a) => a.index === index).map((a) => a.amount));
    return isZero(taken) ? [] : [{ code: clip(app.code, discountCodeLimit), title: clip(app.title ?? app.description, discountTitleLimit), amount: taken }];
  });
  const fromCodes = applications.length === 0 && view === 'shop';
  if (fromCodes) {
    // Without applications, discount_codes names them (in the shop currency only).
    discounts = (o.discount_codes ?? []).filter((d) => !isZero(d.amount)).map((d) => ({ code: clip(d.code, discountCodeLimit), amount: toCurrencyAmount(d.amount, currency) }));
  }
  // Shopify's own total of discounts is the reference: what the named ones do not account for
  // (a discount with no allocation, as in Shopify's sample payload) is listed unnamed.
  const discountTotal = current
    ? read([o.current_total_discounts, o.current_total_discounts_set], [o.total_discounts, o.total_discounts_set])
    : read([o.total_discounts, o.total_discounts_set]);
  if (discountTotal !== undefined) {
    const named = amount(discounts.map((d) => d.amount));
    const rest = subtractDecimals(discountTotal, named);
    if (fromCodes && discounts.length > 0 && !isZero(rest)) {
      // Codes carry their amounts at creation; after an edit only the total is current.
      const code = clip(discounts.map((d) => d.code).filter(Boolean).join(', '), discountCodeLimit);
      discounts = isZero(discountTotal) ? [] : [{ code, amount: discountTotal }];
    } else if (prorated > 0 && discounts.length > 0 && !isZero(rest) && withinRounding(rest, prorated, currency)) {
      // Our pro rata share of an edited line's discount and Shopify's may differ by a cent per
      // line; Shopify's total is the one charged, so the last discount absorbs the difference.
      const last = discounts.at(-1)!;
      discounts = [...discounts.slice(0, -1), { ...last, amount: toCurrencyAmount(sumDecimals([last.amount, rest]), currency) }];
    } else if (!isZero(rest) && !isNegative(rest)) {
      discounts = [...discounts, { amount: toCurrencyAmount(rest, currency) }];
    }
  }

  // Taxes: the lines when they add up to the tax total (after an edit they may not: Shopify
  // keeps the original lines), otherwise the total alone.
  const allTaxLines = (o.tax_lines ?? []).map((t) => ({
    title: clip(t.title, taxTitleLimit) ?? 'Tax',
    rate: typeof t.rate === 'number' && t.rate >= 0 && t.rate <= 1 ? t.rate : undefined,
    amount: required([t.price, t.price_set]),
  }));
  const linesTax = amount(allTaxLines.map((t) => t.amount));
  const taxTotal = (current ? read([o.current_total_tax, o.current_total_tax_set], [o.total_tax, o.total_tax_set]) : read([o.total_tax, o.total_tax_set])) ?? linesTax;
  const taxLines = isZero(subtractDecimals(taxTotal, linesTax)) ? allTaxLines : [];

  return {
    currency,
    lineItems,
    subtotal: amount(lineItems.map((li) => li.total)),
    discounts,
    shipping,
    taxLines,
    taxTotal,
    total: current
      ? required([o.current_total_price, o.current_total_price_set], [o.total_price, o.total_price_set])
      : required([o.total_price, o.total_price_set]),
  };
}

/** Whether `difference` is at most one minor unit of the currency per prorated allocation. */
function withinRounding(difference: string, prorated: number, currency: string): boolean {
  const unit = currencyDigits(currency) === 0 ? '1' : `0.${'0'.repeat(currencyDigits(currency) - 1)}1`;
  const bound = sumDecimals(Array.from({ length: prorated }, () => unit));
  const magnitude = difference.replace(/^-/, '');
  return !isNegative(subtractDecimals(bound, magnitude));
}
