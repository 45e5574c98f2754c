/**
 * The console's browser session: the Cognito access token in an HttpOnly cookie (SameSite
 * Strict, Secure everywhere but on a loopback host, scoped to /console), and the CSRF tokens
 * its forms carry. A form's token is an HMAC of the session's token id, so it is bound to
 * the session and useless once signed out; the sign-in form, which has no session yet,
 * carries a random token that must equal the one in a short-lived cookie (double submit).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'pp_console';
export const SIGN_IN_CSRF_COOKIE = 'pp_console_signin';
export const COOKIE_PATH = '/console';

/** Whether the request reached us on a loopback host, where browsers allow no Secure cookies over http. */
export function isLoopbackHost(host: string | undefined): boolean {
  const name = (host ?? '').toLowerCase().replace(/:\d+$/, '');
  return name === 'localhost' || name === '127.0.0.1' || name === '[::1]' || name.endsWith('.localhost');
}

export interface CookieOptions {
  maxAgeSeconds: number;
  secure: boolean;
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${COOKIE_PATH}`, `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`, 'HttpOnly', 'SameSite=Strict'];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export const clearCookie = (name: string, secure: boolean) => serializeCookie(name, '', { maxAgeSeconds: 0, secure });

/** Cookies of a payload 2.0 event (its `cookies` array) or a raw Cookie header. */
export function parseCookies(cookies: readonly string[] | undefined, header?: string): Record<string, string> {
  const out: Record<string, string> = {};
  const pairs = [...(cookies ?? []), ...(header ? header.split(/;\s*/) : [])];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    if (!Object.hasOwn(out, name)) Object.defineProperty(out, name, { value: pair.slice(eq + 1).trim(), enumerable: true, writable: true });
  }
  return out;
}

const b64url = (b: Buffer) => b.toString('base64url');

/** The CSRF token of a session's forms. */
export function csrfToken(secret: string, tokenId: string): string {
  return b64url(createHmac('sha256', secret).update(`console-csrf\n${tokenId}`).digest());
}

/** A fresh random token for the sign-in form (and its cookie). */
export const signInCsrfToken = () => b64url(randomBytes(24));

/** Constant-time comparison of two tokens; false for anything missing. */
export function tokensMatch(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
