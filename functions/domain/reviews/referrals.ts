/**
 * Referral codes and points. A shopper's code is derived from the store and their address with
 * the link secret (HMAC), so it is the same on every page and email without a lookup, and
 * cannot be guessed from the address. Points are a list of credits, each keyed by what earned
 * it, so a credit delivered twice is one credit; the balance is their sum, never negative.
 */
import { createHmac } from 'node:crypto';
import * as z from 'zod';
import { signingKeys } from '../links.js';
import type { Order } from '../order.js';

// Crockford's base32 without I, L, O, U: nothing a shopper could mistype or misread.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const REFERRAL_PREFIX = 'REF-';
export const referralCodeSchema = z.string().regex(/^REF-[0-9A-HJKMNP-TV-Z]{8}$/, 'a referral code such as "REF-7K2M9QXA"');

/** The shopper's personal referral code at this store. */
export function referralCodeFor(secret: string | readonly string[], store: string, email: string): string {
  const [key] = signingKeys(secret) as [string];
  const digest = createHmac('sha256', key).update(`referral|${store}|${email.trim().toLowerCase()}`).digest();
  let code = '';
  for (let i = 0; i < 8; i++) code += ALPHABET[digest[i]! % 32];
  return REFERRAL_PREFIX + code;
}

/** Referral codes among an order's discount codes (upper-cased, as platforms compare codes). */
export function referralCodesIn(order: Order): string[] {
  const codes = order.discounts.map((d) => d.code?.trim().toUpperCase()).filter((c): c is string => !!c && referralCodeSchema.safeParse(c).success);
  return [...new Set(codes)];
}

export const pointsSourceSchema = z.enum(['review', 'referral']);
export type PointsSource = z.infer<typeof pointsSourceSchema>;

export const pointsCreditSchema = z.object({
  source: pointsSourceSchema,
  /** What earned it: the reviewed order, or the referred order. One credit per (source, ref). */
  ref: z.string().min(1),
  points: z.number().int().positive(),
  at: z.string(),
});
export type PointsCredit = z.infer<typeof pointsCreditSchema>;

/** The balance and history: credits newest first, the balance their sum (so it can never be negative). */
export function pointsAccount(credits: readonly PointsCredit[]): { balance: number; history: PointsCredit[] } {
  const unique = new Map<string, PointsCredit>();
  for (const c of credits) if (!unique.has(`${c.source}#${c.ref}`)) unique.set(`${c.source}#${c.ref}`, c);
  const history = [...unique.values()].sort((a, b) => b.at.localeCompare(a.at));
  return { balance: history.reduce((sum, c) => sum + c.points, 0), history };
}
