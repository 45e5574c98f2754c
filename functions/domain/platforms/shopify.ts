/**
 * Shopify webhooks (REST-shaped JSON payloads) mapped to domain events. The schemas cover only
 * the fields read here; every other field Shopify sends is ignored, so new Shopify fields never
 * break ingestion. Fields the product depends on (ids, money, line items, timestamps) are
 * strict and a malformed one is a 400 naming it; optional display data that does not fit the
 * domain (a tracking URL that is not http(s), an over-long company name) is dropped or clipped
 * instead, because a 400 makes Shopify retry for hours and then drop the subscription.
 */
import * as z from 'zod';
import type { EventType, ShipmentStatus } from '../events.js';
import { domainEventSchema, eventPayloads, shipmentSchema } from '../events.js';
import {
  addressSchema,
  currencySchema,
  customerSchema,
  discountSchema,
  lineItemSchema,
  localeSchema,
  orderSchema,
  paymentStatusSchema,
  taxLineSchema,
  timestampSchema,
  type OrderInput,
} from '../order.js';
import { isDecimal, isZero, lineTotal, prorate, sumDecimals, toCurrencyAmount } from '../webhooks/decimal.js';

// ---------------------------------------------------------------------------------------------
// Payload schemas (the parts of Shopify's REST resources that are read)
// ---------------------------------------------------------------------------------------------

/** Shopify ids are 64-bit integers; ones past 2^53 arrive as strings from parseJsonKeepingBigInts. */
const idSchema = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'must be a numeric id')])
  .transform(String);

const moneySchema = z.string().refine(isDecimal, 'must be a decimal string such as "12.50"');

const amountSchema = z.object({ amount: moneySchema, currency_code: currencySchema });
/** Shopify's `*_set`: the amount in the shop's currency and in the one the customer paid in. */
const priceSetSchema = z.object({ shop_money: amountSchema, presentment_money: amountSchema });
type PriceSet = z.infer<typeof priceSetSchema>;

const discountAllocationSchema = z.object({
  amount: moneySchema,
  amount_set: priceSetSchema.nullish(),
  discount_application_index: z.number().int().nonnegative().nullish(),
});

const lineItemPayloadSchema = z.object({
  id: idSchema,
  title: z.string().min(1),
  variant_title: z.string().nullish(),
  sku: z.string().nullish(),
  quantity: z.number().int().positive(),
  /** Quantity after order edits removed some; absent in older API versions. */
  current_quantity: z.number().int().nonnegative().nullish(),
  price: moneySchema,
  price_set: priceSetSchema.nullish(),
  discount_allocations: z.array(discountAllocationSchema).nullish(),
});

const shippingLinePayloadSchema = z.object({
  title: z.string().nullish(),
  code: z.string().nullish(),
  price: moneySchema,
  price_set: priceSetSchema.nullish(),
  discounted_price: moneySchema.nullish(),
  discounted_price_set: priceSetSchema.nullish(),
  discount_allocations: z.array(discountAllocationSchema).nullish(),
});

const taxLinePayloadSchema = z.object({
  title: z.string(),
  rate: z.number().nullish(),
  price: moneySchema,
  price_set: priceSetSchema.nullish(),
});

const discountApplicationSchema = z.object({
  type: z.string(),
  code: z.string().nullish(),
  title: z.string().nullish(),
  description: z.string().nullish(),
});

const discountCodeSchema = z.object({ code: z.string(), amount: moneySchema });

const addressPayloadSchema = z.object({
  name: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  company: z.string().nullish(),
  address1: z.string().nullish(),
  address2: z.string().nullish(),
  city: z.string().nullish(),
  province: z.string().nullish(),
  zip: z.string().nullish(),
  country: z.string().nullish(),
  country_code: z.string().nullish(),
});

