/**
 * Stores the local runtime accepts beyond those of the synthesized configuration: `--shop` and
 * SHOPIFY_SHOP add Shopify shops (each verified with the local Shopify secret, with default
 * branding), so a developer can point their own development store at `npm start` without
 * editing config/dev.json. What each store is verified with is described for the start banner.
 */
import { storesEnvSchema, type StoresEnv } from '../functions/adapters/env.js';
import { canonicalStoreId, inferredPlatform, isShopDomain, type Platform } from '../functions/domain/store-id.js';

/**
 * The shops named by `--shop` flags and SHOPIFY_SHOP (comma-separated), trimmed, lower-cased
 * (shop domains are case-insensitive) and deduplicated; throws naming the first bad one.
 */
export function parseShops(flags: readonly string[] = [], envValue?: string): string[] {
  const given = [...flags.map((f) => ({ from: '--shop', value: f })), ...(envValue ?? '').split(',').map((v) => ({ from: 'SHOPIFY_SHOP', value: v }))];
  const shops: string[] = [];
  for (const { from, value } of given) {
    if (!value.trim() && from === 'SHOPIFY_SHOP') continue;
    const shop = canonicalStoreId(value) ?? '';
    if (!isShopDomain(shop)) {
      throw new Error(
        `${from} "${value}": a Shopify shop is named by its permanent <shop>.myshopify.com domain (the one X-Shopify-Shop-Domain sends; ` +
          'Shopify admin → Settings → Domains lists it), e.g. --shop my-dev-store.myshopify.com',
      );
    }
    if (!shops.includes(shop)) shops.push(shop);
  }
  return shops;
}

/** Branding for a shop added with --shop: its handle as the name, placeholders for what the law wants in a footer. */
export function defaultShopStore(shop: string): StoresEnv[number] {
  const handle = shop.slice(0, -'.myshopify.com'.length);
  return storesEnvSchema.parse([
    {
      storeId: shop,
      branding: {
        name: handle,
        supportEmail: 'support@example.com',
        postalAddress: 'Postal address not configured (added locally with --shop)',
      },
    },
  ])[0]!;
}

/**
 * The STORES value with the given shops added (those already configured are left as they are).
 * Returns the new JSON and which shops were added.
 */
export function withShops(storesJson: string | undefined, shops: readonly string[]): { storesJson: string; added: string[] } {
  const stores = JSON.parse(storesJson ?? '[]') as Array<{ storeId: string }>;
  const known = new Set(stores.map((s) => canonicalStoreId(s.storeId)));
  const added = shops.filter((s) => !known.has(s));
  return { storesJson: JSON.stringify([...stores, ...added.map(defaultShopStore)]), added };
}

/** How a local store's webhooks are authenticated, for the banner: which endpoint and which secret. */
export interface LocalStoreInfo {
  storeId: string;
  /** `shopify`: POST /webhooks/shopify, Shopify HMAC; `generic`: POST /webhooks, Standard Webhooks. */
  endpoint: Platform;
  /** The environment variable holding the secret. */
  secretEnv: 'SHOPIFY_WEBHOOK_SECRET' | 'WEBHOOK_SECRET';
  /** True when added by --shop / SHOPIFY_SHOP rather than configured. */
  addedLocally: boolean;
}

/** Each store of a STORES value, on the endpoint of its platform (configured, or implied by its id). */
export function localStores(storesJson: string | undefined, added: readonly string[]): LocalStoreInfo[] {
  const stores = JSON.parse(storesJson ?? '[]') as Array<{ storeId: string; platform?: Platform }>;
  return stores.map((s) => {
    const storeId = canonicalStoreId(s.storeId) ?? s.storeId;
    const endpoint = s.platform ?? inferredPlatform(storeId);
    return {
      storeId,
      endpoint,
      secretEnv: endpoint === 'shopify' ? 'SHOPIFY_WEBHOOK_SECRET' : 'WEBHOOK_SECRET',
      addedLocally: added.includes(storeId),
    };
  });
}
