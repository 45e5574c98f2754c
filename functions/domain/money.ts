/**
 * The receipt's money rule. An order's figures are meant to add up, line by line, to what the
 * shopper was charged:
 *
 *   Σ line totals = subtotal
 *   subtotal − Σ discounts + shipping + taxes (unless included in prices) = total
 *
 * with line totals and shipping before discounts, every discount (items and shipping) listed
 * once, and taxes the tax lines when there are any, else the tax total. When a platform's
 * figures do not add up, the receipt still states the charged `total` — the one figure the
 * shopper can check against their bank — and the mismatch is reported (amounts only, no
 * personal data) so the mapping can be fixed.
 */
import type { Order } from './order.js';
import { isZero, subtractDecimals, sumDecimals, toCurrencyAmount } from './webhooks/decimal.js';

export interface MoneyCheck {
  reconciles: boolean;
  currency: string;
  /** The amount charged, as the receipt states it. */
  charged: string;
  /** subtotal − discounts + shipping + taxes (unless included). */
  computed: string;
  /** charged − computed. */
  difference: string;
  /** Σ line totals − subtotal. */
  linesDifference: string;
}

/** The taxes the receipt lists: its lines when there are any, else the total. */
export function receiptTax(order: Order): string {
  return order.taxLines.length > 0 ? sumDecimals(order.taxLines.map((t) => t.amount)) : order.taxTotal;
}

export function checkOrderMoney(order: Order): MoneyCheck {
  const money = (value: string) => toCurrencyAmount(value, order.currency);
  const discounts = order.discounts.length > 0 ? sumDecimals(order.discounts.map((d) => d.amount.replace(/^-/, ''))) : '0';
  const parts = [order.subtotal, `-${discounts}`, order.shipping?.amount ?? '0', order.taxesIncluded ? '0' : receiptTax(order)];
  const computed = money(sumDecimals(parts));
  const difference = money(subtractDecimals(order.total, computed));
  const linesDifference = money(subtractDecimals(sumDecimals(order.lineItems.map((li) => li.total)), order.subtotal));
  return {
    reconciles: isZero(difference) && isZero(linesDifference),
    currency: order.currency,
    charged: money(order.total),
    computed,
    difference,
    linesDifference,
  };
}