/** The REST Order resource: body of orders/create and orders/updated. */
export const shopifyOrderSchema = z.object({
  id: idSchema,
  name: z.string().min(1).max(100),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  created_at: timestampSchema,
  updated_at: timestampSchema.nullish(),
  processed_at: timestampSchema.nullish(),
  cancelled_at: timestampSchema.nullish(),
  cancel_reason: z.string().nullish(),
  currency: currencySchema,
  presentment_currency: currencySchema.nullish(),
  financial_status: z.string().nullish(),
  customer_locale: z.string().nullish(),
  order_status_url: z.string().nullish(),
  taxes_included: z.boolean().nullish(),
  total_price: moneySchema,
  total_price_set: priceSetSchema.nullish(),
  current_total_price: moneySchema.nullish(),
  current_total_price_set: priceSetSchema.nullish(),
  subtotal_price: moneySchema,
  subtotal_price_set: priceSetSchema.nullish(),
  current_subtotal_price: moneySchema.nullish(),
  current_subtotal_price_set: priceSetSchema.nullish(),
  total_tax: moneySchema.nullish(),
  total_tax_set: priceSetSchema.nullish(),
  current_total_tax: moneySchema.nullish(),
  current_total_tax_set: priceSetSchema.nullish(),
  discount_codes: z.array(discountCodeSchema).nullish(),
  discount_applications: z.array(discountApplicationSchema).nullish(),
  line_items: z.array(lineItemPayloadSchema).min(1),
  shipping_lines: z.array(shippingLinePayloadSchema).nullish(),
  tax_lines: z.array(taxLinePayloadSchema).nullish(),
  shipping_address: addressPayloadSchema.nullish(),
  billing_address: addressPayloadSchema.nullish(),
  customer: z
    .object({ email: z.string().nullish(), first_name: z.string().nullish(), last_name: z.string().nullish() })
    .nullish(),
  refunds: z.array(z.object({ id: idSchema, created_at: timestampSchema, processed_at: timestampSchema.nullish() })).nullish(),
});
export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;

/** orders/cancelled: only what a cancellation needs, so an odd line item cannot block it. */
export const shopifyCancelledOrderSchema = z.object({
  id: idSchema,
  cancelled_at: timestampSchema,
  cancel_reason: z.string().nullish(),
});

/** The REST Fulfillment resource: body of fulfillments/create and fulfillments/update. */
export const shopifyFulfillmentSchema = z.object({
  id: idSchema,
  order_id: idSchema,
  status: z.string().nullish(),
  created_at: timestampSchema,
  updated_at: timestampSchema.nullish(),
  tracking_company: z.string().nullish(),
  tracking_number: z.string().nullish(),
  tracking_numbers: z.array(z.string()).nullish(),
  tracking_url: z.string().nullish(),
  tracking_urls: z.array(z.string()).nullish(),
  /** Free string, not an enum: Shopify adds carrier statuses over time. */
  shipment_status: z.string().nullish(),
  estimated_delivery_at: z.string().nullish(),
  line_items: z.array(z.object({ id: idSchema, quantity: z.number().int().nonnegative() })).nullish(),
});
export type ShopifyFulfillment = z.infer<typeof shopifyFulfillmentSchema>;

/** The REST Refund resource: body of refunds/create. */
export const shopifyRefundSchema = z.object({
  id: idSchema,
  order_id: idSchema,
  created_at: timestampSchema,
  processed_at: timestampSchema.nullish(),
});

// ---------------------------------------------------------------------------------------------
// Mapping
// ---------------------------------------------------------------------------------------------

export const shopifyTopics = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'fulfillments/create',
  'fulfillments/update',
  'refunds/create',
] as const;
export type ShopifyTopic = (typeof shopifyTopics)[number];

/**
 * Shopify shipment_status → domain status. label_purchased and carrier_picked_up are newer
 * Shopify values that fit the same steps; a pickup order "ready for pickup" is the pickup-point
 * equivalent of out for delivery, and "picked up" ends it like delivered does.
 */
export const shopifyShipmentStatuses: Readonly<Record<string, ShipmentStatus>> = {
  label_purchased: 'label_printed',
  label_printed: 'label_printed',
  confirmed: 'label_printed',
  carrier_picked_up: 'in_transit',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  ready_for_pickup: 'out_for_delivery',
  attempted_delivery: 'attempted_delivery',
  delivered: 'delivered',
  picked_up: 'delivered',
  failure: 'failure',
};

