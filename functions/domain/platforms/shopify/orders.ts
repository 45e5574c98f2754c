/**
 * orders/create, orders/updated and orders/cancelled → order.placed / order.updated,
 * order.cancelled and the full order.refunded.
 *
 * An order can arrive already closed: Shopify's own orders/create sample is cancelled and
 * voided. Its orders/create then carries, next to order.placed, the order.cancelled (or full
 * order.refunded) that orders/cancelled (or orders/updated) would bring, under the same event id,
 * so whichever arrives second is a duplicate; the lifecycle sends such an order no receipt.
 */
import { eventPayloads } from '../../events.js';
import { addressSchema, customerSchema, localeSchema, orderSchema, paymentStatusSchema, type OrderInput } from '../../order.js';
import { clip, event, fits, utc, withIgnored, type DomainEventInput, type ShopifyContext, type ShopifyMapping } from './common.js';
import { MissingPresentmentAmount, moneyParts, type MoneyMoment, type MoneyParts } from './money.js';
import type { ShopifyOrder } from './schemas.js';

const eventReasonLimit = eventPayloads['order.cancelled'].shape.reason.unwrap().maxLength;

export function cancelledEvent(ctx: ShopifyContext, orderId: string, cancelledAt: string, reason: string | null | undefined): DomainEventInput {
  return event(ctx, 'order.cancelled', `shopify:order.cancelled:${orderId}`, cancelledAt, {
    orderId,
    reason: clip(reason, eventReasonLimit),
  });
}

/**
 * One full-refund event per order, whichever delivery first reports it; its time is the latest
 * refund's, so every delivery that carries it produces the identical event.
 */
function fullRefundEvent(ctx: ShopifyContext, o: ShopifyOrder, fallbackAt: string): DomainEventInput {
  const refundTimes = (o.refunds ?? []).map((r) => r.processed_at ?? r.created_at).sort((a, b) => Date.parse(a) - Date.parse(b));
  const refundedAt = refundTimes.at(-1) ?? fallbackAt;
  return event(ctx, 'order.refunded', `shopify:order.refunded:${o.id}:full`, refundedAt, { orderId: o.id, full: true });
}

export function mapOrderTopic(topic: 'orders/create' | 'orders/updated', o: ShopifyOrder, ctx: ShopifyContext): ShopifyMapping {
  const events: DomainEventInput[] = [];
  const ignored: string[] = [];
  const created = topic === 'orders/create';
  const mapped = toOrder(o, created ? 'created' : 'current');
  const at = created ? o.created_at : utc(o.updated_at ?? ctx.triggeredAt ?? o.created_at);
  if (mapped.ok) {
    events.push(
      created
        ? event(ctx, 'order.placed', `shopify:order.placed:${o.id}`, at, { order: mapped.order })
        : event(ctx, 'order.updated', `shopify:order.updated:${o.id}:${at}`, at, { order: mapped.order }),
    );
  } else ignored.push(mapped.reason);
  if (o.financial_status === 'refunded') events.push(fullRefundEvent(ctx, o, at));
  if (o.cancelled_at) events.push(cancelledEvent(ctx, o.id, o.cancelled_at, o.cancel_reason));
  return withIgnored(events, ignored);
}

type OrderMapping = { ok: true; order: OrderInput } | { ok: false; reason: string };

/**
 * The normalized order. Amounts are in the currency the customer paid in (presentment) when it
 * differs from the shop's and every amount has its `*_set`; otherwise in the shop currency.
 */
export function toOrder(o: ShopifyOrder, moment: MoneyMoment): OrderMapping {
  const email = [o.email, o.contact_email, o.customer?.email].map((e) => e?.trim()).find((e) => e);
  if (!email) return { ok: false, reason: 'order has no customer email' };
  if (!customerSchema.shape.email.safeParse(email).success) return { ok: false, reason: 'order has no usable customer email' };
  const presentmentCurrency = o.presentment_currency && o.presentment_currency !== o.currency ? o.presentment_currency : undefined;
  let money: MoneyParts | undefined;
  if (presentmentCurrency) {
    try {
      money = moneyParts(o, 'presentment', presentmentCurrency, moment);
    } catch (e) {
      if (!(e instanceof MissingPresentmentAmount)) throw e;
    }
  }
  money ??= moneyParts(o, 'shop', o.currency, moment);
  if (money.lineItems.length === 0) return { ok: false, reason: 'order has no remaining line items' };
  const names = [o.customer, o.billing_address, o.shipping_address].find((n) => n?.first_name || n?.last_name);
  const locale = o.customer_locale ?? undefined;
  const statusUrl = o.order_status_url ?? undefined;
  const order: OrderInput = {
    orderId: o.id,
    orderName: o.name,
    placedAt: o.processed_at ?? o.created_at,
    currency: money.currency,
    customer: {
      email,
      firstName: clip(names?.first_name, customerSchema.shape.firstName.unwrap().maxLength),
      lastName: clip(names?.last_name, customerSchema.shape.lastName.unwrap().maxLength),
      locale: fits(localeSchema, locale) ? locale : undefined,
    },
    shippingAddress: toAddress(o.shipping_address),
    lineItems: money.lineItems,
    subtotal: money.subtotal,
    discounts: money.discounts,
    shipping: money.shipping,
    taxLines: money.taxLines,
    taxTotal: money.taxTotal,
    taxesIncluded: o.taxes_included ?? false,
    total: money.total,
    paymentStatus: toPaymentStatus(o.financial_status),
    shippingMethod: clip(o.shipping_lines?.[0]?.code ?? o.shipping_lines?.[0]?.title, orderSchema.shape.shippingMethod.unwrap().maxLength),
    deliveryMethod: isPickup(o) ? 'pickup' : undefined,
    statusUrl: fits(orderSchema.shape.statusUrl, statusUrl) ? statusUrl : undefined,
  };
  return { ok: true, order };
}

/** Local pickup: a shipping line still charged whose delivery category is pick-up ("pick-up", "pickup", "PICK_UP"). */
function isPickup(o: ShopifyOrder): boolean {
  return (o.shipping_lines ?? []).some((l) => !l.is_removed && (l.delivery_category ?? '').toLowerCase().replace(/[^a-z]/g, '') === 'pickup');
}

function toAddress(a: ShopifyOrder['shipping_address']): OrderInput['shippingAddress'] {
  if (!a) return undefined;
  const s = addressSchema.shape;
  const countryCode = a.country_code?.trim().toUpperCase();
  const address = {
    name: clip(a.name ?? [a.first_name, a.last_name].filter(Boolean).join(' '), s.name.unwrap().maxLength),
    company: clip(a.company, s.company.unwrap().maxLength),
    address1: clip(a.address1, s.address1.unwrap().maxLength),
    address2: clip(a.address2, s.address2.unwrap().maxLength),
    city: clip(a.city, s.city.unwrap().maxLength),
    province: clip(a.province, s.province.unwrap().maxLength),
    zip: clip(a.zip, s.zip.unwrap().maxLength),
    country: clip(a.country, s.country.unwrap().maxLength),
    countryCode: countryCode && fits(s.countryCode, countryCode) ? countryCode : undefined,
  };
  return Object.values(address).some((v) => v !== undefined) ? address : undefined;
}

function toPaymentStatus(status: string | null | undefined): OrderInput['paymentStatus'] {
  const parsed = paymentStatusSchema.safeParse(status);
  return parsed.success ? parsed.data : 'unknown';
}
