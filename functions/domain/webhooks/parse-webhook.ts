/**
 * The inbound webhook edge as one pure function: raw request in, authenticated domain events
 * (or the exact HTTP failure) out. Checks run cheapest and least trusting first: size, media
 * type, authenticity, then content, so nothing about a body is revealed to a caller that has
 * not proven it holds the store's secret. The ingest service stores `events` (deduplicating
 * on eventId) and answers.
 */
import type { DomainEvent } from '../events.js';
import { domainEventSchema } from '../events.js';
import { genericStoreProbeSchema, genericToDomainEvent, genericWebhookSchema } from '../platforms/generic.js';
import { mapShopifyWebhook, type DomainEventInput } from '../platforms/shopify.js';
import { canonicalStoreId, type Platform } from '../store-id.js';
import { parseJsonKeepingBigInts } from './json.js';
import { issuePath, reject, rejectSchema, type WebhookResult } from './result.js';
import { verifyShopify, verifyStandardWebhook } from './signatures.js';
import { unknownStoreMessage, type StoreSetup } from './unknown-store.js';

export { signShopify, signStandardWebhook } from './signatures.js';
export type { WebhookResult } from './result.js';

export interface WebhookRequest {
  source: 'shopify' | 'generic';
  /** Header names lower-cased. */
  headers: Record<string, string | undefined>;
  /** The body exactly as received (decoded from base64 if the gateway encoded it). */
  rawBody: string;
}

export interface WebhookDeps {
  /**
   * Every secret currently valid for the store (several during rotation); undefined unless it
   * is a configured store of that platform. `storeId` is canonical (see store-id.ts).
   */
  secretsFor: (storeId: string, platform: Platform) => Promise<string[] | undefined>;
  now: () => Date;
  /** Largest accepted body in bytes; default 256 KiB. */
  maxBytes?: number;
  /** Where the service runs, for the unknown_store answer's how-to-add hint. @default 'deployed' */
  storeSetup?: StoreSetup;
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/** Standard Webhooks' recommended replay window, each side of now. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/** Authenticates, validates and maps one webhook delivery; never throws for bad input. */
export async function parseWebhook(req: WebhookRequest, deps: WebhookDeps): Promise<WebhookResult> {
  const maxBytes = deps.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (Buffer.byteLength(req.rawBody, 'utf8') > maxBytes) {
    return reject(413, 'payload_too_large', `body exceeds ${maxBytes} bytes`);
  }
  if (!isJsonContentType(req.headers['content-type'])) {
    return reject(415, 'unsupported_media_type', 'content-type must be application/json (charset utf-8 if given)');
  }
  return req.source === 'shopify' ? parseShopify(req, deps) : parseGeneric(req, deps);
}

/** application/json, optionally with parameters; a charset other than UTF-8 is refused (RFC 8259). */
function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const [type = '', ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => {
    const [name, value = ''] = p.split('=').map((s) => s.trim());
    return name !== 'charset' || ['utf-8', 'utf8'].includes(value.replace(/^"|"$/g, ''));
  });
}

async function secretsOf(store: string, platform: Platform, deps: WebhookDeps): Promise<string[]> {
  return (await deps.secretsFor(store, platform)) ?? [];
}

// --- Shopify -----------------------------------------------------------------------------------

/**
 * Shopify's webhooks name their headers X-Shopify-*; its newer event deliveries send the same
 * headers without the X- (shopify-hmac-sha256, shopify-topic, shopify-shop-domain,
 * shopify-event-id, shopify-triggered-at), as Shopify's own app libraries read them. The first
 * present is used, as those libraries do; names arrive lower-cased (http-header-normalizer).
 */
export function shopifyHeader(h: Record<string, string | undefined>, name: string): string | undefined {
  return h[`x-shopify-${name}`] ?? h[`shopify-${name}`];
}

async function parseShopify(req: WebhookRequest, deps: WebhookDeps): Promise<WebhookResult> {
  const h = req.headers;
  const header = (name: string) => shopifyHeader(h, name);
  const hmac = header('hmac-sha256');
  if (!hmac) return reject(401, 'missing_signature', 'X-Shopify-Hmac-Sha256 header is missing');
  const domain = header('shop-domain');
  if (!domain?.trim()) return reject(401, 'unknown_store', 'X-Shopify-Shop-Domain header is missing');
  // Shop domains are case-insensitive: one canonical id for authentication, deduplication and links.
  const store = canonicalStoreId(domain);
  if (store === undefined) return reject(401, 'unknown_store', unknownStoreMessage('shopify', deps.storeSetup));
  const secrets = await secretsOf(store, 'shopify', deps);
  if (secrets.length === 0) return reject(401, 'unknown_store', unknownStoreMessage('shopify', deps.storeSetup));
  if (!verifyShopify(secrets, req.rawBody, hmac)) {
    return reject(401, 'invalid_signature', 'X-Shopify-Hmac-Sha256 does not match the body');
  }

  const topic = header('topic')?.trim();
  if (!topic) return reject(400, 'missing_header', 'X-Shopify-Topic header is missing', 'x-shopify-topic');
  if (isShopifyTestNotification(h)) {
    return { ok: true, store, deliveryId: header('webhook-id')?.trim() || 'shopify-test-notification', events: [], ignored: testNotificationReason(topic) };
  }
  // X-Shopify-Event-Id is shared by every delivery of one merchant action, so it names the
  // delivery better than the per-subscription X-Shopify-Webhook-Id.
  const deliveryId = header('event-id')?.trim() || header('webhook-id')?.trim();
  if (!deliveryId) return reject(400, 'missing_header', 'X-Shopify-Event-Id and X-Shopify-Webhook-Id are missing', 'x-shopify-event-id');
  const triggeredAt = validTimestamp(header('triggered-at'));

  const payload = parseJson(req.rawBody);
  if (!payload.ok) return payload.result;
  const mapped = mapShopifyWebhook(topic, payload.value, { store, triggeredAt });
  switch (mapped.kind) {
    case 'unknown_topic':
      // Acknowledged so Shopify does not retry (and eventually drop the subscription).
      return { ok: true, store, deliveryId, events: [], ignored: `topic "${topic}" is not used` };
    case 'invalid':
      return rejectSchema(mapped.error, `${topic} payload`);
    case 'mapped': {
      const events = toDomainEvents(mapped.events);
      if (!events.ok) return events.result;
      return { ok: true, store, deliveryId, events: events.value, ...(mapped.ignored ? { ignored: mapped.ignored } : {}) };
    }
  }
}