/** The carrier status that becomes an order.delayed report rather than a shipment status. */
const DELAYED = 'delayed';

// Limits of the domain fields that display text is clipped to, read from the domain schemas.
const eventReasonLimit = eventPayloads['order.cancelled'].shape.reason.unwrap().maxLength;
const carrierLimit = shipmentSchema.shape.carrier.unwrap().maxLength;
const shippingTitleLimit = orderSchema.shape.shipping.unwrap().shape.title.unwrap().maxLength;
const taxTitleLimit = taxLineSchema.shape.title.maxLength;
const discountCodeLimit = discountSchema.shape.code.unwrap().maxLength;
const discountTitleLimit = discountSchema.shape.title.unwrap().maxLength;
const trackingNumberSchema = shipmentSchema.shape.trackingNumber.unwrap().trim().min(1);
const trackingUrlSchema = shipmentSchema.shape.trackingUrl.unwrap();

export type DomainEventInput = z.input<typeof domainEventSchema>;

export interface ShopifyContext {
  store: string;
  /** X-Shopify-Triggered-At: occurredAt when the payload carries no timestamp of its own. */
  triggeredAt?: string;
}

export type ShopifyMapping =
  | { kind: 'unknown_topic' }
  | { kind: 'invalid'; error: z.ZodError }
  | { kind: 'mapped'; events: DomainEventInput[]; ignored?: string };

/** Whether a topic is one this service maps; others are acknowledged and ignored. */
export function isShopifyTopic(topic: string): topic is ShopifyTopic {
  return (shopifyTopics as readonly string[]).includes(topic);
}

/** Validates a Shopify payload for its topic and maps it to domain event inputs. */
export function mapShopifyWebhook(topic: string, payload: unknown, ctx: ShopifyContext): ShopifyMapping {
  if (!isShopifyTopic(topic)) return { kind: 'unknown_topic' };
  switch (topic) {
    case 'orders/create':
    case 'orders/updated': {
      const parsed = shopifyOrderSchema.safeParse(payload);
      return parsed.success ? mapOrderTopic(topic, parsed.data, ctx) : { kind: 'invalid', error: parsed.error };
    }
    case 'orders/cancelled': {
      const parsed = shopifyCancelledOrderSchema.safeParse(payload);
      if (!parsed.success) return { kind: 'invalid', error: parsed.error };
      const o = parsed.data;
      return { kind: 'mapped', events: [cancelledEvent(ctx, o.id, o.cancelled_at, o.cancel_reason)] };
    }
    case 'fulfillments/create':
    case 'fulfillments/update': {
      const parsed = shopifyFulfillmentSchema.safeParse(payload);
      return parsed.success ? mapFulfillmentTopic(topic, parsed.data, ctx) : { kind: 'invalid', error: parsed.error };
    }
    case 'refunds/create': {
      const parsed = shopifyRefundSchema.safeParse(payload);
      if (!parsed.success) return { kind: 'invalid', error: parsed.error };
      const r = parsed.data;
      // A refund alone does not say whether it covers the whole order; orders/updated with
      // financial_status "refunded" reports the full refund (under its own event id).
      return {
        kind: 'mapped',
        events: [event(ctx, 'order.refunded', `shopify:order.refunded:${r.id}`, r.processed_at ?? r.created_at, { orderId: r.order_id, full: false })],
      };
    }
  }
}

function event<T extends EventType>(
  ctx: ShopifyContext,
  type: T,
  eventId: string,
  occurredAt: string,
  data: Extract<DomainEventInput, { type: T }>['data'],
): DomainEventInput {
  return { eventId, store: ctx.store, source: 'shopify', occurredAt: utc(occurredAt), type, data } as DomainEventInput;
}

