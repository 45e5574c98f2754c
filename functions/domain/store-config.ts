/**
 * Per-store configuration: branding for the emails and pages, and the defaults used to
 * promise ship and delivery dates when the platform gives none. One schema serves CDK context
 * (validated at synth), the Lambda environment (validated at cold start) and local runs.
 */
import * as z from 'zod';
import { localeSchema } from './order.js';
import { EMAIL_KINDS, KIND_SPECS, type EmailKind } from './email/context.js';
import { inferredPlatform, isShopDomain, platformSchema, storeIdSchema } from './store-id.js';

export const brandingSchema = z.strictObject({
  name: z.string().min(1).max(100),
  logoUrl: z.url({ protocol: /^https$/ }).optional(),
  accentColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour such as "#1a73e8"')
    .default('#1a73e8'),
  supportEmail: z.email(),
  /** Postal address shown in the email footer (CAN-SPAM and similar laws want one). */
  postalAddress: z.string().min(1).max(300),
});
export type Branding = z.infer<typeof brandingSchema>;

export const weekdaySchema = z.number().int().min(1).max(7); // ISO: 1 = Monday … 7 = Sunday

export const promiseDefaultsSchema = z.strictObject({
  /** Business days from order to ship-by. */
  handlingDays: z.number().int().min(0).max(60).default(2),
  /** Business days in transit, by shipping method code, with a default. */
  transitDays: z
    .object({ default: z.number().int().min(0).max(90), byMethod: z.record(z.string(), z.number().int().min(0).max(90)).default({}) })
    .default({ default: 3, byMethod: {} }),
  businessDays: z.array(weekdaySchema).min(1).default([1, 2, 3, 4, 5]),
  /** Dates (YYYY-MM-DD, in the store's time zone) that are not business days. */
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]),
  /** IANA time zone the business days are counted in. */
  timeZone: z.string().default('UTC'),
  /** Ship-by and deliver-by are end of business day at this hour in the store's time zone. */
  cutoffHour: z.number().int().min(0).max(23).default(17),
});
export type PromiseDefaults = z.infer<typeof promiseDefaultsSchema>;

export const lifecycleSchema = z.strictObject({
  /** Days after delivery before the feedback request. */
  feedbackDelayDays: z.number().min(0).max(90).default(7),
  /** Days after the feedback request before the one reminder. */
  feedbackReminderDays: z.number().min(0.01).max(90).default(4),
  /** Extra days added to a missed promise when the platform gives no new estimate. */
  delayGraceDays: z.number().int().min(1).max(30).default(2),
}, {
  // Settings are strict, so a misspelt key fails the synth instead of silently taking a default.
  // This one was retired by the shopper-experience policy: say where its meaning went.
  error: (issue) =>
    issue.code === 'unrecognized_keys' && issue.keys.includes('deliveryFallbackDays')
      ? 'deliveryFallbackDays was replaced by policy.assumeDeliveredDaysAfterEstimate (days after the latest delivery estimate, default 3)'
      : undefined,
});
export type Lifecycle = z.infer<typeof lifecycleSchema>;

const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour local time such as "21:00"');

/**
 * The shopper-experience policy (functions/domain/policy.ts): how often a shopper may hear about
 * a delay, when delivery is assumed if the platform never reports it, and when non-essential
 * mail may arrive.
 */
export const policySchema = z.strictObject({
  delayNotices: z
    .object({
      /** Days between two delay notices of one order, at least. */
      minSpacingDays: z.number().min(0).max(30).default(3),
      /** Delay notices per order, at most (0: none). */
      maxPerOrder: z.number().int().min(0).max(10).default(2),
    })
    .default({ minSpacingDays: 3, maxPerOrder: 2 }),
  /**
   * When the platform never reports delivery, it is assumed this many days after the latest
   * estimate of every shipment (the feedback window counts from then).
   */
  assumeDeliveredDaysAfterEstimate: z.number().min(0).max(30).default(3),
  /**
   * Non-essential mail (feedback request and reminder) is not sent between these local times
   * of the shopper (their time zone, else the store's); it is deferred to the end. Equal
   * start and end: no quiet hours.
   */
  quietHours: z.object({ start: clockTimeSchema, end: clockTimeSchema }).default({ start: '21:00', end: '08:00' }),
});
export type Policy = z.infer<typeof policySchema>;

/**
 * Which kinds of email the store sends: a kind left out keeps its default (`KIND_SPECS`, all on;
 * the README gives the reasoning per kind). A store whose platform already sends one (say,
 * Shopify's own "out for delivery") turns ours off here, so the shopper does not get two.
 */
