/**
 * Webhook signatures: Shopify's HMAC of the raw body, and Standard Webhooks
 * (https://www.standardwebhooks.com) for the generic endpoint. Both use node:crypto rather
 * than the `standardwebhooks` package: its verify() reads Date.now() for the timestamp window,
 * so the clock could not be injected, and its signing uses a pure-JS SHA-256 where Node's is
 * native. Tests cross-check signStandardWebhook against the package's own sign().
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const STANDARD_WEBHOOKS_SECRET_PREFIX = 'whsec_';

/** Base64 HMAC-SHA256 of the raw body bytes, as Shopify sends in X-Shopify-Hmac-Sha256. */
export function signShopify(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

/** True when `header` is the Shopify HMAC of `body` under any of the secrets (rotation). */
export function verifyShopify(secrets: readonly string[], body: string, header: string): boolean {
  const presented = Buffer.from(header.trim(), 'utf8');
  let matched = false;
  // Every secret is tried, so timing does not reveal which one (or whether an earlier one) matched.
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    if (constantTimeEqual(presented, Buffer.from(signShopify(secret, body), 'utf8'))) matched = true;
  }
  return matched;
}

/** The HMAC key of a Standard Webhooks secret: base64 after an optional `whsec_` prefix. */
function standardWebhookKey(secret: string): Buffer {
  const encoded = secret.startsWith(STANDARD_WEBHOOKS_SECRET_PREFIX)
    ? secret.slice(STANDARD_WEBHOOKS_SECRET_PREFIX.length)
    : secret;
  return Buffer.from(encoded, 'base64');
}

/**
 * The `webhook-signature` header value for a message: `v1,<base64 HMAC-SHA256>` of
 * `${id}.${timestamp}.${body}` keyed with the decoded secret. `timestamp` is unix seconds.
 */
export function signStandardWebhook(secret: string, id: string, timestamp: number | string, body: string): string {
  const key = standardWebhookKey(secret);
  if (key.length === 0) throw new Error('Standard Webhooks secret is empty');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/**
 * True when any `v1,<sig>` entry of the space-separated `signatureHeader` matches the message
 * under any of the secrets. Entries with another version are skipped, as the spec requires.
 */
export function verifyStandardWebhook(
  secrets: readonly string[],
  message: { id: string; timestamp: string; body: string },
  signatureHeader: string,
): boolean {
  const presented = signatureHeader
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice('v1,'.length), 'utf8'));
  if (presented.length === 0) return false;
  let matched = false;
  for (const secret of secrets) {
    if (standardWebhookKey(secret).length === 0) continue;
    const expected = Buffer.from(signStandardWebhook(secret, message.id, message.timestamp, message.body).slice(3), 'utf8');
    for (const candidate of presented) if (constantTimeEqual(candidate, expected)) matched = true;
  }
  return matched;
}

/** timingSafeEqual needs equal lengths; a length mismatch is itself a mismatch. */
function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
