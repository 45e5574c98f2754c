import { describe, expect, it } from 'vitest';
import { buildLinks, signLink, signingKeys, verifyLink, type LinkClaims } from '../../functions/domain/links.js';

const SECRET = 'test-link-secret-0123456789abcdef';
const OTHER_SECRET = 'another-secret-0123456789abcdef!';
const track: LinkClaims = { store: 'acme.myshopify.com', orderId: '5551234567', purpose: 'track' };

/** Flips one character of a base64url string to another valid one. */
function flip(s: string, at: number): string {
  const c = s[at] === 'A' ? 'B' : 'A';
  return s.slice(0, at) + c + s.slice(at + 1);
}

describe('signed links', () => {
  it('verifies a token it signed and returns its claims', () => {
    const token = signLink(SECRET, track);

    expect(verifyLink(SECRET, token, 'track')).toEqual(track);
  });

  it('makes compact, URL-safe tokens', () => {
    const token = signLink(SECRET, { ...track, purpose: 'unsubscribe', email: 'zoe@example.com' });

    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(token.length).toBeLessThan(160);
  });

  it('rejects a token whose claims were altered', () => {
    const token = signLink(SECRET, track);
    const [payload, mac] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ s: 'acme.myshopify.com', o: '5551234568', p: 't' })).toString('base64url');

    expect(verifyLink(SECRET, `${forged}.${mac}`, 'track')).toBeUndefined();
    expect(verifyLink(SECRET, `${flip(payload, 3)}.${mac}`, 'track')).toBeUndefined();
  });

  it('rejects a token whose signature was altered or truncated', () => {
    const token = signLink(SECRET, track);
    const [payload, mac] = token.split('.') as [string, string];

    expect(verifyLink(SECRET, `${payload}.${flip(mac, 10)}`, 'track')).toBeUndefined();
    expect(verifyLink(SECRET, `${payload}.${mac.slice(0, 22)}`, 'track')).toBeUndefined();
  });

  it('rejects a token used for another purpose', () => {
    const feedback = signLink(SECRET, { ...track, purpose: 'feedback' });

    expect(verifyLink(SECRET, feedback, 'track')).toBeUndefined();
    expect(verifyLink(SECRET, feedback, 'unsubscribe')).toBeUndefined();
    expect(verifyLink(SECRET, feedback, 'feedback')).toMatchObject({ purpose: 'feedback' });
  });

  it('rejects a token signed with another secret', () => {
    expect(verifyLink(SECRET, signLink(OTHER_SECRET, track), 'track')).toBeUndefined();
  });

  it('rejects malformed tokens without throwing', () => {
    for (const bad of ['', '.', 'abc', 'a.b.c', 'not base64!.x', `${'a'.repeat(3000)}.b`]) {
      expect(verifyLink(SECRET, bad, 'track')).toBeUndefined();
    }
  });

  it('honours an optional expiry', () => {
    const token = signLink(SECRET, { ...track, exp: Date.parse('2026-12-01T00:00:00Z') / 1000 });

    expect(verifyLink(SECRET, token, 'track', new Date('2026-11-30T23:59:59Z'))).toMatchObject({ orderId: '5551234567' });
    expect(verifyLink(SECRET, token, 'track', new Date('2026-12-01T00:00:00Z'))).toBeUndefined();
  });

  it('keeps old links working while the secret rotates (JSON array, newest first)', () => {
    const old = signLink(SECRET, track);
    const rotating = JSON.stringify([OTHER_SECRET, SECRET]);

    expect(verifyLink(rotating, old, 'track')).toEqual(track);
    expect(verifyLink(SECRET, signLink(rotating, track), 'track')).toBeUndefined();
    expect(verifyLink(OTHER_SECRET, signLink(rotating, track), 'track')).toEqual(track);
  });

  it('refuses to sign with a missing or short secret', () => {
    expect(() => signLink('', track)).toThrow(/at least 16/);
    expect(() => signingKeys('["short"]')).toThrow(/at least 16/);
  });
});

describe('buildLinks', () => {
  const links = buildLinks('https://pages.example.com/', SECRET, { store: 'acme.myshopify.com', orderId: '1001', email: 'Zoe@Example.com' });
  const tokenOf = (url: string) => new URL(url).searchParams.get('t')!;

  it('builds a tracking link that verifies as a tracking token', () => {
    expect(links.tracking).toMatch(/^https:\/\/pages\.example\.com\/track\?t=[\w-]+\.[\w-]+$/);
    expect(verifyLink(SECRET, tokenOf(links.tracking), 'track')).toEqual({ store: 'acme.myshopify.com', orderId: '1001', purpose: 'track' });
  });

  it('builds one feedback link per star, all with the same feedback token', () => {
    const urls = [1, 2, 3, 4, 5].map((r) => new URL(links.feedback[r as 1 | 2 | 3 | 4 | 5]));

    expect(urls.map((u) => u.pathname)).toEqual(Array(5).fill('/feedback'));
    expect(urls.map((u) => u.searchParams.get('rating'))).toEqual(['1', '2', '3', '4', '5']);
    expect(new Set(urls.map((u) => u.searchParams.get('t'))).size).toBe(1);
    expect(verifyLink(SECRET, urls[0]!.searchParams.get('t')!, 'feedback')).toMatchObject({ orderId: '1001' });
  });

  it('uses one URL for the unsubscribe page and the RFC 8058 one-click POST, carrying the lower-cased address', () => {
    expect(links.unsubscribeOneClick).toBe(links.unsubscribe);
    expect(links.unsubscribe).toMatch(/^https:\/\/pages\.example\.com\/unsubscribe\?t=/);
    expect(verifyLink(SECRET, tokenOf(links.unsubscribe), 'unsubscribe')).toMatchObject({ email: 'zoe@example.com' });
  });
});