export const notificationsSchema = z.partialRecord(z.enum(EMAIL_KINDS), z.boolean());
export type Notifications = z.infer<typeof notificationsSchema>;

/** Whether the store sends this kind of email. */
export function kindEnabled(config: { notifications?: Notifications }, kind: EmailKind): boolean {
  return config.notifications?.[kind] ?? KIND_SPECS[kind].defaultOn;
}

/**
 * Reviews, rewards and referrals (functions/domain/reviews/). Moderation may depend on the rating;
 * rewards and points never do (README, "Reviews, rewards and referrals").
 */
export const participationSchema = z.strictObject({
  /** A review rated at or above this is published at once; below it, it waits for the merchant (6: hold every review). */
  autoPublishMinRating: z.number().int().min(1).max(6).default(4),
  /** An order rating at or below this alerts the store's support address (0: never). */
  lowRatingThreshold: z.number().int().min(0).max(5).default(2),
  /** Discount codes for review rewards, besides any the merchant uploads (each is given out once). */
  rewardCodes: z.array(z.string().regex(/^[A-Za-z0-9_-]{3,64}$/, 'must be 3-64 letters, digits, "_" or "-"')).max(10_000).default([]),
  /** When this many codes or fewer are left after one is given out, the merchant is alerted once per upload. */
  lowPoolThreshold: z.number().int().min(0).max(10_000).default(5),
  /** Points for a review (once per order), and for a friend's delivered order. */
  pointsPerReview: z.number().int().min(0).max(100_000).default(50),
  pointsPerReferral: z.number().int().min(0).max(100_000).default(200),
  /**
   * Where a referral link sends the friend, with `{code}` replaced by the referral code (a
   * Shopify store: "https://shop.example/discount/{code}"). @default - the referral page here
   */
  referralLandingUrl: z
    .url({ protocol: /^https$/ })
    .refine((u) => u.includes('%7Bcode%7D') || u.includes('{code}'), 'must contain "{code}"')
    .optional(),
});
export type Participation = z.infer<typeof participationSchema>;

/** The fields of a store's configuration, before its platform is settled (environments extend these). */
export const storeConfigFields = z.strictObject({
  /** Shopify shop domain (e.g. "acme.myshopify.com") or the generic source id; canonicalized (trimmed, lower-case). */
  storeId: storeIdSchema,
  /**
   * Which endpoint the store's webhooks come to: "shopify" (`POST /webhooks/shopify`, HMAC with
   * the app's secret) or "generic" (`POST /webhooks`, Standard Webhooks). Each endpoint accepts
   * only its own stores. @default "shopify" for a `*.myshopify.com` id, else "generic"
   */
  platform: platformSchema.optional(),
  branding: brandingSchema,
  defaultLocale: localeSchema.default('en'),
  promises: promiseDefaultsSchema.default(promiseDefaultsSchema.parse({})),
  lifecycle: lifecycleSchema.default(lifecycleSchema.parse({})),
  policy: policySchema.default(policySchema.parse({})),
  notifications: notificationsSchema.default({}),
  /** Local pickup (issue 13): where and when shoppers collect orders, for the pickup emails. */
  pickup: z
    .object({
      /** Name and address, one line or several ("Nordlicht Store, Hafenstraße 12, Hamburg"). */
      location: z.string().min(1).max(300),
      /** Opening hours as the shopper should read them ("Mon–Fri 10:00–19:00, Sat 10:00–16:00"). */
      hours: z.string().min(1).max(300),
      /** How long an order is held for collection, in days (said in the ready email). */
      holdDays: z.number().int().min(1).max(60).optional(),
    })
    .optional(),
  participation: participationSchema.default(participationSchema.parse({})),
});

/**
 * Settles the platform: the configured one, else the one the id implies. Shopify names a shop
 * by its permanent `*.myshopify.com` domain in every webhook, so a Shopify store needs one.
 */
export function withPlatform<T extends { storeId: string; platform?: z.infer<typeof platformSchema> }>(
  store: T,
  ctx: z.core.$RefinementCtx<T>,
): T & { platform: z.infer<typeof platformSchema> } {
  const platform = store.platform ?? inferredPlatform(store.storeId);
  if (platform === 'shopify' && !isShopDomain(store.storeId)) {
    ctx.addIssue({
      code: 'custom',
      path: ['storeId'],
      message: `a Shopify store's id is its shop domain ("<shop>.myshopify.com", as X-Shopify-Shop-Domain sends it), got "${store.storeId}"`,
    });
  }
  return { ...store, platform };
}

export const storeConfigSchema = storeConfigFields.transform(withPlatform);
export type StoreConfig = z.infer<typeof storeConfigSchema>;
export type StoreConfigInput = z.input<typeof storeConfigSchema>;
