/**
 * Shopify webhook payload schemas (REST-shaped JSON). They cover only the fields read here;
 * every other field Shopify sends is ignored, so new Shopify fields never break ingestion.
 * Fields the product depends on (ids, money, line items, timestamps) are strict and a malformed
 * one is a 400 naming it.
 */
import * as z from 'zod';
import { currencySchema, timestampSchema } from '../../order.js';
import { isDecimal } from '../../webhooks/decimal.js';

/** Shopify ids are 64-bit integers; ones past 2^53 arrive as strings from parseJsonKeepingBigInts. */
export const idSchema = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'must be a numeric id')])
  .transform(String);

const moneySchema = z.string().refine(isDecimal, 'must be a decimal string such as "12.50"');

const amountSchema = z.object({ amount: moneySchema, currency_code: currencySchema });
/** Shopify's `*_set`: the amount in the shop's currency and in the one the customer paid in. */
const priceSetSchema = z.object({ shop_money: amountSchema, presentment_money: amountSchema });
export type PriceSet = z.infer<typeof priceSetSchema>;

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
  product_id: z.union([z.number().int(), z.string()]).nullish(),
  vendor: z.string().nullish(),
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
  /** An order edit removed this shipping line; it is no longer charged. */
  is_removed: z.boolean().nullish(),
  /** The delivery method's classification: `pick-up` for local pickup (Shopify's DeliveryMethodType PICK_UP). */
  delivery_category: z.string().nullish(),
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
  /** Every discount on the order, items and shipping alike. */
  total_discounts: moneySchema.nullish(),
  total_discounts_set: priceSetSchema.nullish(),
  current_total_discounts: moneySchema.nullish(),
  current_total_discounts_set: priceSetSchema.nullish(),
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

/** A decimal Shopify sends as a string, or (its published samples) as a JSON number. */
const decimalish = z
  .union([z.string(), z.number().finite()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? undefined : String(v)))
  .catch(undefined);

/** The REST Refund resource: body of refunds/create. */
export const shopifyRefundSchema = z.object({
  id: idSchema,
  order_id: idSchema,
  created_at: timestampSchema,
  processed_at: timestampSchema.nullish(),
  /** The money moved: the refund's amount is its successful `refund` transactions. */
  transactions: z
    .array(
      z.object({
        kind: z.string().nullish(),
        status: z.string().nullish(),
        amount: decimalish,
        currency: z.string().nullish().catch(undefined),
        payment_details: z.object({ credit_card_company: z.string().nullish(), credit_card_number: z.string().nullish() }).nullish().catch(undefined),
      }),
    )
    .nullish()
    // Display data: a shape we do not expect drops it (no refund email) rather than rejecting the refund.
    .catch(undefined),
  refund_line_items: z
    .array(z.object({ line_item_id: idSchema, quantity: z.number().int().nonnegative(), subtotal: decimalish }))
    .nullish()
    .catch(undefined),
});

export type ShopifyRefund = z.infer<typeof shopifyRefundSchema>;

/** The body of orders/edited: what an order edit changed (the order itself follows in orders/updated). */
export const shopifyOrderEditSchema = z.object({
  order_edit: z.object({
    id: idSchema,
    order_id: idSchema,
    created_at: timestampSchema,
    notify_customer: z.boolean().nullish(),
    line_items: z
      .object({
        additions: z.array(z.object({ id: idSchema, delta: z.number().int() })).nullish(),
        removals: z.array(z.object({ id: idSchema, delta: z.number().int() })).nullish(),
      })
      .nullish(),
  }),
});
export type ShopifyOrderEdit = z.infer<typeof shopifyOrderEditSchema>;
