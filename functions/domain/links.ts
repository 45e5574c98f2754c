/**
 * Signed links: the tracking, feedback and unsubscribe pages have no login, so a link is its
 * own credential. A token is `base64url(JSON claims) + "." + base64url(HMAC-SHA256)`; the
 * claims use one-letter keys because the links sit in email bodies and List-Unsubscribe
 * headers, where short is kinder to every client that wraps or truncates them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import type { Rating } from './feedback.js';

export const linkPurposeSchema = z.enum(['track', 'feedback', 'unsubscribe']);
export type LinkPurpose = z.infer<typeof linkPurposeSchema>;

export const linkClaimsSchema = z.object({
  store: z.string().min(1).max(200),
  orderId: z.string().min(1).max(100),
  purpose: linkPurposeSchema,
  /** The recipient: only unsubscribe links need it (the suppression is per address). */
  email: z.string().min(3).max(320).optional(),
  /** Expiry in epoch seconds; tracking links live as long as the order does, so none by default. */
  exp: z.number().int().positive().optional(),
});
export type LinkClaims = z.infer<typeof linkClaimsSchema>;

const purposeCode = { track: 't', feedback: 'f', unsubscribe: 'u' } as const satisfies Record<LinkPurpose, string>;
const purposeByCode = { t: 'track', f: 'feedback', u: 'unsubscribe' } as const;

/** The claims as they travel inside the token. */
const wireClaimsSchema = z.strictObject({
  s: linkClaimsSchema.shape.store,
  o: linkClaimsSchema.shape.orderId,
  p: z.enum(['t', 'f', 'u']),
  e: linkClaimsSchema.shape.email,
  x: linkClaimsSchema.shape.exp,
});

const base64url = /^[A-Za-z0-9_-]+$/;
const MAC_BYTES = 32;

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

/**
 * The keys in a secret value: one string, or (while rotating) a JSON array of strings, newest
 * first. Links are signed with the first and verified against all of them, so links already in
 * inboxes keep working through a rotation. Generated secrets are letters and digits only, so a
 * plain secret is never mistaken for an array.
 */
export function signingKeys(secret: string | readonly string[]): string[] {
  let list: readonly unknown[] = typeof secret === 'string' ? [secret] : secret;
  if (typeof secret === 'string' && secret.trimStart().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(secret);
      if (Array.isArray(parsed)) list = parsed;
    } catch {
      /* not JSON: a plain secret that happens to start with "[" */
    }
  }
  const keys = list.filter((k): k is string => typeof k === 'string');
  // A short or empty key would make every token forgeable by anyone who reads this file.
  if (keys.length === 0 || keys.some((k) => k.length < 16)) throw new Error('Link signing secret must be at least 16 characters');
  return keys;
}

/** A compact token carrying the claims, signed with the link secret. */
export function signLink(secret: string | readonly string[], claims: LinkClaims): string {
  const [key] = signingKeys(secret) as [string];
  const c = linkClaimsSchema.parse(claims);
  const wire: z.input<typeof wireClaimsSchema> = { s: c.store, o: c.orderId, p: purposeCode[c.purpose] };
  if (c.email !== undefined) wire.e = c.email.trim().toLowerCase();
  if (c.exp !== undefined) wire.x = c.exp;
  const payload = Buffer.from(JSON.stringify(wire)).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/**
 * The claims of a genuine, unexpired token made for this purpose; undefined for anything else,
 * without saying why, so a prober learns nothing from the answer.
 */
export function verifyLink(secret: string | readonly string[], token: string, purpose: LinkPurpose, now: Date = new Date()): LinkClaims | undefined {
  const keys = signingKeys(secret);
  if (token.length > 2048) return undefined;
  const [payload, signature, ...rest] = token.split('.');
  if (payload === undefined || signature === undefined || rest.length > 0) return undefined;
  if (!base64url.test(payload) || !base64url.test(signature)) return undefined;
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== MAC_BYTES) return undefined;
  let genuine = false;
  // Every key is tried, so the time taken does not tell which one matched.
  for (const key of keys) genuine = timingSafeEqual(given, mac(key, payload)) || genuine;
  if (!genuine) return undefined;

  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const wire = wireClaimsSchema.safeParse(json);
  if (!wire.success) return undefined;
  const w = wire.data;
  if (purposeByCode[w.p] !== purpose) return undefined;
  if (w.x !== undefined && w.x * 1000 <= now.getTime()) return undefined;
  const claims: LinkClaims = { store: w.s, orderId: w.o, purpose };
  if (w.e !== undefined) claims.email = w.e;
  if (w.x !== undefined) claims.exp = w.x;
  return claims;
}

export interface OrderLinks {
  tracking: string;
  /** The confirmation page, for the link in the email footer. */
  unsubscribe: string;
  /** The RFC 8058 target for `List-Unsubscribe` (POST with `List-Unsubscribe=One-Click`). */
  unsubscribeOneClick: string;
  /** One link per star: the click itself is the rating. */
  feedback: Record<Rating, string>;
}

/** Every link an email about this order carries. */
export function buildLinks(baseUrl: string, secret: string | readonly string[], o: { store: string; orderId: string; email: string }): OrderLinks {
  const base = baseUrl.replace(/\/+$/, '');
  const tracking = signLink(secret, { store: o.store, orderId: o.orderId, purpose: 'track' });
  const feedback = signLink(secret, { store: o.store, orderId: o.orderId, purpose: 'feedback' });
  const unsubscribe = `${base}/unsubscribe?t=${signLink(secret, { store: o.store, orderId: o.orderId, purpose: 'unsubscribe', email: o.email })}`;
  const byRating = (r: Rating) => `${base}/feedback?t=${feedback}&rating=${r}`;
  return {
    tracking: `${base}/track?t=${tracking}`,
    unsubscribe,
    // The same URL on purpose: GET shows the confirmation page, POST unsubscribes.
    unsubscribeOneClick: unsubscribe,
    feedback: { 1: byRating(1), 2: byRating(2), 3: byRating(3), 4: byRating(4), 5: byRating(5) },
  };
}

/** The tracking link alone: what the order lookup form redirects to. */
export function trackingToken(secret: string | readonly string[], store: string, orderId: string): string {
  return signLink(secret, { store, orderId, purpose: 'track' });
}
