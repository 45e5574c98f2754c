/**
 * Store ids: one canonical form, applied wherever an id enters (webhook headers and bodies,
 * configuration, link claims, form fields) before it authenticates, deduplicates, keys an item
 * or signs a link. Shop domains are case-insensitive, so `ACME-DEV.MYSHOPIFY.COM` and
 * `acme-dev.myshopify.com` must be one store; generic ids follow the same rule so that no two
 * spellings of one id can exist. The canonical form is trimmed and lower-case, drawn from
 * letters, digits, `.`, `_` and `-` (1–200 characters): nothing that could split a
 * `ORDER#<store>#<order>` key, and nothing whose lower-casing is surprising (the charset is
 * checked before lower-casing, so the Kelvin sign does not become a "k").
 *
 * Stores are looked up through `StoreDirectory`, a Map: a plain object keyed by user input
 * would answer `__proto__` or `constructor` with Object.prototype's members.
 */
import * as z from 'zod';

export const platformSchema = z.enum(['shopify', 'generic']);
/** Which webhook endpoint a store sends to: `/webhooks/shopify` or `/webhooks` (Standard Webhooks). */
export type Platform = z.infer<typeof platformSchema>;

export const STORE_ID_MAX_LENGTH = 200;
const STORE_ID_CHARS = /^[A-Za-z0-9._-]+$/;
/** A Shopify shop's permanent domain, as X-Shopify-Shop-Domain carries it (canonical form). */
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export const STORE_ID_RULE = `1-${STORE_ID_MAX_LENGTH} letters, digits, ".", "_" or "-" (case-insensitive, kept lower-case)`;

/** The canonical form of a store id, or undefined when it cannot be one (wrong characters or length). */
export function canonicalStoreId(raw: string | undefined): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > STORE_ID_MAX_LENGTH || !STORE_ID_CHARS.test(trimmed)) return undefined;
  return trimmed.toLowerCase();
}

/** True for a canonical Shopify shop domain (`<shop>.myshopify.com`). */
export function isShopDomain(storeId: string): boolean {
  return SHOP_DOMAIN.test(storeId);
}

/** The platform a store id implies when the configuration does not say: shop domains are Shopify's. */
export function inferredPlatform(storeId: string): Platform {
  return isShopDomain(storeId) ? 'shopify' : 'generic';
}

/** A configured store id: canonicalized (trimmed, lower-cased) and validated, for config files and the environment. */
export const storeIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(STORE_ID_MAX_LENGTH)
  .regex(STORE_ID_CHARS, `must be ${STORE_ID_RULE}`)
  .transform((s) => s.toLowerCase());

/** A store id as it travels inside domain events and links: already canonical. */
export const canonicalStoreIdSchema = z
  .string()
  .min(1)
  .max(STORE_ID_MAX_LENGTH)
  .refine((s) => canonicalStoreId(s) === s, { message: `must be a canonical store id: ${STORE_ID_RULE}` });

/** Configured stores by canonical id; every lookup canonicalizes its key first and never reaches a prototype. */
export class StoreDirectory<T extends { storeId: string; platform: Platform }> {
  private readonly byId: ReadonlyMap<string, T>;

  constructor(stores: readonly T[]) {
    const byId = new Map<string, T>();
    for (const store of stores) {
      const id = canonicalStoreId(store.storeId);
      if (id === undefined) throw new Error(`store id "${store.storeId}" is not valid: ${STORE_ID_RULE}`);
      if (byId.has(id)) throw new Error(`store id "${id}" is configured twice`);
      byId.set(id, store);
    }
    this.byId = byId;
  }

  /** The store a raw id names (any case, surrounding spaces), optionally only if it is on `platform`. */
  get(raw: string | undefined, platform?: Platform): T | undefined {
    const id = canonicalStoreId(raw);
    const store = id === undefined ? undefined : this.byId.get(id);
    return store && (platform === undefined || store.platform === platform) ? store : undefined;
  }

  get all(): T[] {
    return [...this.byId.values()];
  }
}
