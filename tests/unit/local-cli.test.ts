import { describe, expect, it } from 'vitest';
import { banner, DEFAULT_CAPTURE_DIR, parseCli } from '../../local/cli-options.js';
import { DEV_SECRETS } from '../../local/dev-secrets.js';
import type { LocalRuntime } from '../../local/runtime.js';
import { localStores, parseShops, withShops } from '../../local/shops.js';

const CONFIGURED = JSON.stringify([
  { storeId: 'acme-dev.myshopify.com', branding: { name: 'Acme', supportEmail: 'help@example.com', postalAddress: '1 Example St' } },
  { storeId: 'generic-dev', branding: { name: 'Outlet', supportEmail: 'o@example.com', postalAddress: '1 Example St' } },
]);

describe('npm start -- --shop', () => {
  it('takes several --shop flags and SHOPIFY_SHOP (comma-separated), lower-cased and deduplicated', () => {
    const options = parseCli(['--shop', 'My-Store.myshopify.com', '--shop', 'second.myshopify.com'], { SHOPIFY_SHOP: ' third.myshopify.com, my-store.myshopify.com ,' });
    expect(options).toMatchObject({ shops: ['my-store.myshopify.com', 'second.myshopify.com', 'third.myshopify.com'] });
  });

  it('refuses a shop that is not a <shop>.myshopify.com domain, naming it and where it came from', () => {
    expect(() => parseCli(['--shop', 'mystore.com'], {})).toThrow(/--shop "mystore.com": a Shopify shop is named by its permanent <shop>.myshopify.com domain/);
    expect(() => parseShops([], 'ok.myshopify.com,https://bad.myshopify.com')).toThrow(/SHOPIFY_SHOP "https:\/\/bad.myshopify.com"/);
  });

  it('captures webhooks under .local/captures by default, elsewhere with --captures, not at all with --no-captures or in memory', () => {
    expect(parseCli([], {})).toMatchObject({ captureDir: DEFAULT_CAPTURE_DIR });
    expect(parseCli(['--captures', '/tmp/x'], {})).toMatchObject({ captureDir: '/tmp/x' });
    expect(parseCli(['--no-captures'], {})).toMatchObject({ captureDir: undefined });
    expect(parseCli(['--in-memory'], {})).toMatchObject({ captureDir: undefined });
    expect(() => parseCli(['--captures', '/tmp/x', '--no-captures'], {})).toThrow(/contradict/);
  });

  it('adds each new shop with default branding the stores schema accepts, leaving configured ones as they are', () => {
    const { storesJson, added } = withShops(CONFIGURED, ['acme-dev.myshopify.com', 'my-store.myshopify.com']);
    expect(added).toEqual(['my-store.myshopify.com']);
    const stores = JSON.parse(storesJson) as Array<{ storeId: string; branding: { name: string } }>;
    expect(stores.map((s) => s.storeId)).toEqual(['acme-dev.myshopify.com', 'generic-dev', 'my-store.myshopify.com']);
    expect(stores[0]!.branding.name).toBe('Acme');
    expect(stores[2]!.branding.name).toBe('my-store');
  });
});

describe('the start banner', () => {
  const runtime = (defaults: string[], shopifySecret: string = DEV_SECRETS.shopify) => {
    const { storesJson, added } = withShops(CONFIGURED, ['my-store.myshopify.com']);
    return {
      url: 'http://127.0.0.1:3000',
      app: { routes: [] } as unknown as LocalRuntime['app'],
      clock: { scale: 1, origin: 0, now: () => new Date() },
      secrets: { shopifyWebhookSecret: shopifySecret, webhookSecret: DEV_SECRETS.webhook, linkSigningSecret: 'l', opsToken: DEV_SECRETS.opsToken, defaults },
      stores: localStores(storesJson, added),
      resumed: [],
      captureDir: '/repo/.local/captures',
    };
  };
  const storeLine = (text: string, store: string) => text.split('\n').find((l) => l.includes(store)) ?? '';

  it('lists every store it accepts with the endpoint and the secret that verifies it, and the development value', () => {
    const text = banner(runtime(['SHOPIFY_WEBHOOK_SECRET', 'WEBHOOK_SECRET', 'OPS_TOKEN']), false, undefined);
    expect(storeLine(text, 'acme-dev.myshopify.com')).toMatch(/POST \/webhooks\/shopify\s+verified with SHOPIFY_WEBHOOK_SECRET \(development default local-shopify-webhook-secret\)/);
    expect(storeLine(text, 'generic-dev')).toMatch(/POST \/webhooks\s+verified with WEBHOOK_SECRET \(development default whsec_/);
    expect(storeLine(text, 'my-store.myshopify.com')).toMatch(/verified with SHOPIFY_WEBHOOK_SECRET .*added by --shop/);
    expect(storeLine(text, 'acme-dev.myshopify.com')).not.toContain('added by --shop');
    expect(text).toContain('/repo/.local/captures/');
    expect(text).toContain('npm run replay');
  });

  it('never prints the value of a secret the user set', () => {
    const mine = 'shpss_my-own-store-secret-0123456789';
    const text = banner(runtime(['WEBHOOK_SECRET', 'OPS_TOKEN'], mine), false, undefined);
    expect(text).not.toContain(mine);
    expect(storeLine(text, 'acme-dev.myshopify.com')).toContain('SHOPIFY_WEBHOOK_SECRET (yours, not shown)');
    expect(text).toContain(`WEBHOOK_SECRET=${DEV_SECRETS.webhook}`);
  });
});