/** UTC ISO form: one spelling per instant, so event ids and sort keys agree across deliveries. */
function utc(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

function cancelledEvent(ctx: ShopifyContext, orderId: string, cancelledAt: string, reason: string | null | undefined): DomainEventInput {
  return event(ctx, 'order.cancelled', `shopify:order.cancelled:${orderId}`, cancelledAt, {
    orderId,
    reason: clip(reason, eventReasonLimit),
  });
}

function mapOrderTopic(topic: 'orders/create' | 'orders/updated', o: ShopifyOrder, ctx: ShopifyContext): ShopifyMapping {
  const events: DomainEventInput[] = [];
  const mapped = toOrder(o);
  const ignored: string[] = [];
  if (topic === 'orders/create') {
    if (mapped.ok) events.push(event(ctx, 'order.placed', `shopify:order.placed:${o.id}`, o.created_at, { order: mapped.order }));
    else ignored.push(mapped.reason);
    return withIgnored(events, ignored);
  }
  const updatedAt = utc(o.updated_at ?? ctx.triggeredAt ?? o.created_at);
  if (mapped.ok) events.push(event(ctx, 'order.updated', `shopify:order.updated:${o.id}:${updatedAt}`, updatedAt, { order: mapped.order }));
  else ignored.push(mapped.reason);
  if (o.financial_status === 'refunded') {
    // One full-refund event per order, whichever update first reports it; its time is the
    // latest refund's, so every delivery that carries it produces the identical event.
    const refundTimes = (o.refunds ?? []).map((r) => r.processed_at ?? r.created_at).sort((a, b) => Date.parse(a) - Date.parse(b));
    const refundedAt = refundTimes.at(-1) ?? updatedAt;
    events.push(event(ctx, 'order.refunded', `shopify:order.refunded:${o.id}:full`, refundedAt, { orderId: o.id, full: true }));
  }
  if (o.cancelled_at) events.push(cancelledEvent(ctx, o.id, o.cancelled_at, o.cancel_reason));
  return withIgnored(events, ignored);
}

function withIgnored(events: DomainEventInput[], ignored: string[]): ShopifyMapping {
  return ignored.length > 0 ? { kind: 'mapped', events, ignored: ignored.join('; ') } : { kind: 'mapped', events };
}

function mapFulfillmentTopic(topic: 'fulfillments/create' | 'fulfillments/update', f: ShopifyFulfillment, ctx: ShopifyContext): ShopifyMapping {
  if (f.status === 'cancelled') {
    return { kind: 'mapped', events: [], ignored: 'fulfillment is cancelled; shipments are not withdrawn' };
  }
  const shipment = toShipment(f);
  // Every fulfillment delivery carries shipment.created under the same id, so a lost or late
  // fulfillments/create cannot lose the shipment's line items; duplicates are deduplicated.
  const events: DomainEventInput[] = [
    event(ctx, 'shipment.created', `shopify:shipment.created:${f.id}`, f.created_at, { orderId: f.order_id, shipment }),
  ];
  const updatedAt = utc(f.updated_at ?? ctx.triggeredAt ?? f.created_at);
  const raw = f.shipment_status ?? undefined;
  const status = raw === undefined ? undefined : shopifyShipmentStatuses[raw];
  if (status) {
    events.push(
      event(ctx, 'shipment.updated', `shopify:shipment.updated:${f.id}:${status}:${updatedAt}`, updatedAt, {
        orderId: f.order_id,
        shipmentId: shipment.shipmentId,
        status,
        carrier: shipment.carrier,
        trackingNumber: shipment.trackingNumber,
        trackingUrl: shipment.trackingUrl,
        estimatedDelivery: shipment.estimatedDelivery,
      }),
    );
    return { kind: 'mapped', events };
  }
  if (raw === DELAYED) {
    // A new estimate is a new report; the same estimate repeated is the same delay.
    events.push(
      event(ctx, 'order.delayed', `shopify:order.delayed:${f.id}:${shipment.estimatedDelivery ?? 'no-estimate'}`, updatedAt, {
        orderId: f.order_id,
        reason: 'carrier_exception',
        shipmentId: shipment.shipmentId,
        newDeliverBy: shipment.estimatedDelivery,
      }),
    );
    return { kind: 'mapped', events };
  }
  if (topic === 'fulfillments/create') return { kind: 'mapped', events };
  const ignored = raw === undefined ? 'fulfillment update has no shipment status' : `shipment status "${raw}" is not mapped`;
  if (raw !== undefined || !hasTracking(shipment)) return { kind: 'mapped', events, ignored };
  // No status, but tracking (typically a carrier switch or a corrected number): a status-less
  // shipment.updated carries it, under an id no status update can have.
  events.push(
    event(ctx, 'shipment.updated', `shopify:shipment.updated:${f.id}:tracking:${updatedAt}`, updatedAt, {
      orderId: f.order_id,
      shipmentId: shipment.shipmentId,
      carrier: shipment.carrier,
      trackingNumber: shipment.trackingNumber,
      trackingUrl: shipment.trackingUrl,
      estimatedDelivery: shipment.estimatedDelivery,
    }),
  );
  return { kind: 'mapped', events };
}

function hasTracking(s: ShipmentInput): boolean {
  return [s.carrier, s.trackingNumber, s.trackingUrl, s.estimatedDelivery].some((v) => v !== undefined);
}

type ShipmentInput = Extract<DomainEventInput, { type: 'shipment.created' }>['data']['shipment'];

function toShipment(f: ShopifyFulfillment): ShipmentInput {
  const trackingNumber = [f.tracking_number, ...(f.tracking_numbers ?? [])].find((n) => fits(trackingNumberSchema, n));
  const trackingUrl = [f.tracking_url, ...(f.tracking_urls ?? [])].find((u) => fits(trackingUrlSchema, u));
  return {
    shipmentId: f.id,
    lineItems: (f.line_items ?? []).filter((li) => li.quantity > 0).map((li) => ({ lineItemId: li.id, quantity: li.quantity })),
    carrier: clip(f.tracking_company, carrierLimit),
    trackingNumber: trackingNumber ?? undefined,
    trackingUrl: trackingUrl ?? undefined,
    estimatedDelivery: fits(timestampSchema, f.estimated_delivery_at) ? (f.estimated_delivery_at ?? undefined) : undefined,
  };
}

// --- orders ----------------------------------------------------------------------------------

type OrderMapping = { ok: true; order: OrderInput } | { ok: false; reason: string };

/** Which of Shopify's two amounts to read: the shop's currency or the customer's. */
type MoneyView = 'shop' | 'presentment';

class MissingPresentmentAmount extends Error {}

/**
 * The normalized order. Amounts are in the currency the customer paid in (presentment) when it
 * differs from the shop's and every amount has its `*_set`; otherwise in the shop currency.
 * Totals are the current ones (after edits), falling back to the originals.
 */
function toOrder(o: ShopifyOrder): OrderMapping {
  const email = [o.email, o.contact_email, o.customer?.email].map((e) => e?.trim()).find((e) => e);
  if (!email) return { ok: false, reason: 'order has no customer email' };
  if (!customerSchema.shape.email.safeParse(email).success) return { ok: false, reason: 'order has no usable customer email' };
  const presentmentCurrency = o.presentment_currency && o.presentment_currency !== o.currency ? o.presentment_currency : undefined;
  let money: MoneyParts | undefined;
  if (presentmentCurrency) {
    try {
      money = moneyParts(o, 'presentment', presentmentCurrency);
    } catch (e) {
      if (!(e instanceof MissingPresentmentAmount)) throw e;
    }
  }
  money ??= moneyParts(o, 'shop', o.currency);
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
    statusUrl: fits(orderSchema.shape.statusUrl, statusUrl) ? statusUrl : undefined,
  };
  return { ok: true, order };
}