/**
 * The admin's "Send test notification" (Settings → Notifications → Webhooks) marks what it sends
 * with X-Shopify-Test: true. It sends Shopify's published sample payloads (order #9999, id
 * 820982911946154508, customer jon@example.com, dates in 2021, already cancelled), about orders
 * that do not exist; real deliveries say false, or nothing. Checked after the signature, so an
 * acknowledged test proves the URL, the tunnel and the secret are right, and stored nowhere.
 * Orders placed in a development store with a test gateway are real deliveries: their payload's
 * own `"test": true` is not looked at here.
 */
function isShopifyTestNotification(h: Record<string, string | undefined>): boolean {
  return shopifyHeader(h, 'test')?.trim().toLowerCase() === 'true';
}

function testNotificationReason(topic: string): string {
  return `Shopify test notification (X-Shopify-Test: true) for ${topic}: signature verified; its sample data is not stored and sends no email`;
}

function validTimestamp(value: string | undefined): string | undefined {
  return value && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

/** Mapped events must satisfy the domain contract; a mapping gap is reported, not stored. */
function toDomainEvents(inputs: DomainEventInput[]): { ok: true; value: DomainEvent[] } | { ok: false; result: WebhookResult } {
  const value: DomainEvent[] = [];
  for (const input of inputs) {
    const parsed = domainEventSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue ? issuePath(issue.path) : undefined;
      return { ok: false, result: reject(400, 'invalid_payload', `${input.type} cannot be built from this payload${field ? ` (${field}: ${issue?.message})` : ''}`) };
    }
    value.push(parsed.data);
  }
  return { ok: true, value };
}

// --- Standard Webhooks (generic) ---------------------------------------------------------------

async function parseGeneric(req: WebhookRequest, deps: WebhookDeps): Promise<WebhookResult> {
  const h = req.headers;
  const id = h['webhook-id']?.trim();
  const timestamp = h['webhook-timestamp']?.trim();
  const signature = h['webhook-signature']?.trim();
  const missing = [!id && 'webhook-id', !timestamp && 'webhook-timestamp', !signature && 'webhook-signature'].filter(Boolean);
  if (!id || !timestamp || !signature) return reject(401, 'missing_signature', `missing header(s): ${missing.join(', ')}`);
  if (!/^\d{1,12}$/.test(timestamp)) return reject(401, 'invalid_timestamp', 'webhook-timestamp must be unix seconds');
  const skew = Math.floor(deps.now().getTime() / 1000) - Number(timestamp);
  if (Math.abs(skew) > TIMESTAMP_TOLERANCE_SECONDS) {
    return reject(401, 'stale_timestamp', `webhook-timestamp is more than ${TIMESTAMP_TOLERANCE_SECONDS} seconds ${skew > 0 ? 'old' : 'in the future'}`);
  }

  // The store is read before verification only to choose the secret; the signature then covers
  // the whole body, store included. A body that is not JSON names no store to verify against.
  const payload = parseJson(req.rawBody);
  if (!payload.ok) return payload.result;
  const probe = genericStoreProbeSchema.safeParse(payload.value);
  if (!probe.success) return reject(401, 'unknown_store', 'body names no store');
  // One canonical id ("Generic-Dev" is "generic-dev"): the events carry it, not the spelling sent.
  const store = canonicalStoreId(probe.data.store);
  if (store === undefined) return reject(401, 'unknown_store', unknownStoreMessage('generic', deps.storeSetup));
  const secrets = await secretsOf(store, 'generic', deps);
  if (secrets.length === 0) return reject(401, 'unknown_store', unknownStoreMessage('generic', deps.storeSetup));
  if (!verifyStandardWebhook(secrets, { id, timestamp, body: req.rawBody }, signature)) {
    return reject(401, 'invalid_signature', 'no webhook-signature entry matches the message');
  }

  const body = genericWebhookSchema.safeParse(payload.value);
  if (!body.success) return rejectSchema(body.error, 'body');
  if (body.data.eventId === undefined && id.length > 200) {
    return reject(400, 'invalid_header', 'webhook-id longer than 200 characters cannot serve as eventId; set eventId', 'webhook-id');
  }
  const event = genericToDomainEvent({ ...body.data, store }, id);
  if (!event.success) return rejectSchema(event.error, 'event');
  return { ok: true, store, deliveryId: id, events: [event.data] };
}

// --- shared ------------------------------------------------------------------------------------

function parseJson(rawBody: string): { ok: true; value: unknown } | { ok: false; result: WebhookResult } {
  try {
    return { ok: true, value: parseJsonKeepingBigInts(rawBody) };
  } catch {
    // JSON.parse's message quotes the body around the error: not for the response.
    return { ok: false, result: reject(400, 'invalid_json', 'body is not valid JSON') };
  }
}
