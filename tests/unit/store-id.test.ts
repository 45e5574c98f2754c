import { describe, expect, it } from 'vitest';
import { canonicalStoreId, inferredPlatform, StoreDirectory } from '../../functions/domain/store-id.js';

describe('canonical store ids', () => {
  it('trims and lower-cases: every spelling of a shop domain is one store', () => {
    expect(canonicalStoreId(' ACME-DEV.MyShopify.COM ')).toBe('acme-dev.myshopify.com');
    expect(canonicalStoreId('Generic-Dev')).toBe('generic-dev');
  });

  it('has no canonical form for characters outside letters, digits, ".", "_", "-", nor for empty or over-long ids', () => {
    for (const raw of ['acme#outlet', 'acme outlet', 'ａcme', '\u212Acme' /* Kelvin sign, lower-cases to "k" */, '', '   ', 'a'.repeat(201)]) {
      expect(canonicalStoreId(raw), raw).toBeUndefined();
    }
    expect(canonicalStoreId('a'.repeat(200))).toBe('a'.repeat(200));
  });

  it('infers Shopify only for a myshopify.com domain', () => {
    expect(inferredPlatform('acme.myshopify.com')).toBe('shopify');
    expect(inferredPlatform('acme.com')).toBe('generic');
    expect(inferredPlatform('myshopify.com')).toBe('generic');
  });
});

describe('StoreDirectory', () => {
  const directory = new StoreDirectory([
    { storeId: 'acme.myshopify.com', platform: 'shopify' as const },
    { storeId: 'outlet', platform: 'generic' as const },
  ]);

  it('finds a store by any spelling of its id, and only on its own platform when one is asked for', () => {
    expect(directory.get('ACME.myshopify.com')?.storeId).toBe('acme.myshopify.com');
    expect(directory.get('Outlet', 'generic')?.storeId).toBe('outlet');
    expect(directory.get('outlet', 'shopify')).toBeUndefined();
    expect(directory.get('acme.myshopify.com', 'generic')).toBeUndefined();
  });

  it('never answers with a prototype member', () => {
    for (const raw of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) expect(directory.get(raw)).toBeUndefined();
  });

  it('refuses a configuration with two spellings of one id', () => {
    expect(() => new StoreDirectory([{ storeId: 'outlet', platform: 'generic' }, { storeId: 'OUTLET', platform: 'generic' }])).toThrow(/configured twice/);
  });
});
