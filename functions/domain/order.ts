/**
 * The normalized order: what every platform adapter produces and every email, page and
 * promise calculation reads. Money stays a decimal string in the order's currency so that
 * nothing is lost to floating point (JPY has no minor unit, KWD has three).
 */
import * as z from 'zod';

export const moneySchema = z
  .string()
  .regex(/^-?\d+(\.\d{1,4})?$/, 'must be a decimal string such as "12.50"');
export type Money = z.infer<typeof moneySchema>;

export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"');

/** An ISO 8601 timestamp with an offset or Z, e.g. 2026-11-22T10:00:00Z. */
export const timestampSchema = z.iso.datetime({ offset: true });

/** A BCP 47 language tag such as "en", "de-DE" or "fr-CA". */
export const localeSchema = z.string().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, 'must be a language tag such as "de-DE"');

export const addressSchema = z.object({
  name: z.string().max(200).optional(),
  company: z.string().max(200).optional(),
  address1: z.string().max(300).optional(),
  address2: z.string().max(300).optional(),
  city: z.string().max(200).optional(),
  province: z.string().max(200).optional(),
  zip: z.string().max(40).optional(),
  country: z.string().max(100).optional(),
  countryCode: z.string().regex(/^[A-Z]{2}$/).optional(),
});
export type Address = z.infer<typeof addressSchema>;

export const lineItemSchema = z.object({
  id: z.string().min(1).max(100),
  title: z.string().min(1).max(500),
  variant: z.string().max(300).optional(),
  sku: z.string().max(200).optional(),
  quantity: z.number().int().positive(),
  unitPrice: moneySchema,
  /** Line total before discounts, normally unitPrice × quantity (discounts are listed in the order's `discounts`). */
  total: moneySchema,
  imageUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** The platform's product id (Shopify `product_id`): what reviews of this item are published under. */
  productId: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be 1-100 letters, digits, ".", "_", ":" or "-"').optional(),
  /** Global Trade Item Number (EAN/UPC/ISBN), when the platform sends it: Google matches reviews by it first. */
  gtin: z.string().regex(/^\d{8,14}$/, 'must be 8 to 14 digits').optional(),
  /** Manufacturer part number (Google needs the brand beside it). */
  mpn: z.string().max(70).optional(),
  /** The product's brand (Shopify `vendor`). */
  brand: z.string().max(70).optional(),
  /** The product's page in the store, for the review feed and the product page. */
  productUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type LineItem = z.infer<typeof lineItemSchema>;

export const discountSchema = z.object({
  code: z.string().max(200).optional(),
  title: z.string().max(300).optional(),
  amount: moneySchema,
});

export const taxLineSchema = z.object({
  title: z.string().max(200),
  rate: z.number().min(0).max(1).optional(),
  amount: moneySchema,
});

export const paymentStatusSchema = z.enum([
  'paid',
  'pending',
  'authorized',
  'partially_paid',
  'partially_refunded',
  'refunded',
  'voided',
  'unknown',
]);

export const customerSchema = z.object({
  email: z.email(),
  firstName: z.string().max(200).optional(),
  lastName: z.string().max(200).optional(),
  locale: localeSchema.optional(),
  /** IANA time zone, e.g. "Europe/Berlin"; dates in emails are shown in it when known. */
  timeZone: z.string().max(64).optional(),
});
export type Customer = z.infer<typeof customerSchema>;

/** Dates the store promised; when absent, promises come from store configuration. */
export const promisesSchema = z.object({
  shipBy: timestampSchema.optional(),
  deliverBy: timestampSchema.optional(),
});
export type Promises = z.infer<typeof promisesSchema>;

export const orderSchema = z.object({
  orderId: z.string().min(1).max(100),
  /** The number the shopper sees, e.g. "#1001". */
  orderName: z.string().min(1).max(100),
  placedAt: timestampSchema,
  currency: currencySchema,
  customer: customerSchema,
  shippingAddress: addressSchema.optional(),
  lineItems: z.array(lineItemSchema).min(1).max(500),
  /**
   * The money adds up as the receipt shows it (functions/domain/money.ts):
   * subtotal (Σ line totals) − Σ discounts + shipping + taxes (unless included) = total.
   */
  subtotal: moneySchema,
  /** Every discount, on items and on shipping, each once. */
  discounts: z.array(discountSchema).max(50).default([]),
  /** Shipping before discounts (a shipping discount is one of `discounts`). */
  shipping: z.object({ title: z.string().max(200).optional(), amount: moneySchema }).optional(),
  taxLines: z.array(taxLineSchema).max(50).default([]),
  taxTotal: moneySchema.default('0'),
  taxesIncluded: z.boolean().default(false),
  /** The amount charged. */
  total: moneySchema,
  paymentStatus: paymentStatusSchema.default('unknown'),
  /** Shipping method code, used to look up transit days in store configuration. */
  shippingMethod: z.string().max(200).optional(),
  /**
   * How the shopper gets the order: `pickup` is collected at the store (local pickup), so its
   * fulfillments are never shipped parcels (no shipping confirmation or carrier updates; the
   * pickup emails speak for them). @default shipping
   */
  deliveryMethod: z.enum(['shipping', 'pickup']).optional(),
  promises: promisesSchema.default({}),
  /** The platform's own order status page, if any. */
  statusUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type Order = z.infer<typeof orderSchema>;
export type OrderInput = z.input<typeof orderSchema>;