interface MoneyParts {
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

function moneyParts(o: ShopifyOrder, view: MoneyView, currency: string): MoneyParts {
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

  const lineItems = o.line_items.flatMap((li) => {
    const quantity = li.current_quantity ?? li.quantity;
    if (quantity === 0) return [];
    const price = required([li.price, li.price_set]);
    const allocations = (li.discount_allocations ?? []).map((a) => required([a.amount, a.amount_set]));
    // After an edit removed some units, only their share of the line's discounts remains.
    const deductions = quantity === li.quantity ? allocations : allocations.map((a) => prorate(a, quantity, li.quantity));
    return [
      {
        id: li.id,
        title: clip(li.title, lineItemSchema.shape.title.maxLength) ?? li.title,
        variant: clip(li.variant_title, lineItemSchema.shape.variant.unwrap().maxLength),
        sku: clip(li.sku, lineItemSchema.shape.sku.unwrap().maxLength),
        quantity,
        unitPrice: price,
        total: toCurrencyAmount(lineTotal(price, quantity, deductions), currency),
      },
    ];
  });

  const shippingLines = o.shipping_lines ?? [];
  const shipping =
    shippingLines.length === 0
      ? undefined
      : {
          title: clip(shippingLines.map((s) => s.title).filter(Boolean).join(' + '), shippingTitleLimit),
          amount: toCurrencyAmount(
            sumDecimals(shippingLines.map((s) => required([s.discounted_price, s.discounted_price_set], [s.price, s.price_set]))),
            currency,
          ),
        };

  return {
    currency,
    lineItems,
    subtotal: required([o.current_subtotal_price, o.current_subtotal_price_set], [o.subtotal_price, o.subtotal_price_set]),
    discounts: discounts(o, view, currency, required),
    shipping,
    taxLines: (o.tax_lines ?? []).map((t) => ({
      title: clip(t.title, taxTitleLimit) ?? 'Tax',
      rate: typeof t.rate === 'number' && t.rate >= 0 && t.rate <= 1 ? t.rate : undefined,
      amount: required([t.price, t.price_set]),
    })),
    taxTotal: read([o.current_total_tax, o.current_total_tax_set], [o.total_tax, o.total_tax_set]) ?? '0',
    total: required([o.current_total_price, o.current_total_price_set], [o.total_price, o.total_price_set]),
  };
}

/**
 * What each discount took off, summed from its allocations to line items and shipping (exact,
 * and available in both currencies). Without discount_applications, the discount_codes list
 * is used, whose amounts exist in the shop currency only.
 */
function discounts(o: ShopifyOrder, view: MoneyView, currency: string, required: (...c: Priced[]) => string): MoneyParts['discounts'] {
  const applications = o.discount_applications ?? [];
  if (applications.length > 0) {
    const allocations = [...o.line_items.flatMap((li) => li.discount_allocations ?? []), ...(o.shipping_lines ?? []).flatMap((s) => s.discount_allocations ?? [])];
    return applications.flatMap((app, index) => {
      const amounts = allocations.filter((a) => a.discount_application_index === index).map((a) => required([a.amount, a.amount_set]));
      if (amounts.length === 0) return [];
      const amount = toCurrencyAmount(sumDecimals(amounts), currency);
      if (isZero(amount)) return [];
      return [{ code: clip(app.code, discountCodeLimit), title: clip(app.title ?? app.description, discountTitleLimit), amount }];
    });
  }
  if (view === 'presentment') return [];
  return (o.discount_codes ?? [])
    .filter((d) => !isZero(d.amount))
    .map((d) => ({ code: clip(d.code, discountCodeLimit), amount: toCurrencyAmount(d.amount, currency) }));
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

function toPaymentStatus(status: string | null | undefined): z.infer<typeof paymentStatusSchema> {
  const parsed = paymentStatusSchema.safeParse(status);
  return parsed.success ? parsed.data : 'unknown';
}

// --- helpers ---------------------------------------------------------------------------------

/** Trimmed text cut to `max` UTF-16 units without splitting a surrogate pair; blank → undefined. */
function clip(value: string | null | undefined, max: number | null): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (max === null || trimmed.length <= max) return trimmed;
  let cut = trimmed.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut.trimEnd();
}

function fits(schema: z.ZodType, value: unknown): boolean {
  return value !== null && value !== undefined && schema.safeParse(value).success;
}
